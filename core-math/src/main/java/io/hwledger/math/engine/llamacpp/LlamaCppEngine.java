package io.hwledger.math.engine.llamacpp;

import io.hwledger.api.Engine;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * llama.cpp ({@code llama-server}, current master): a KV cache of {@code n_ctx} cells shared by
 * {@code --parallel} slots, layers not offloaded to the GPU kept in host memory, compute buffers
 * sized for one micro-batch.
 *
 * @param contextTokens {@code -c}: KV cells for all slots together, rounded up to a multiple of
 *     256; empty: the workload's context times the slots
 * @param parallel {@code -np}: sequences decoded at once; empty: the workload's sequences
 * @param gpuLayers {@code -ngl}: layers offloaded to the GPU, counting the output layer as one more
 *     ({@code n_layer + 1} offloads everything); empty: all
 * @param flashAttention {@code -fa on}; required for a quantised V cache (llama.cpp refuses
 *     otherwise); without it the attention scores of a micro-batch are materialised
 * @param unifiedKv {@code -kvu}: one KV stream shared by all slots instead of {@code n_ctx /
 *     parallel} cells per slot
 * @param ubatchTokens {@code -ub}: tokens per micro-batch (default {@value #DEFAULT_UBATCH}), which
 *     sizes the compute buffer
 */
public record LlamaCppEngine(
    OptionalLong contextTokens,
    OptionalInt parallel,
    OptionalInt gpuLayers,
    boolean flashAttention,
    boolean unifiedKv,
    int ubatchTokens)
    implements Engine {

  /** The engine's identifier. */
  public static final String ID = "llamacpp";

  /** {@code llama-server}'s default micro-batch, tokens ({@code n_ubatch}). */
  public static final int DEFAULT_UBATCH = 512;

  /**
   * Validates the settings.
   *
   * @param contextTokens {@code -c}, KV cells for all slots; empty: context times slots
   * @param parallel {@code -np}, slots; empty: the workload's sequences
   * @param gpuLayers {@code -ngl}, layers offloaded, output layer included; empty: all
   * @param flashAttention {@code -fa on}
   * @param unifiedKv {@code -kvu}
   * @param ubatchTokens {@code -ub}, tokens per micro-batch
   * @throws IllegalArgumentException if {@code contextTokens}, {@code parallel} or {@code
   *     ubatchTokens} is not positive, or {@code gpuLayers} is negative
   */
  public LlamaCppEngine {
    contextTokens.ifPresent(n -> positive(n, "contextTokens"));
    parallel.ifPresent(n -> positive(n, "parallel"));
    gpuLayers.ifPresent(
        n -> {
          if (n < 0) {
            throw new IllegalArgumentException("gpuLayers must not be negative, was " + n);
          }
        });
    positive(ubatchTokens, "ubatchTokens");
  }

  /**
   * {@code llama-server} as the planner runs it by default.
   *
   * @return context and slots from the workload, every layer offloaded, flash attention on, no
   *     unified KV, micro-batches of {@value #DEFAULT_UBATCH} tokens
   */
  public static LlamaCppEngine defaults() {
    return new LlamaCppEngine(
        OptionalLong.empty(),
        OptionalInt.empty(),
        OptionalInt.empty(),
        true,
        false,
        DEFAULT_UBATCH);
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
