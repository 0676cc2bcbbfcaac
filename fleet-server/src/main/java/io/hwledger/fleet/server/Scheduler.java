package io.hwledger.fleet.server;

import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.ledger.LedgerEvent;
import java.time.Instant;
import java.util.List;

/** Decides where a job runs, from the fleet's state and its latest measurements. */
interface Scheduler {

  /** Where a job goes, or why it goes nowhere. */
  sealed interface Outcome permits Placed, Refused {}

  /**
   * A placement: the agent, its GPUs with their claims, the launch command, and the plan as the
   * ledger's {@code plan.computed} event.
   */
  record Placed(
      String agentId,
      String vendor,
      List<FleetEvents.PlacedGpu> gpus,
      List<String> command,
      LedgerEvent planComputed,
      String planHash)
      implements Outcome {
    public Placed {
      gpus = List.copyOf(gpus);
      command = List.copyOf(command);
    }
  }

  /** No GPU set fits: one reason per candidate GPU. */
  record Refused(List<String> reasons) implements Outcome {
    public Refused {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * Places {@code spec}. {@code state} is stable while it runs: the server's state under its write
   * lock, or a private copy of what placement reads ({@link FleetState#placementView()}) outside
   * it; {@code telemetry} is live.
   *
   * @throws IllegalArgumentException when the job itself is invalid (unknown model or engine,
   *     settings the engine refuses), with a one-line message for the operator
   */
  Outcome place(JobSpec spec, FleetState state, TelemetryStore telemetry, Instant now);

  /**
   * Whether {@code spec} would fit on the GPUs of each host read over SSH that no agent reports:
   * one line per host that fits, one per rule each GPU of the others fails. SSH hosts are observed,
   * never placed on (ADR 0017), so this is a report only.
   *
   * @param spec the job
   * @param state the fleet's state, or a view of it
   * @param telemetry the GPUs' latest readings
   * @param now the decision's time
   * @return the report, empty when there is no SSH host
   */
  List<String> observedFit(JobSpec spec, FleetState state, TelemetryStore telemetry, Instant now);
}
