package io.hwledger.bench.fleet;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The UTC system clock moved by an offset the harness sets once the agents are enrolled, so that
 * UTC midnight — when the server writes every GPU's {@code fleet.gpu.daily} summary to the ledger —
 * falls inside the measured run. The offset only ever moves the clock back: agents' last-seen times
 * then lie in the server's future and none looks silent, and certificates (checked by TLS against
 * the real clock) stay valid.
 */
final class ShiftedClock extends Clock {
  private volatile long offsetMillis;

  /**
   * Moves the clock back by {@code millis} from real time.
   *
   * @param millis how far behind real time, at least 0
   */
  void setBehind(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("the clock is only moved back");
    }
    offsetMillis = -millis;
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
    return System.currentTimeMillis() + offsetMillis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }
}
