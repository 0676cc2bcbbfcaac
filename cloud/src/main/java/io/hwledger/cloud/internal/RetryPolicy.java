package io.hwledger.cloud.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * How a source's requests time out and retry.
 *
 * @param requestTimeout the longest one request may take, connect to last byte
 * @param attempts tries per request, at least 1; 429, 5xx and time-outs are retried
 * @param firstBackoff the wait before the second try when the answer names none; it doubles per
 *     try, and a random fraction up to half of it is taken off so that clients spread out
 * @param longestWait the longest wait honoured; a {@code Retry-After} beyond it fails at once
 * @param maxBodyBytes the largest body read; a longer one fails
 */
public record RetryPolicy(
    Duration requestTimeout,
    int attempts,
    Duration firstBackoff,
    Duration longestWait,
    long maxBodyBytes) {

  /** 20 s per request, 4 tries, 1 s doubling, waits up to 30 s, bodies up to 32 MiB. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(
          Duration.ofSeconds(20), 4, Duration.ofSeconds(1), Duration.ofSeconds(30), 32L << 20);

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if a duration is not positive or a count is below 1
   */
  public RetryPolicy {
    positive(requestTimeout, "requestTimeout");
    positive(firstBackoff, "firstBackoff");
    positive(longestWait, "longestWait");
    if (attempts < 1 || maxBodyBytes < 1) {
      throw new IllegalArgumentException("attempts and maxBodyBytes must be at least 1");
    }
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }
}
