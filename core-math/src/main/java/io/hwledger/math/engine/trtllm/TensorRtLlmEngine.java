package io.hwledger.math.engine.trtllm;

import io.hwledger.api.Engine;

/**
 * TensorRT-LLM: a paged KV pool of a fraction of the memory still free once the engine (weights),
 * its execution context (activations) and runtime buffers are allocated.
 *
 * @param freeGpuMemoryFraction {@code kv_cache_config.free_gpu_memory_fraction} in (0, 1] (default
 *     0.9)
 * @param tokensPerBlock tokens per KV block (32 in the LLM API; engines built with {@code
 *     trtllm-build} default to 64)
 * @param maxNumTokens {@code --max_num_tokens}: tokens in one batch, which sizes the execution
 *     context (default 8,192)
 */
public record TensorRtLlmEngine(double freeGpuMemoryFraction, int tokensPerBlock, long maxNumTokens)
    implements Engine {

  /** The engine's identifier. */
  public static final String ID = "trtllm";

  /**
   * Validates the settings.
   *
   * @param freeGpuMemoryFraction fraction of free memory for the KV pool
   * @param tokensPerBlock tokens per KV block
   * @param maxNumTokens tokens in one batch
   * @throws IllegalArgumentException if the fraction is outside (0, 1] or a count is not positive
   */
  public TensorRtLlmEngine {
    if (!(freeGpuMemoryFraction > 0 && freeGpuMemoryFraction <= 1)) {
      throw new IllegalArgumentException(
          "freeGpuMemoryFraction must be in (0, 1], was " + freeGpuMemoryFraction);
    }
    if (tokensPerBlock <= 0) {
      throw new IllegalArgumentException("tokensPerBlock must be positive, was " + tokensPerBlock);
    }
    if (maxNumTokens <= 0) {
      throw new IllegalArgumentException("maxNumTokens must be positive, was " + maxNumTokens);
    }
  }

  /**
   * The LLM API's defaults.
   *
   * @return fraction 0.9, blocks of 32 tokens, 8,192 tokens per batch
   */
  public static TensorRtLlmEngine defaults() {
    return new TensorRtLlmEngine(0.9, 32, 8192);
  }

  @Override
  public String id() {
    return ID;
  }
}
