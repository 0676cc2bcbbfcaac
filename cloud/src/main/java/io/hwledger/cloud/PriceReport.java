package io.hwledger.cloud;

import java.util.List;
import java.util.Objects;

/**
 * What {@link CloudPrices#fetch} found: every source's offers, and per source where they came from.
 *
 * @param offers the offers of every source, in source order
 * @param outcomes one per source asked, in the same order
 */
public record PriceReport(List<Offer> offers, List<SourceOutcome> outcomes) {
  /**
   * Copies.
   *
   * @param offers the offers of every source, in source order
   * @param outcomes one per source asked, in the same order
   */
  public PriceReport {
    offers = List.copyOf(Objects.requireNonNull(offers, "offers"));
    outcomes = List.copyOf(Objects.requireNonNull(outcomes, "outcomes"));
  }

  /**
   * The offers whose GPU name the source could not map to the GPU catalog, as {@code source: name}
   * (each once), so the caller can report them: such offers are never planned on a guessed GPU.
   *
   * @return distinct names, in offer order
   */
  public List<String> unknownGpus() {
    return offers.stream()
        .filter(o -> o.gpuId() == null)
        .map(o -> o.provider() + ": " + o.gpuName())
        .distinct()
        .toList();
  }
}
