package io.hwledger.fleet.placement;

import java.util.List;
import java.util.Objects;

/**
 * An agent as the server sees it when it places a job.
 *
 * @param agentId the agent's id
 * @param ready whether the agent is ready: heartbeating, not cordoned, not lost
 * @param gpus its GPUs
 */
public record AgentState(String agentId, boolean ready, List<GpuState> gpus) {

  /**
   * Validates and copies.
   *
   * @param agentId not blank
   * @param ready whether it is ready
   * @param gpus its GPUs, copied; no two with the same uuid or index
   * @throws IllegalArgumentException if the id is blank or two GPUs share a uuid or index
   */
  public AgentState {
    Objects.requireNonNull(agentId, "agentId");
    if (agentId.isBlank()) {
      throw new IllegalArgumentException("agentId is blank");
    }
    gpus = List.copyOf(gpus);
    for (int i = 0; i < gpus.size(); i++) {
      for (int j = i + 1; j < gpus.size(); j++) {
        GpuState a = gpus.get(i);
        GpuState b = gpus.get(j);
        if (a.uuid().equals(b.uuid())) {
          throw new IllegalArgumentException(
              "agent " + agentId + " lists two GPUs with uuid " + a.uuid());
        }
        if (a.index() == b.index()) {
          throw new IllegalArgumentException(
              "agent " + agentId + " lists two GPUs with index " + a.index());
        }
      }
    }
  }
}
