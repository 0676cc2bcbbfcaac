package io.hwledger.bench;

import io.hwledger.api.Deployment;
import io.hwledger.api.Workload;

/** Inputs shared by the benchmarks: a small ring of workloads and the deployment they run on. */
final class Inputs {
  /** Workloads per ring; a power of two so the next index is a mask, not a division. */
  static final int RING = 8;

  /** Mask turning a counter into a ring index. */
  static final int MASK = RING - 1;

  /** Per-GPU budget of the benchmarks' deployment: 80 GiB, an H100 or A100-80GB. */
  static final long BUDGET_BYTES = 80L << 30;

  private Inputs() {}

  /**
   * Workloads of {@code sequences} sequences at contexts from 512 to 65,536 tokens, so that the JIT
   * sees a different context on consecutive calls and cannot fold the plan into a constant.
   */
  static Workload[] contextRing(long sequences) {
    Workload[] ring = new Workload[RING];
    for (int i = 0; i < RING; i++) {
      ring[i] = Workload.of(512L << i, sequences);
    }
    return ring;
  }

  /** One GPU, generic engine, with an {@link #BUDGET_BYTES} budget so each plan has a verdict. */
  static Deployment singleGpu() {
    return Deployment.singleGpu().withMemoryPerGpu(BUDGET_BYTES);
  }
}
