package io.hwledger.cloud;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one source's offers in a {@link PriceReport} came from, and why.
 *
 * @param source the source's id
 * @param displayName the provider's name
 * @param origin live, cache, stale cache, snapshot or failed
 * @param asOf when the offers were read (for a snapshot, its date at 00:00 UTC)
 * @param offers how many offers the source gave
 * @param warning why the offers are not live, or what failed; empty for live and fresh-cache
 *     offers. One line, never holding a key.
 */
public record SourceOutcome(
    String source,
    String displayName,
    Origin origin,
    Instant asOf,
    int offers,
    Optional<String> warning) {

  /** Where the offers came from. */
  public enum Origin {
    /** Read from the provider's API now. */
    LIVE,
    /** Read from the API earlier, within the cache's time to live. */
    CACHE,
    /** The live read failed; offers from an older read, past the time to live. */
    STALE_CACHE,
    /** The dated snapshot shipped with the source. */
    SNAPSHOT,
    /** Nothing: the live read failed and there was no cache or snapshot. */
    FAILED
  }

  /**
   * Validates.
   *
   * @param source the source's id
   * @param displayName the provider's name
   * @param origin live, cache, stale cache, snapshot or failed
   * @param asOf when the offers were read (for a snapshot, its date at 00:00 UTC)
   * @param offers how many offers the source gave
   * @param warning why the offers are not live, or what failed
   * @throws IllegalArgumentException if {@code offers} is negative, or a non-live outcome other
   *     than a fresh cache has no warning
   */
  public SourceOutcome {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(warning, "warning");
    if (offers < 0) {
      throw new IllegalArgumentException("offers must be >= 0");
    }
    boolean quiet = origin == Origin.LIVE || origin == Origin.CACHE;
    if (!quiet && warning.isEmpty()) {
      throw new IllegalArgumentException(origin + " outcome of " + source + " needs a warning");
    }
  }
}
