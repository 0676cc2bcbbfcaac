package io.hwledger.metal;

import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.TelemetrySample;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** A session on Metal's default device; utilisation comes from ioreg's PerformanceStatistics. */
final class MetalBackend implements GpuBackend {

  private final String id;
  private final MetalDevice metal;
  private final CommandRunner runner;
  private final Clock clock;
  private final GpuDevice device;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  MetalBackend(String id, MetalDevice metal, CommandRunner runner, Clock clock) {
    this.id = id;
    this.metal = metal;
    this.runner = runner;
    this.clock = Objects.requireNonNull(clock, "clock");
    Optional<IoregAccelerator> accelerator = Ioreg.read(runner);
    this.device =
        AppleSamples.device(
            id,
            Optional.of(metal.name()),
            accelerator.map(IoregAccelerator::ioClass),
            metal.read().recommendedMaxWorkingSetSize());
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public List<GpuDevice> devices() {
    lock.readLock().lock();
    try {
      ensureOpen();
      return List.of(device);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public TelemetrySample sample(GpuDevice requested) {
    lock.readLock().lock();
    try {
      ensureOpen();
      if (!requested.equals(device)) {
        throw new BackendException(
            BackendException.Kind.FAILED,
            "not a device of the " + id + " backend: " + requested.uuid());
      }
      MetalReading reading = metal.read();
      Optional<PerformanceStatistics> statistics =
          Ioreg.read(runner).flatMap(IoregAccelerator::statistics);
      return AppleSamples.fromMetal(device, clock.instant(), reading, statistics);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        metal.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the " + id + " backend is closed");
    }
  }
}
