package io.hwledger.api;

import java.util.Objects;

/**
 * What an engine allocates for a deployment, and what that gives the workload: the engine-specific
 * part of a {@link MemoryPlan}.
 *
 * @param engine the engine's identifier ({@link Engine#id()})
 * @param memoryLimitBytes memory the engine lets itself use on each GPU, bytes (vLLM: total ×
 *     {@code gpu_memory_utilization}; SGLang: total × {@code mem_fraction_static}; others: the
 *     GPU's budget)
 * @param kvCacheBytes KV cache the engine allocates on the most loaded GPU, bytes
 * @param kvCacheTokens tokens of KV cache the engine allocates for the whole model (one replica):
 *     the pool a paged engine (vLLM, SGLang, TensorRT-LLM) fills with blocks, llama.cpp's {@code
 *     n_ctx} cells, or, for engines that grow the cache on demand (MLX, generic), what the
 *     workload's sequences hold
 * @param maxConcurrency sequences of the workload's context the engine holds at once, as the engine
 *     computes it (vLLM prints it with two decimals); 0 when not even one fits
 * @param hostBytes bytes the engine keeps in host memory rather than on the GPU (llama.cpp layers
 *     not offloaded, its token-embedding table, their KV cache); 0 for engines that keep everything
 *     on the GPU
 */
public record EnginePlan(
    String engine,
    long memoryLimitBytes,
    long kvCacheBytes,
    long kvCacheTokens,
    double maxConcurrency,
    long hostBytes) {

  /**
   * Validates the arguments.
   *
   * @param engine the engine's identifier, not blank
   * @param memoryLimitBytes memory limit per GPU, bytes, at least 0
   * @param kvCacheBytes KV cache on the most loaded GPU, bytes, at least 0
   * @param kvCacheTokens KV cache tokens of one replica, at least 0
   * @param maxConcurrency sequences held at once, at least 0 (not NaN)
   * @param hostBytes bytes kept in host memory, at least 0
   * @throws IllegalArgumentException if {@code engine} is blank or a number is negative
   */
  public EnginePlan {
    Objects.requireNonNull(engine, "engine");
    if (engine.isBlank()) {
      throw new IllegalArgumentException("engine must not be blank");
    }
    Checks.nonNegative(memoryLimitBytes, "memoryLimitBytes");
    Checks.nonNegative(kvCacheBytes, "kvCacheBytes");
    Checks.nonNegative(kvCacheTokens, "kvCacheTokens");
    if (!(maxConcurrency >= 0)) {
      throw new IllegalArgumentException(
          "maxConcurrency must not be negative, was " + maxConcurrency);
    }
    Checks.nonNegative(hostBytes, "hostBytes");
  }
}
