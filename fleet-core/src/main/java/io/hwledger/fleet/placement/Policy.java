package io.hwledger.fleet.placement;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** How {@link Placer} chooses among the GPU sets that can take a job. */
public enum Policy {
  /** The set that leaves the least allocatable memory after placement: fills GPUs up first. */
  BINPACK,
  /** The set that leaves the most allocatable memory after placement: spreads jobs out. */
  SPREAD;

  /**
   * The policy a job names.
   *
   * @param name {@code binpack}, {@code spread} (any case), or null for the default
   * @return the policy; {@link #BINPACK} for null
   * @throws IllegalArgumentException for any other name
   */
  public static Policy of(@Nullable String name) {
    if (name == null) {
      return BINPACK;
    }
    switch (name.toLowerCase(Locale.ROOT)) {
      case "binpack":
        return BINPACK;
      case "spread":
        return SPREAD;
      default:
        throw new IllegalArgumentException("policy must be binpack or spread, was '" + name + "'");
    }
  }
}
