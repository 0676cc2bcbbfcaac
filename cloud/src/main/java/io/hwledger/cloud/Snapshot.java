package io.hwledger.cloud;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A source's prices as published on a day, shipped with it: what {@link CloudPrices} shows when the
 * provider cannot be read live, always labelled with {@link #asOf()}.
 *
 * @param source the {@link PriceSource#id() source id}
 * @param asOf the day the prices were read from the cited pages
 * @param citation where they were read (URLs), one line
 * @param offers the offers, each {@link Offer#fetchedAt()} at the start of {@code asOf} (UTC)
 */
public record Snapshot(String source, LocalDate asOf, String citation, List<Offer> offers) {
  /**
   * Validates and copies.
   *
   * @param source the {@link PriceSource#id() source id}
   * @param asOf the day the prices were read from the cited pages
   * @param citation where they were read (URLs), one line
   * @param offers the offers, each {@link Offer#fetchedAt()} at the start of {@code asOf} (UTC)
   * @throws IllegalArgumentException if an offer belongs to another source
   */
  public Snapshot {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(citation, "citation");
    offers = List.copyOf(offers);
    for (Offer offer : offers) {
      if (!offer.provider().equals(source)) {
        throw new IllegalArgumentException(
            "snapshot of " + source + " holds an offer of " + offer.provider());
      }
    }
  }
}
