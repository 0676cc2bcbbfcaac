package io.hwledger.tck;

import io.hwledger.spi.Availability;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.ProcessMemory;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import java.time.Clock;
import java.time.Instant;
import java.util.ConcurrentModificationException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny in-memory backend with two scripted devices; each {@link Defect} breaks one rule of the
 * contract so the TCK's own tests can show that it catches it.
 */
final class ScriptedProvider implements GpuBackendProvider {

  static final long TOTAL = 80L << 30;

  /** Ways to break the contract. */
  enum Defect {
    THROWS_ON_AVAILABILITY,
    ZERO_FOR_UNSUPPORTED_POWER,
    USED_PLUS_FREE_EXCEEDS_TOTAL,
    UNSTABLE_UUID,
    WALL_CLOCK_TIMESTAMPS,
    USABLE_AFTER_CLOSE,
    NOT_THREAD_SAFE
  }

  /** Metrics the scripted devices do not support. */
  static final Set<Metric> UNSUPPORTED =
      EnumSet.of(Metric.POWER, Metric.MEMORY_RESERVED, Metric.MEMORY_CLOCK);

  private final Set<Defect> defects;

  ScriptedProvider(Defect... defects) {
    this.defects =
        defects.length == 0 ? EnumSet.noneOf(Defect.class) : EnumSet.of(defects[0], defects);
  }

  @Override
  public String id() {
    return "scripted";
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public Availability isAvailable() {
    if (defects.contains(Defect.THROWS_ON_AVAILABILITY)) {
      throw new UnsatisfiedLinkError("libscripted.so: cannot open shared object file");
    }
    return Availability.available("two scripted devices");
  }

  @Override
  public GpuBackend open(Clock clock) {
    return new Session(clock);
  }

  private final class Session implements GpuBackend {
    private final Clock clock;
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    Session(Clock clock) {
      this.clock = clock;
    }

    @Override
    public String id() {
      return "scripted";
    }

    @Override
    public List<GpuDevice> devices() {
      checkOpen();
      String suffix =
          defects.contains(Defect.UNSTABLE_UUID) ? "-" + generation.incrementAndGet() : "";
      return List.of(device(0, suffix), device(1, suffix));
    }

    private GpuDevice device(int index, String suffix) {
      return new GpuDevice(
          "scripted",
          index,
          "GPU-scripted-" + index + suffix,
          Optional.of("0000:0" + index + ":00.0"),
          "Scripted GPU",
          Vendor.OTHER,
          Optional.of("sm_90"),
          Optional.of("550.54"),
          OptionalLong.of(TOTAL));
    }

    @Override
    public TelemetrySample sample(GpuDevice device) {
      checkOpen();
      if (defects.contains(Defect.NOT_THREAD_SAFE)) {
        try {
          if (inFlight.incrementAndGet() > 1) {
            throw new ConcurrentModificationException("shared read buffer in use");
          }
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          inFlight.decrementAndGet();
        }
      }
      long used = (1L + device.index()) << 30;
      long free = TOTAL - used;
      if (defects.contains(Defect.USED_PLUS_FREE_EXCEEDS_TOTAL)) {
        free = TOTAL; // forgot to subtract
      }
      Instant now =
          defects.contains(Defect.WALL_CLOCK_TIMESTAMPS) ? Instant.now() : clock.instant();
      OptionalDouble power =
          defects.contains(Defect.ZERO_FOR_UNSUPPORTED_POWER)
              ? OptionalDouble.of(0)
              : OptionalDouble.empty();
      return new TelemetrySample(
          device,
          now,
          new MemoryUsage(
              OptionalLong.of(TOTAL),
              OptionalLong.of(used),
              OptionalLong.of(free),
              OptionalLong.empty(),
              false),
          OptionalDouble.of(12.5 + device.index()),
          OptionalDouble.of(41 + device.index()),
          power,
          OptionalLong.of(1980),
          OptionalLong.empty(),
          Optional.of(List.of(new ProcessMemory(4242, OptionalLong.of(used)))));
    }

    private void checkOpen() {
      if (closed && !defects.contains(Defect.USABLE_AFTER_CLOSE)) {
        throw new IllegalStateException("session closed");
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
