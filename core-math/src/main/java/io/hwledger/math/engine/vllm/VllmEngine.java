package io.hwledger.math.engine.vllm;

import io.hwledger.api.Engine;
import io.hwledger.api.GpuSpec;
import java.util.Locale;

/**
 * vLLM (V1 engine): reserves a fraction of the GPU, loads the weights, profiles one forward pass of
 * {@code maxNumBatchedTokens} tokens, and fills what is left of the fraction with KV cache blocks.
 *
 * @param gpuMemoryUtilization fraction of each GPU's total memory the engine may use, in (0, 1]
 *     ({@code --gpu-memory-utilization}, default 0.9)
 * @param blockSize tokens per KV cache block ({@code --block-size}, default 16)
 * @param maxNumBatchedTokens tokens in one scheduler step, which sizes the profiled activation peak
 *     ({@code --max-num-batched-tokens})
 * @param maxNumSeqs sequences in one step ({@code --max-num-seqs}); the profile run samples logits
 *     for this many
 * @param cudaGraphBytes CUDA graph memory the engine subtracts from its budget, bytes: vLLM v0.21
 *     and later subtract an estimate of it ({@code Estimated CUDA graph memory: X GiB}); 0 follows
 *     v0.20 and earlier, whose graphs come out of the memory left outside the budget
 */
public record VllmEngine(
    double gpuMemoryUtilization,
    int blockSize,
    long maxNumBatchedTokens,
    int maxNumSeqs,
    long cudaGraphBytes)
    implements Engine {

  /** The engine's identifier. */
  public static final String ID = "vllm";

  /**
   * Validates the settings.
   *
   * @param gpuMemoryUtilization fraction of each GPU's memory
   * @param blockSize tokens per KV block
   * @param maxNumBatchedTokens tokens per scheduler step
   * @param maxNumSeqs sequences per step
   * @param cudaGraphBytes CUDA graph memory taken from the budget, bytes
   * @throws IllegalArgumentException if the fraction is outside (0, 1], a count is not positive, or
   *     {@code cudaGraphBytes} is negative
   */
  public VllmEngine {
    if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) {
      throw new IllegalArgumentException(
          "gpuMemoryUtilization must be in (0, 1], was " + gpuMemoryUtilization);
    }
    positive(blockSize, "blockSize");
    positive(maxNumBatchedTokens, "maxNumBatchedTokens");
    positive(maxNumSeqs, "maxNumSeqs");
    if (cudaGraphBytes < 0) {
      throw new IllegalArgumentException(
          "cudaGraphBytes must not be negative, was " + cudaGraphBytes);
    }
  }

  /**
   * {@code vllm serve} defaults of v0.11–v0.20 on a GPU under 70 GiB or an A100: utilisation 0.9,
   * blocks of 16, 2,048 batched tokens, 256 sequences, CUDA graphs outside the budget ({@code
   * EngineArgs.get_batch_defaults}; a GPU of 70 GiB or more other than an A100 gets 8,192 and
   * 1,024, see {@link #defaultsFor}).
   *
   * @return the defaults for an unknown GPU, one under 70 GiB, or an A100
   */
  public static VllmEngine defaults() {
    return new VllmEngine(0.9, 16, 2048, 256, 0);
  }

  /**
   * {@code vllm serve} defaults for a GPU: 8,192 batched tokens and 1,024 sequences when it has at
   * least 70 GiB and is not an A100 ({@code EngineArgs.get_batch_defaults}), otherwise {@link
   * #defaults()}. An A100 is recognised by its name.
   *
   * @param gpu the GPU planned for
   * @return the defaults vLLM picks on it
   */
  public static VllmEngine defaultsFor(GpuSpec gpu) {
    boolean large =
        gpu.memoryBytes() >= 70L << 30 && !gpu.name().toLowerCase(Locale.ROOT).contains("a100");
    return large ? new VllmEngine(0.9, 16, 8192, 1024, 0) : defaults();
  }

  @Override
  public String id() {
    return ID;
  }

  private static void positive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
