package io.hwledger.metal;

import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.SessionGuard;
import io.hwledger.spi.TelemetrySample;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A session on Metal's default device; utilisation comes from ioreg's PerformanceStatistics. A
 * releasing {@link SessionGuard} releases the device once, never under a sample in flight.
 */
final class MetalBackend implements GpuBackend {

  private final String id;
  private final MetalDevice metal;
  private final CommandRunner runner;
  private final Clock clock;
  private final GpuDevice device;
  private final SessionGuard guard;

  MetalBackend(String id, MetalDevice metal, CommandRunner runner, Clock clock) {
    this.id = id;
    this.metal = metal;
    this.runner = runner;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.guard = SessionGuard.releasing("the " + id + " backend", metal::close);
    Optional<IoregAccelerator> accelerator = Ioreg.read(runner);
    this.device =
        AppleSamples.device(
            id,
            PlatformUuid.read(runner),
            Optional.of(metal.name()),
            accelerator.map(IoregAccelerator::ioClass),
            metal.read().recommendedMaxWorkingSetSize(),
            metal.hasUnifiedMemory());
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public List<GpuDevice> devices() {
    return guard.call(() -> List.of(device));
  }

  @Override
  public TelemetrySample sample(GpuDevice requested) {
    return guard.call(() -> read(requested));
  }

  private TelemetrySample read(GpuDevice requested) {
    AppleSamples.requireSessionDevice(device, requested);
    MetalReading reading = metal.read();
    Optional<PerformanceStatistics> statistics =
        Ioreg.read(runner).flatMap(IoregAccelerator::statistics);
    return AppleSamples.fromMetal(device, clock.instant(), reading, statistics);
  }

  @Override
  public void close() {
    guard.close();
  }
}
