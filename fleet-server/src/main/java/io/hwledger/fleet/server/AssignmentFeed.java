package io.hwledger.fleet.server;

import io.hwledger.fleet.protocol.Assignment;
import io.hwledger.fleet.protocol.WatchEvent;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps agents' watch streams in step with the fleet's state, whoever changed it: the leader's own
 * decisions and, on a follower, the records it followed (ADR 0022). After each change it compares
 * what each touched agent should run with what its streams were last sent, and sends the difference
 * ({@link WatchEvent.Type#ASSIGNED}, {@link WatchEvent.Type#REMOVED}); the streams of an agent
 * revoked or lost are closed instead. Used under the fleet's decision lock only.
 */
final class AssignmentFeed {
  private final WatchStreams streams;

  /** What the open streams of each agent were last sent, by job id. */
  private final Map<String, Map<String, Assignment>> sent = new HashMap<>();

  AssignmentFeed(WatchStreams streams) {
    this.streams = streams;
  }

  /** Sends a new stream its snapshot: everything its agent should run now. */
  void opened(WatchStreams.Stream stream, FleetState state) {
    List<Assignment> now = state.assignments(stream.agentId);
    sent.put(stream.agentId, byJob(now));
    stream.send(WatchEvent.snapshot(now));
  }

  /** Sends every open stream what changed for its agent since the last call. */
  void sync(FleetState state) {
    for (String agentId : state.drainTouched()) {
      if (!streams.has(agentId)) {
        sent.remove(agentId);
        continue;
      }
      FleetState.Agent agent = state.agents.get(agentId);
      if (agent == null
          || agent.status == AgentStatus.REVOKED
          || agent.status == AgentStatus.LOST) {
        // a stream that outlived the silence (a partition the connection survived, a stopped
        // process) would keep listing moved jobs: closed, the agent redials when it is back and
        // its snapshot no longer lists them, so it stops them after its orphan grace
        sent.remove(agentId);
        streams.abort(
            agentId,
            s -> true,
            agent == null || agent.status == AgentStatus.REVOKED ? "agent revoked" : "agent lost");
        continue;
      }
      Map<String, Assignment> before = sent.getOrDefault(agentId, Map.of());
      Map<String, Assignment> now = byJob(state.assignments(agentId));
      for (Map.Entry<String, Assignment> was : before.entrySet()) {
        Assignment is = now.get(was.getKey());
        if (is == null || !is.equals(was.getValue())) {
          streams.send(agentId, WatchEvent.removed(was.getKey()));
        }
      }
      for (Map.Entry<String, Assignment> is : now.entrySet()) {
        if (!is.getValue().equals(before.get(is.getKey()))) {
          streams.send(agentId, WatchEvent.assigned(is.getValue()));
        }
      }
      sent.put(agentId, now);
    }
  }

  private static Map<String, Assignment> byJob(List<Assignment> assignments) {
    Map<String, Assignment> out = new LinkedHashMap<>();
    assignments.forEach(a -> out.put(a.jobId(), a));
    return out;
  }
}
