package io.hwledger.ledger.postgres;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves one millisecond per reading, so two stores fed alike stamp alike. */
final class SteppingClock extends Clock {
  private final Instant start;
  private final AtomicLong readings = new AtomicLong();

  SteppingClock(Instant start) {
    this.start = start;
  }

  @Override
  public Instant instant() {
    return start.plusMillis(readings.getAndIncrement());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("UTC only");
  }
}
