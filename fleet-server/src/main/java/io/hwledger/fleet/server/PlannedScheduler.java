package io.hwledger.fleet.server;

import io.hwledger.fleet.protocol.JobSpec;
import java.time.Instant;
import java.util.List;

/** Placement by planned memory, through fleet-core's placement package. */
final class PlannedScheduler implements Scheduler {
  private final FleetServerOptions options;

  PlannedScheduler(FleetServerOptions options) {
    this.options = options;
  }

  @Override
  public Decision place(JobSpec spec, FleetState state, TelemetryStore telemetry, Instant now) {
    return new Refused(List.of("placement is not wired yet (" + options.port() + ")"));
  }
}
