package io.hwledger.api;

/**
 * GPU memory split by what it holds, in bytes.
 *
 * @param weightsBytes parameters in their storage formats, block scales included
 * @param kvCacheBytes K/V cache of every sequence at the workload's context, after sliding windows,
 *     in the K and V cache formats
 * @param stateBytes recurrent state (SSM, convolution, linear attention) of every sequence; does
 *     not grow with context
 * @param activationBytes peak transient activations of one forward pass
 * @param overheadBytes runtime memory outside tensors (CUDA context, workspaces, allocator slack)
 */
public record MemoryBreakdown(
    long weightsBytes,
    long kvCacheBytes,
    long stateBytes,
    long activationBytes,
    long overheadBytes) {

  /**
   * Validates that every quantity is non-negative.
   *
   * @param weightsBytes parameters, bytes
   * @param kvCacheBytes K/V cache, bytes
   * @param stateBytes recurrent state, bytes
   * @param activationBytes peak activations, bytes
   * @param overheadBytes runtime overhead, bytes
   * @throws IllegalArgumentException if a quantity is negative
   */
  public MemoryBreakdown {
    Checks.nonNegative(weightsBytes, "weightsBytes");
    Checks.nonNegative(kvCacheBytes, "kvCacheBytes");
    Checks.nonNegative(stateBytes, "stateBytes");
    Checks.nonNegative(activationBytes, "activationBytes");
    Checks.nonNegative(overheadBytes, "overheadBytes");
  }

  /**
   * The sum of all parts, bytes.
   *
   * @return weights, KV cache, state, activations and overhead together, bytes
   * @throws ArithmeticException if it overflows a {@code long}
   */
  public long totalBytes() {
    return Math.addExact(
        Math.addExact(
            Math.addExact(weightsBytes, kvCacheBytes), Math.addExact(stateBytes, activationBytes)),
        overheadBytes);
  }
}
