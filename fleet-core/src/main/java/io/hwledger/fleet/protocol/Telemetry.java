package io.hwledger.fleet.protocol;

import java.util.List;

/**
 * Readings of an agent's GPUs: {@code POST /v1/agents/{id}/telemetry}. They go to the server's
 * in-memory series; only daily summaries reach the ledger.
 *
 * @param v the protocol version
 * @param samples one reading per GPU, at most 64
 */
public record Telemetry(int v, List<GpuSample> samples) {

  /**
   * Validates and copies.
   *
   * @param v the protocol version
   * @param samples at most 64 readings
   * @throws IllegalArgumentException naming what is wrong
   */
  public Telemetry {
    Protocol.checkVersion(v);
    samples = List.copyOf(Values.list(samples, "samples", 64));
  }
}
