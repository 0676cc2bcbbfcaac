package io.hwledger.spi;

import java.time.Clock;
import java.util.function.Supplier;

/** A provider whose id, priority and availability a test chooses. */
final class FakeProvider implements GpuBackendProvider {
  private final String id;
  private final int priority;
  private final Supplier<Availability> availability;

  FakeProvider(String id, int priority, Supplier<Availability> availability) {
    this.id = id;
    this.priority = priority;
    this.availability = availability;
  }

  static FakeProvider available(String id, int priority) {
    return new FakeProvider(id, priority, () -> Availability.available("ok"));
  }

  static FakeProvider unavailable(String id, int priority) {
    return new FakeProvider(id, priority, () -> Availability.unavailable("no " + id + " here"));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int priority() {
    return priority;
  }

  @Override
  public Availability isAvailable() {
    return availability.get();
  }

  @Override
  public GpuBackend open(Clock clock) {
    return new FakeBackend(clock, 1);
  }
}
