package io.hwledger.spi;

import java.util.Objects;

/**
 * Whether a backend can be used on this machine, and if not, why.
 *
 * @param available whether {@link GpuBackendProvider#open} is expected to succeed
 * @param reason why it is unavailable (e.g. "libnvidia-ml.so.1 not found"), or a short note on what
 *     was found when available
 */
public record Availability(boolean available, String reason) {

  /** Validates the arguments. */
  public Availability {
    Objects.requireNonNull(reason, "reason");
  }

  /** Available, with a note on what was found. */
  public static Availability available(String note) {
    return new Availability(true, note);
  }

  /** Unavailable, with the reason. */
  public static Availability unavailable(String reason) {
    return new Availability(false, reason);
  }
}
