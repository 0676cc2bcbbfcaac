package io.hwledger.math;

/** Settings engines choose for themselves when the user sets none, as the planner models them. */
public final class EngineDefaults {
  private EngineDefaults() {}

  /**
   * SGLang's {@code mem_fraction_static} for a GPU of {@code capacityBytes} in a deployment of
   * {@code tensorParallel × pipelineParallel} GPUs, from its {@code _handle_gpu_memory_settings}:
   * {@code round((capacity − reserved) / capacity, 3)}, capacity in MiB, with {@code
   * chunked_prefill_size} and {@code cuda_graph_max_bs} by the GPU's memory tier.
   *
   * @throws IllegalArgumentException if an argument is not positive
   */
  public static double sglangMemFractionStatic(
      long capacityBytes, int tensorParallel, int pipelineParallel) {
    if (capacityBytes <= 0 || tensorParallel <= 0 || pipelineParallel <= 0) {
      throw new IllegalArgumentException(
          "capacityBytes, tensorParallel and pipelineParallel must be positive");
    }
    SglangRules.Tier tier = SglangRules.Tier.of(capacityBytes, tensorParallel);
    return SglangRules.defaultFraction(
        capacityBytes,
        tier.chunk,
        tier.cudaGraphMaxBs,
        Math.multiplyExact(tensorParallel, pipelineParallel));
  }
}
