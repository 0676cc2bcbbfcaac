package io.hwledger.fleet.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.ModelSpec;
import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.JobState;
import io.hwledger.fleet.protocol.ModelFile;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.math.CheckpointWeights;
import java.util.Map;
import java.util.TreeMap;

/**
 * The admin API's read views, as JSON: what {@code hwledger fleet status|agents|gpus|jobs} and
 * {@code fleet admin list} print.
 */
final class Views {
  private Views() {}

  static ObjectNode status(FleetState s, Fleet fleet) {
    ObjectNode out = root();
    out.put("fleet", fleet.fleetId());
    out.put("ledgerSize", s.size);
    ObjectNode agents = out.putObject("agents");
    for (AgentStatus st : AgentStatus.values()) {
      agents.put(st.name(), s.agents.values().stream().filter(a -> a.status == st).count());
    }
    ObjectNode jobs = out.putObject("jobs");
    for (JobState st : JobState.values()) {
      jobs.put(st.name(), s.jobs.values().stream().filter(j -> j.state == st).count());
    }
    out.put("gpus", s.agents.values().stream().mapToLong(a -> a.gpus.size()).sum());
    out.put("sshHosts", s.sshHosts.size());
    out.put("sshGpus", s.sshHosts.values().stream().mapToLong(h -> h.gpus.size()).sum());
    out.put("watchStreams", fleet.streams.open());
    // a follower answers from the ledger it follows; liveness and telemetry are the leader's
    out.put("role", fleet.leads() ? "leader" : "follower");
    if (s.leaderUrl != null) {
      out.put("leader", s.leaderUrl);
    }
    return out;
  }

  static ObjectNode agents(FleetState s, Fleet fleet) {
    ObjectNode out = root();
    ArrayNode list = out.putArray("agents");
    for (FleetState.Agent a : s.agents.values()) {
      ObjectNode n = list.addObject();
      n.put("agentId", a.id);
      n.put("status", a.status.name());
      n.put("hostname", a.host.hostname());
      n.put("gpus", a.gpus.size());
      n.put("lastSeenMillis", fleet.lastSeen(a.id));
      n.put("certificateSerial", a.serial);
      n.put("certificateNotAfterMillis", a.notAfterMillis);
      n.set("labels", Exchange.JSON.valueToTree(a.labels));
    }
    return out;
  }

  /**
   * Every GPU: agents' (source {@code agent}) and SSH hosts' (source {@code ssh}), a GPU that both
   * report listed once, as the agent's.
   */
  static ObjectNode gpus(FleetState s, TelemetryStore telemetry) {
    ObjectNode out = root();
    ArrayNode list = out.putArray("gpus");
    Map<String, Long> claims = s.claims();
    Map<String, String> agentOf = SshHosts.agentGpus(s);
    for (FleetState.Agent a : s.agents.values()) {
      for (GpuInfo g : a.gpus) {
        ObjectNode n = gpu(list, g, "agent", a.host.hostname(), telemetry);
        n.put("agentId", a.id);
        n.put("claimedBytes", claims.getOrDefault(g.uuid(), 0L));
      }
    }
    for (FleetState.SshHost h : s.sshHosts.values()) {
      HostFacts host = h.host;
      for (GpuInfo g : h.gpus) {
        if (!agentOf.containsKey(g.uuid()) && host != null) {
          gpu(list, g, "ssh", host.hostname(), telemetry).put("address", h.request.address());
        }
      }
    }
    return out;
  }

  private static ObjectNode gpu(
      ArrayNode list, GpuInfo g, String source, String hostname, TelemetryStore telemetry) {
    ObjectNode n = list.addObject();
    n.put("source", source);
    n.put("hostname", hostname);
    n.put("index", g.index());
    n.put("uuid", g.uuid());
    n.put("name", g.name());
    n.put("vendor", g.vendor());
    n.put("backend", g.backend());
    n.put("integrated", g.integrated());
    n.put("totalBytes", g.totalBytes());
    telemetry
        .latest(g.uuid())
        .ifPresent(
            l -> {
              GpuSample x = l.sample();
              n.put("healthy", x.healthy());
              if (x.usedBytes() != null) {
                n.put("usedBytes", x.usedBytes());
              }
              if (x.freeBytes() != null) {
                n.put("freeBytes", x.freeBytes());
              }
              if (x.utilizationPercent() != null) {
                n.put("utilizationPercent", x.utilizationPercent());
              }
              n.put("measuredAtMillis", l.receivedAt().toEpochMilli());
            });
    return n;
  }

