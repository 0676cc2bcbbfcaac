package io.hwledger.math;

/**
 * Splits layers into pipeline stages as vLLM does ({@code vllm/distributed/utils.py}, {@code
 * get_pp_indices}): every stage gets {@code layers / stages} layers, and the remainder goes one
 * each to the stages before the last, starting from the second-to-last, because the last stage also
 * holds the output head.
 */
final class StagePartition {
  private StagePartition() {}

  /**
   * First layer index of each stage, plus the layer count at the end ({@code stages + 1} values).
   *
   * @throws IllegalArgumentException if there are more stages than layers
   */
  static int[] boundaries(int layers, int stages) {
    if (stages > layers) {
      throw new IllegalArgumentException(
          "pipelineParallel (" + stages + ") exceeds the model's " + layers + " layers");
    }
    int[] sizes = new int[stages];
    java.util.Arrays.fill(sizes, layers / stages);
    int remaining = layers % stages;
    for (int i = 2; i < remaining + 2; i++) {
      sizes[stages - i]++;
    }
    int[] bounds = new int[stages + 1];
    for (int s = 0; s < stages; s++) {
      bounds[s + 1] = bounds[s] + sizes[s];
    }
    return bounds;
  }
}
