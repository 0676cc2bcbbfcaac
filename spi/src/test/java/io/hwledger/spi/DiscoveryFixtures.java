package io.hwledger.spi;

import java.time.Clock;

/** Providers that ServiceLoader instantiates in {@code GpuBackendsTest}: one good, some broken. */
public final class DiscoveryFixtures {
  private DiscoveryFixtures() {}

  /** Loads and works. */
  public static final class Good implements GpuBackendProvider {
    /** Needed by ServiceLoader. */
    public Good() {}

    @Override
    public String id() {
      return "good";
    }

    @Override
    public int priority() {
      return 1;
    }

    @Override
    public Availability isAvailable() {
      return Availability.available("always");
    }

    @Override
    public GpuBackend open(Clock clock) {
      return new FakeBackend(clock, 1);
    }
  }

  /** Its constructor throws, as one that touches a missing native library eagerly would. */
  public static final class ThrowingConstructor implements GpuBackendProvider {
    /** Always throws. */
    public ThrowingConstructor() {
      throw new IllegalStateException("native library exploded in the constructor");
    }

    @Override
    public String id() {
      return "ctor";
    }

    @Override
    public int priority() {
      return 100;
    }

    @Override
    public Availability isAvailable() {
      return Availability.available("never reached");
    }

    @Override
    public GpuBackend open(Clock clock) {
      throw new UnsupportedOperationException();
    }
  }

  /** Its id() throws a linkage error, as one compiled against a missing class would. */
  public static final class ThrowingId implements GpuBackendProvider {
    /** Needed by ServiceLoader. */
    public ThrowingId() {}

    @Override
    public String id() {
      throw new NoClassDefFoundError("com/sun/jna/Native");
    }

    @Override
    public int priority() {
      return 100;
    }

    @Override
    public Availability isAvailable() {
      return Availability.available("never reached");
    }

    @Override
    public GpuBackend open(Clock clock) {
      throw new UnsupportedOperationException();
    }
  }
}
