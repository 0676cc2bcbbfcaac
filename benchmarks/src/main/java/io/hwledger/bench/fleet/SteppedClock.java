package io.hwledger.bench.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that stands still until the harness moves it on, so that {@link SshPollLoad} can make
 * every host due for its next round without waiting out the poll interval. Thread-safe.
 */
final class SteppedClock extends Clock {
  private volatile long millis;

  /**
   * A clock standing at {@code start}.
   *
   * @param start the first instant it shows
   */
  SteppedClock(Instant start) {
    this.millis = start.toEpochMilli();
  }

  /**
   * Moves the clock on.
   *
   * @param step how far, at least 0
   */
  synchronized void advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("the clock only moves on, was " + step);
    }
    millis += step.toMillis();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (zone.equals(ZoneOffset.UTC)) {
      return this;
    }
    throw new UnsupportedOperationException("the harness's clock is UTC");
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }
}
