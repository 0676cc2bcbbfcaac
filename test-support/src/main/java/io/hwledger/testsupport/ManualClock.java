package io.hwledger.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that stands still until its owner moves it on: tests and harnesses make what is due
 * later due now without waiting (an SSH poll interval, a backoff). Thread-safe.
 */
public final class ManualClock extends Clock {
  private volatile long millis;

  /**
   * A clock standing at {@code start}.
   *
   * @param start the first instant it shows
   */
  public ManualClock(Instant start) {
    this.millis = start.toEpochMilli();
  }

  /**
   * Moves the clock on.
   *
   * @param step how far, at least 0
   */
  public synchronized void advance(Duration step) {
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
    throw new UnsupportedOperationException("a manual clock is UTC");
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
