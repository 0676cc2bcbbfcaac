package io.hwledger.math.engine.sglang;

import io.hwledger.api.Engine;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * SGLang: a static fraction of GPU memory holds the weights and a token-granular KV pool; the rest
 * is left for activations and CUDA graphs.
 *
 * @param memFractionStatic {@code --mem-fraction-static} in (0, 1]; empty: SGLang's own choice from
 *     the GPU's memory and the parallel degree
 * @param chunkedPrefillSize {@code --chunked-prefill-size}; empty: SGLang's choice by GPU memory
 */
public record SglangEngine(OptionalDouble memFractionStatic, OptionalLong chunkedPrefillSize)
    implements Engine {

  /** The engine's identifier. */
  public static final String ID = "sglang";

  /**
   * Validates the settings.
   *
   * @param memFractionStatic {@code --mem-fraction-static}; empty: SGLang's choice
   * @param chunkedPrefillSize {@code --chunked-prefill-size}, tokens; empty: SGLang's choice
   * @throws IllegalArgumentException if the fraction is outside (0, 1] or the chunk is not positive
   */
  public SglangEngine {
    memFractionStatic.ifPresent(
        f -> {
          if (!(f > 0 && f <= 1)) {
            throw new IllegalArgumentException("memFractionStatic must be in (0, 1], was " + f);
          }
        });
    chunkedPrefillSize.ifPresent(
        n -> {
          if (n <= 0) {
            throw new IllegalArgumentException("chunkedPrefillSize must be positive, was " + n);
          }
        });
  }

  /**
   * SGLang's own choices for both settings.
   *
   * @return both settings empty
   */
  public static SglangEngine defaults() {
    return new SglangEngine(OptionalDouble.empty(), OptionalLong.empty());
  }

  @Override
  public String id() {
    return ID;
  }
}
