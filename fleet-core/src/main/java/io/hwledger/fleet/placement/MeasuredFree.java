package io.hwledger.fleet.placement;

import java.time.Instant;
import java.util.Objects;

/**
 * A GPU's free memory as its agent last measured it: memory every process on the GPU leaves, the
 * fleet's own jobs and any other.
 *
 * @param bytes free device memory, bytes
 * @param at when it was measured, on the server's clock
 */
public record MeasuredFree(long bytes, Instant at) {

  /**
   * Validates.
   *
   * @param bytes free memory, bytes, at least 0
   * @param at when it was measured
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public MeasuredFree {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be at least 0, was " + bytes);
    }
    Objects.requireNonNull(at, "at");
  }
}
