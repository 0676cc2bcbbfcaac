package io.hwledger.fleet.server;

import io.hwledger.fleet.placement.AgentState;
import io.hwledger.fleet.placement.Decision;
import io.hwledger.fleet.placement.GpuState;
import io.hwledger.fleet.placement.JobPlan;
import io.hwledger.fleet.placement.JobPlanner;
import io.hwledger.fleet.placement.MeasuredFree;
import io.hwledger.fleet.placement.Placement;
import io.hwledger.fleet.placement.Placer;
import io.hwledger.fleet.placement.Reason;
import io.hwledger.fleet.placement.Refusal;
import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.JobSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Placement by planned memory (fleet-core's {@link Placer}) over the fleet's state: each GPU's
 * claims come from the jobs placed on it, its measured free memory from the latest telemetry the
 * server received (stamped with the server's clock), and agents that are not ready are refused.
 */
final class PlannedScheduler implements Scheduler {
  private final Placer placer;
  private final JobPlanner planner = JobPlanner.builtIn();

  PlannedScheduler(FleetServerOptions options) {
    this.placer = Placer.withFreshness(options.measurementFreshness());
  }

  private static Optional<MeasuredFree> measuredFree(TelemetryStore.Latest latest) {
    Long free = latest.sample().freeBytes();
    return free == null
        ? Optional.empty()
        : Optional.of(new MeasuredFree(free, latest.receivedAt()));
  }

  @Override
  public Outcome place(JobSpec spec, FleetState state, TelemetryStore telemetry, Instant now) {
    List<AgentState> agents = new ArrayList<>();
    Map<String, Long> claims = state.claims();
    for (FleetState.Agent a : state.agents.values()) {
      if (a.status == AgentStatus.REVOKED || a.gpus.isEmpty()) {
        continue;
      }
      List<GpuState> gpus = new ArrayList<>();
      for (GpuInfo g : a.gpus) {
        gpus.add(gpuState(g, claims.getOrDefault(g.uuid(), 0L), telemetry));
      }
      agents.add(new AgentState(a.id, a.status == AgentStatus.READY, gpus, a.models));
    }
    if (agents.isEmpty()) {
      return new Refused(List.of("no enrolled agent reports a GPU"));
    }
    Decision d = placer.place(spec, planner, agents, now);
    if (d instanceof Refusal r) {
      List<String> reasons = new ArrayList<>();
      for (Reason reason : r.reasons()) {
        reasons.add(reason.message());
      }
      return new Refused(reasons);
    }
    Placement p = (Placement) d;
    JobPlan plan = p.plan();
    List<String> command =
        plan.launchCommand()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "engine "
                            + plan.engine()
                            + " has no launch command; name an engine an"
                            + " agent can run (vllm, sglang, llamacpp, trtllm, mlx)"));
    List<FleetEvents.PlacedGpu> gpus = new ArrayList<>();
    for (Placement.Gpu g : p.gpus()) {
      gpus.add(
          new FleetEvents.PlacedGpu(
              g.uuid(), g.index(), g.claimBytes(), g.allocatableBytes(), g.measuredFreeBytes()));
    }
    String vendor = plan.gpu().vendor();
    return new Placed(
        p.agentId(), vendor, gpus, command, plan.planComputed().toEvent(), plan.inputsHash());
  }

  /** A GPU as placement sees it: its claims, its latest measured free memory and health. */
  private static GpuState gpuState(GpuInfo g, long claimed, TelemetryStore telemetry) {
    Optional<TelemetryStore.Latest> latest = telemetry.latest(g.uuid());
    return new GpuState(
        g.uuid(),
        g.index(),
        g.vendor(),
        g.name(),
        g.totalBytes(),
        claimed,
        0,
        latest.flatMap(PlannedScheduler::measuredFree),
        latest.map(l -> l.sample().healthy()).orElse(true),
        g.integrated());
  }

  @Override
  public List<String> observedFit(
      JobSpec spec, FleetState state, TelemetryStore telemetry, Instant now) {
    List<String> out = new ArrayList<>();
    Map<String, String> agentOf = SshHosts.agentGpus(state);
    for (FleetState.SshHost h : state.sshHosts.values()) {
      String address = h.request.address();
      List<GpuState> gpus = new ArrayList<>();
      for (GpuInfo g : h.gpus) {
        if (!agentOf.containsKey(g.uuid())) {
          gpus.add(gpuState(g, 0, telemetry));
        }
      }
      if (gpus.isEmpty()) {
        continue;
      }
      String host = "SSH host " + address;
      if (spec.modelFile() != null) {
        out.add(host + ": not checked: only agents report model files");
        continue;
      }
      String id = SshHosts.SOURCE + address;
      Decision d;
      try {
        d = placer.place(spec, planner, List.of(new AgentState(id, true, gpus)), now);
      } catch (IllegalArgumentException e) {
        out.add(host + ": cannot be planned: " + e.getMessage());
        continue;
      }
      if (d instanceof Placement p) {
        List<String> indexes = new ArrayList<>();
        p.gpus().forEach(g -> indexes.add(Integer.toString(g.index())));
        out.add(
            host
                + ": would fit on GPU"
                + (indexes.size() == 1 ? " " : "s ")
                + String.join(",", indexes)
                + " (observed over SSH; jobs run on agents)");
      } else {
        String prefix = "agent " + id + " ";
        for (Reason r : ((Refusal) d).reasons()) {
          String m = r.message();
          out.add(m.startsWith(prefix) ? host + " " + m.substring(prefix.length()) : m);
        }
      }
    }
    return out;
  }
}
