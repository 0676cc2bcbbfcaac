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

  /**
   * Checks that there is a reason.
   *
   * @param available whether opening is expected to succeed
   * @param reason why not, or what was found; may be empty, not null
   */
  public Availability {
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * Available, with a note on what was found.
   *
   * @param note what was found, e.g. the library path or driver version
   * @return a verdict with {@code available()} true and {@code note} as its reason
   */
  public static Availability available(String note) {
    return new Availability(true, note);
  }

  /**
   * Unavailable, with the reason.
   *
   * @param reason one line a user can act on, e.g. {@code libnvidia-ml.so.1 not found}
   * @return a verdict with {@code available()} false
   */
  public static Availability unavailable(String reason) {
    return new Availability(false, reason);
  }
}
