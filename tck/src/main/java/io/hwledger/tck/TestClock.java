package io.hwledger.tck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/** A clock that stands still until {@link #advance} moves it; thread-safe. */
public final class TestClock extends Clock {
  private volatile Instant now;

  /**
   * A clock standing at {@code start}.
   *
   * @param start the instant {@link #instant()} returns until the clock is advanced
   */
  public TestClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /**
   * Moves the clock forward (or back, for a negative duration).
   *
   * @param duration how far to move it
   */
  public void advance(Duration duration) {
    synchronized (this) {
      now = now.plus(duration);
    }
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("TestClock is always UTC");
  }

  @Override
  public Instant instant() {
    return now;
  }
}
