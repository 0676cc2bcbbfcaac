package io.hwledger.fleet.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * How the fleet server polls its SSH hosts.
 *
 * @param interval how often a reachable host is polled
 * @param concurrency how many hosts are polled at once, 1 to 256
 * @param commandTimeout how long one command may run before it is abandoned
 * @param maxBackoff the longest wait before an unreachable host is tried again: a host that failed
 *     n times in a row waits {@code interval × 2^(n−1)}, at most this
 */
public record SshPolling(
    Duration interval, int concurrency, Duration commandTimeout, Duration maxBackoff) {

  /**
   * Every 10 s, 16 hosts at a time, 10 s per command (FLEET.md section 4's reference timeouts),
   * unreachable hosts tried again after at most 5 minutes.
   */
  public static final SshPolling DEFAULTS =
      new SshPolling(Duration.ofSeconds(10), 16, Duration.ofSeconds(10), Duration.ofMinutes(5));

  /**
   * Validates.
   *
   * @param interval positive
   * @param concurrency 1 to 256
   * @param commandTimeout positive
   * @param maxBackoff at least {@code interval}
   * @throws IllegalArgumentException naming the invalid value
   */
  public SshPolling {
    positive(interval, "interval");
    positive(commandTimeout, "commandTimeout");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxBackoff.compareTo(interval) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff must be at least the interval (" + interval + "), was " + maxBackoff);
    }
    if (concurrency < 1 || concurrency > 256) {
      throw new IllegalArgumentException("concurrency must be 1 to 256, was " + concurrency);
    }
  }

  /**
   * How long a host waits before its next poll after {@code failures} failures in a row.
   *
   * @param failures 0 after a success
   * @return the interval after a success, else {@code interval × 2^(failures−1)} up to {@code
   *     maxBackoff}
   */
  public Duration delayAfter(int failures) {
    if (failures <= 1) {
      return interval;
    }
    int shift = Math.min(failures - 1, 30);
    long millis = interval.toMillis();
    return millis > maxBackoff.toMillis() >> shift
        ? maxBackoff
        : Duration.ofMillis(millis << shift);
  }

  private static void positive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