  /** Every model checkpoint each agent reports: what jobs may name as their modelFile. */
  static ObjectNode models(FleetState s) {
    ObjectNode out = root();
    ArrayNode list = out.putArray("models");
    for (FleetState.Agent a : s.agents.values()) {
      for (ModelFile f : a.models.values()) {
        ObjectNode n = list.addObject();
        n.put("agentId", a.id);
        n.put("hostname", a.host.hostname());
        n.put("path", f.path());
        n.put("format", f.format());
        ModelSpec spec = f.spec();
        CheckpointWeights weights = f.weights();
        if (spec != null && weights != null) {
          n.put("model", spec.name());
          n.put("layers", spec.layerCount());
          spec.contextLimit().ifPresent(c -> n.put("contextLimit", c));
          n.put("weightsFormat", weights.format());
          n.put("parameters", weights.parameters());
          n.put("weightsBytes", weights.totalBytes());
        }
        if (f.error() != null) {
          n.put("error", f.error());
        }
      }
    }
    return out;
  }

  static ObjectNode jobs(FleetState s, Fleet fleet) {
    ObjectNode out = root();
    ArrayNode list = out.putArray("jobs");
    for (FleetState.Job j : s.jobs.values()) {
      ObjectNode n = list.addObject();
      n.put("jobId", j.id);
      n.put("state", j.state.name());
      n.put("model", FleetState.modelName(j.spec));
      n.put("engine", j.spec.engine());
      if (j.agentId != null) {
        n.put("agentId", j.agentId);
        ArrayNode gpus = n.putArray("gpus");
        j.gpus.forEach(g -> gpus.add(g.index()));
        n.put("claimBytesPerGpu", j.gpus.isEmpty() ? 0 : j.gpus.get(0).claimBytes());
        n.put("planSeq", j.planSeq);
        n.put("planHash", j.planHash);
      }
      if (j.exitCode != null) {
        n.put("exitCode", j.exitCode);
      }
      if (j.message != null) {
        n.put("message", j.message);
      }
      String tail = fleet.logTail(j.id);
      if (tail != null) {
        n.put("logTail", tail);
      }
    }
    return out;
  }

  /** Predicted versus measured memory, per engine and model: the fleet's own accuracy report. */
  static ObjectNode accuracy(FleetState s) {
    ObjectNode out = root();
    Map<String, ArrayNode> groups = new TreeMap<>();
    ArrayNode list = out.putArray("groups");
    Map<String, double[]> stats = new TreeMap<>();
    for (FleetState.Reconciliation r : s.reconciliations) {
      String key = r.engine() + "\u0000" + r.model();
      double errorPercent =
          r.result().predictedBytes() == 0
              ? 0
              : 100.0 * r.result().errorBytes() / r.result().predictedBytes();
      double[] st = stats.computeIfAbsent(key, k -> new double[3]);
      st[0]++;
      st[1] += errorPercent;
      st[2] = Math.max(st[2], Math.abs(errorPercent));
      ArrayNode rows = groups.computeIfAbsent(key, k -> Exchange.JSON.createArrayNode());
      ObjectNode row = rows.addObject();
      row.put("jobId", r.jobId());
      row.put("gpu", r.result().deviceId());
      row.put("predictedBytes", r.result().predictedBytes());
      row.put("measuredBytes", r.result().measuredBytes());
      row.put("planSeq", r.result().planSeq());
    }
    stats.forEach(
        (key, st) -> {
          String[] parts = key.split("\u0000", 2);
          ObjectNode g = list.addObject();
          g.put("engine", parts[0]);
          g.put("model", parts[1]);
          g.put("count", (long) st[0]);
          g.put("meanErrorPercent", st[1] / st[0]);
          g.put("maxAbsErrorPercent", st[2]);
          g.set("reconciliations", groups.get(key));
        });
    return out;
  }

  static ObjectNode tokens(FleetState s) {
    ObjectNode out = root();
    ArrayNode list = out.putArray("tokens");
    for (FleetState.Token t : s.tokens.values()) {
      ObjectNode n = list.addObject();
      n.put("tokenId", t.id);
      n.put("expiresAtMillis", t.expiresAtMillis);
      n.put("usesLeft", t.usesLeft);
      n.put("revoked", t.revoked);
    }
    return out;
  }

  /** Operators: name, the serial accepted, its expiry and whether the name is revoked. */
  static ObjectNode operators(FleetState s) {
    ObjectNode out = root();
    ArrayNode list = out.putArray("operators");
    for (FleetState.Operator o : s.operators.values()) {
      ObjectNode n = list.addObject();
      n.put("name", o.name);
      if (o.serial != null) {
        n.put("serial", o.serial);
        n.put("notAfterMillis", o.notAfterMillis);
      }
      n.put("revoked", o.revoked);
      n.put("by", o.by);
    }
    return out;
  }

  static ObjectNode root() {
    ObjectNode out = Exchange.JSON.createObjectNode();
    out.put("v", Protocol.VERSION);
    return out;
  }
}
