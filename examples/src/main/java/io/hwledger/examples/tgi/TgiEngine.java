package io.hwledger.examples.tgi;

import io.hwledger.api.Engine;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Hugging Face Text Generation Inference ({@code text-generation-launcher}, v3 at commit {@code
 * db931fcf} of 2026-01-08): the settings that decide how it budgets GPU memory. An example of an
 * engine added from outside hwLedger; {@link TgiEngineModel} holds its rules.
 *
 * @param cudaMemoryFraction {@code --cuda-memory-fraction} in (0, 1] (default 1.0): the share of
 *     each GPU's total memory TGI may use
 * @param maxBatchPrefillTokens {@code --max-batch-prefill-tokens}: tokens in the largest prefill,
 *     which warm-up runs to measure the activation peak; empty: TGI's default (see {@link
 *     TgiEngineModel})
 * @param attention the {@code ATTENTION} backend, which sets the KV block size: {@code flashinfer}
 *     (the launcher's default on CUDA, 1 token), {@code paged} (16) or {@code flashdecoding} (256)
 */
public record TgiEngine(
    double cudaMemoryFraction, OptionalLong maxBatchPrefillTokens, String attention)
    implements Engine {

  /** The engine's identifier. */
  public static final String ID = "tgi";

  /** Validates the settings. */
  public TgiEngine {
    if (!(cudaMemoryFraction > 0 && cudaMemoryFraction <= 1)) {
      throw new IllegalArgumentException(
          "cudaMemoryFraction must be in (0, 1], was " + cudaMemoryFraction);
    }
    maxBatchPrefillTokens.ifPresent(
        n -> {
          if (n <= 0) {
            throw new IllegalArgumentException("maxBatchPrefillTokens must be positive, was " + n);
          }
        });
    blockSize(attention); // validates
  }

  /** All of the GPU, TGI's own prefill default, flashinfer. */
  public static TgiEngine defaults() {
    return new TgiEngine(1.0, OptionalLong.empty(), "flashinfer");
  }

  /** KV tokens per block of {@code attention} ({@code server/.../models/globals.py}). */
  static int blockSize(String attention) {
    switch (attention.toLowerCase(Locale.ROOT)) {
      case "flashinfer":
        return 1;
      case "paged":
        return 16;
      case "flashdecoding":
        return 256;
      default:
        throw new IllegalArgumentException(
            "attention must be flashinfer, paged or flashdecoding, was '" + attention + "'");
    }
  }

  @Override
  public String id() {
    return ID;
  }
}
