package io.hwledger.nvidia;

import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.SessionGuard;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * A session over the {@code nvidia-smi} tool: devices from the first run, and one run per sample.
 * Stateless apart from its {@link SessionGuard}, so thread-safe.
 */
final class NvidiaSmiBackend implements GpuBackend {

  private final Supplier<String> query;
  private final Clock clock;
  private final List<GpuDevice> devices;
  private final SessionGuard guard = SessionGuard.stateless("nvidia-smi session");

  private NvidiaSmiBackend(Supplier<String> query, Clock clock, List<GpuDevice> devices) {
    this.query = query;
    this.clock = clock;
    this.devices = List.copyOf(devices);
  }

  /** Runs the query once to list the devices. */
  static NvidiaSmiBackend open(Supplier<String> query, Clock clock) {
    List<GpuDevice> devices = parse(query.get()).stream().map(NvidiaSmiBackend::toDevice).toList();
    return new NvidiaSmiBackend(query, clock, devices);
  }

  private static List<NvidiaSmiCsv.Row> parse(String output) {
    try {
      return NvidiaSmiCsv.parse(output);
    } catch (IllegalArgumentException e) {
      throw new BackendException(BackendException.Kind.FAILED, e.getMessage(), e);
    }
  }

  private static GpuDevice toDevice(NvidiaSmiCsv.Row row) {
    return new GpuDevice(
        NvidiaSmiBackendProvider.ID,
        row.index(),
        row.uuid(),
        Optional.empty(),
        row.name(),
        Vendor.NVIDIA,
        Optional.empty(),
        Optional.empty(),
        row.memoryTotalBytes());
  }

  @Override
  public String id() {
    return NvidiaSmiBackendProvider.ID;
  }

  @Override
  public List<GpuDevice> devices() {
    return guard.call(() -> devices);
  }

  @Override
  public TelemetrySample sample(GpuDevice device) {
    if (!devices.contains(device)) {
      throw new IllegalArgumentException("not a device of this nvidia-smi session: " + device);
    }
    return guard.call(() -> read(device));
  }

  private TelemetrySample read(GpuDevice device) {
    Instant timestamp = clock.instant();
    NvidiaSmiCsv.Row row =
        parse(query.get()).stream()
            .filter(r -> r.uuid().equals(device.uuid()))
            .findFirst()
            .orElseThrow(
                () ->
                    new BackendException(
                        BackendException.Kind.DEVICE_LOST,
                        "nvidia-smi no longer lists " + device.uuid()));
    MemoryUsage memory =
        new MemoryUsage(
            row.memoryTotalBytes(),
            row.memoryUsedBytes(),
            row.memoryFreeBytes(),
            OptionalLong.empty(),
            row.memoryUsedBytes().isPresent());
    return new TelemetrySample(
        device,
        timestamp,
        memory,
        row.utilizationPercent(),
        row.temperatureC(),
        row.powerWatts(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        Optional.empty());
  }

  @Override
  public void close() {
    guard.close();
  }
}
