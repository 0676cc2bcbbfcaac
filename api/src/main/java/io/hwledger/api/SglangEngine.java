package io.hwledger.api;

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

  /** Validates the settings. */
  public SglangEngine {
    memFractionStatic.ifPresent(f -> Checks.fraction(f, "memFractionStatic"));
    chunkedPrefillSize.ifPresent(n -> Checks.positive(n, "chunkedPrefillSize"));
  }

  /** SGLang's own choices for both settings. */
  public static SglangEngine defaults() {
    return new SglangEngine(OptionalDouble.empty(), OptionalLong.empty());
  }

  @Override
  public EngineProfile profile() {
    return EngineProfile.SGLANG;
  }
}
