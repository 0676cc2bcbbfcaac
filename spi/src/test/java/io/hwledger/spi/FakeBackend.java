package io.hwledger.spi;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A controllable backend: counts reads per device, can hold a device's reads or make them fail. */
final class FakeBackend implements GpuBackend {
  final Clock clock;
  final List<GpuDevice> devices = new ArrayList<>();
  final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
  final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  final Map<String, CountDownLatch> entered = new ConcurrentHashMap<>();
  final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();

  FakeBackend(Clock clock, int deviceCount) {
    this.clock = clock;
    for (int i = 0; i < deviceCount; i++) {
      devices.add(
          new GpuDevice(
              "fake",
              i,
              "GPU-fake-" + i,
              Optional.empty(),
              "Fake GPU",
              Vendor.OTHER,
              Optional.empty(),
              Optional.empty(),
              OptionalLong.of(1L << 30)));
      reads.put("GPU-fake-" + i, new AtomicInteger());
      entered.put("GPU-fake-" + i, new CountDownLatch(1));
    }
  }

  GpuDevice device(int i) {
    return devices.get(i);
  }

  int reads(int i) {
    return reads.get(device(i).uuid()).get();
  }

  /** Holds every read of device {@code i} until the returned latch is counted down. */
  CountDownLatch hold(int i) {
    CountDownLatch gate = new CountDownLatch(1);
    gates.put(device(i).uuid(), gate);
    return gate;
  }

  /** Waits until a read of device {@code i} has started. */
  boolean awaitEntered(int i) throws InterruptedException {
    return entered.get(device(i).uuid()).await(10, TimeUnit.SECONDS);
  }

  @Override
  public String id() {
    return "fake";
  }

  @Override
  public List<GpuDevice> devices() {
    return List.copyOf(devices);
  }

  @Override
  public TelemetrySample sample(GpuDevice device) {
    int n = reads.get(device.uuid()).incrementAndGet();
    entered.get(device.uuid()).countDown();
    CountDownLatch gate = gates.get(device.uuid());
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BackendException(BackendException.Kind.FAILED, "interrupted", e);
      }
    }
    RuntimeException failure = failures.get(device.uuid());
    if (failure != null) {
      throw failure;
    }
    return new TelemetrySample(
        device,
        clock.instant(),
        new MemoryUsage(
            OptionalLong.of(1L << 30),
            OptionalLong.of(n),
            OptionalLong.of((1L << 30) - n),
            OptionalLong.empty(),
            false),
        OptionalDouble.of(n),
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        Optional.empty());
  }

  @Override
  public void close() {}
}
