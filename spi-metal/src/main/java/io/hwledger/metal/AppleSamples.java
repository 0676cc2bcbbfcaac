package io.hwledger.metal;

import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Pure functions from parsed or natively read values to SPI records, so that everything the Apple
 * backends compute is unit-tested on any OS.
 */
public final class AppleSamples {

  /**
   * The UUID of the one GPU of an Apple SoC (and Metal's default device elsewhere) when the Mac's
   * platform UUID is unknown; see {@link PlatformUuid#gpuUuid}.
   */
  public static final String UUID = "apple-gpu-0";

  private AppleSamples() {}

  /**
   * The device identity of an Apple silicon GPU on a Mac whose platform UUID is unknown: {@value
   * #UUID}, integrated.
   *
   * @param backend the provider id
   * @param name Metal's or ioreg's name (e.g. {@code Apple M4}), if known
   * @param architecture the IOAccelerator class family (e.g. {@code AGXAcceleratorG13X}), if known
   * @param memoryTotalBytes the GPU memory budget, bytes, if known
   * @return device 0 of {@code backend}, vendor Apple, named "Apple GPU" when the name is unknown
   */
  public static GpuDevice device(
      String backend,
      Optional<String> name,
      Optional<String> architecture,
      OptionalLong memoryTotalBytes) {
    return device(backend, Optional.empty(), name, architecture, memoryTotalBytes, true);
  }

  /**
   * The device identity. Metal exposes no UUID or PCI address for the GPU; a Mac has one default
   * device, so {@link PlatformUuid#gpuUuid} of the Mac's platform UUID names it, stable across
   * reboots and distinct between Macs.
   *
   * @param backend the provider id
   * @param platformUuid the Mac's {@code IOPlatformUUID}, if known
   * @param name Metal's or ioreg's name (e.g. {@code Apple M4}), if known
   * @param architecture the IOAccelerator class family (e.g. {@code AGXAcceleratorG13X}), if known
   * @param memoryTotalBytes the GPU memory budget, bytes, if known
   * @param integrated whether the GPU uses the host's memory (Metal's {@code hasUnifiedMemory})
   * @return device 0 of {@code backend}, vendor Apple, named "Apple GPU" when the name is unknown
   * @throws IllegalArgumentException if {@code platformUuid} is present but not a UUID
   */
  public static GpuDevice device(
      String backend,
      Optional<String> platformUuid,
      Optional<String> name,
      Optional<String> architecture,
      OptionalLong memoryTotalBytes,
      boolean integrated) {
    return new GpuDevice(
        backend,
        0,
        PlatformUuid.gpuUuid(platformUuid),
        Optional.empty(),
        name.orElse("Apple GPU"),
        Vendor.APPLE,
        architecture,
        Optional.empty(),
        memoryTotalBytes,
        integrated);
  }

  /**
   * Checks that {@code requested} is {@code device}, the one device of an Apple backend's session.
   *
   * @throws BackendException of kind FAILED, naming the backend and the UUID, if it is not
   */
  static void requireSessionDevice(GpuDevice device, GpuDevice requested) {
    if (!requested.equals(device)) {
      throw new BackendException(
          BackendException.Kind.FAILED,
          "not a device of the " + device.backend() + " backend: " + requested.uuid());
    }
  }

  /**
   * A sample from Metal and IOKit.
   *
   * <p>Memory: total is {@code recommendedMaxWorkingSetSize} (the GPU budget, which follows {@code
   * iogpu.wired_limit_mb}), used is {@code currentAllocatedSize} (this process's Metal allocations;
   * other processes' GPU memory is not counted), free is total − used, floored at 0. Utilisation is
   * {@code "Device Utilization %"}. Temperature, power, clocks and processes are not available
   * through these APIs and are absent.
   *
   * @param device the session's device
   * @param timestamp when the values were read
   * @param metal the Metal device's memory figures
   * @param statistics the IOAccelerator's performance statistics, if ioreg or IOKit had them
   * @return memory and utilisation; the other metrics absent
   */
  public static TelemetrySample fromMetal(
      GpuDevice device,
      Instant timestamp,
      MetalReading metal,
      Optional<PerformanceStatistics> statistics) {
    OptionalLong total = metal.recommendedMaxWorkingSetSize();
    OptionalLong used = metal.currentAllocatedSize();
    OptionalLong free =
        total.isPresent() && used.isPresent()
            ? OptionalLong.of(Math.max(0, total.getAsLong() - used.getAsLong()))
            : OptionalLong.empty();
    OptionalDouble utilization =
        statistics.map(s -> toDouble(s.deviceUtilizationPercent())).orElse(OptionalDouble.empty());
    return new TelemetrySample(
        device,
        timestamp,
        new MemoryUsage(total, used, free, OptionalLong.empty(), false),
        utilization,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        Optional.empty());
  }

  /**
   * A sample from one {@code macmon pipe} line: utilisation, GPU temperature, GPU power and GPU
   * frequency. Memory is absent: macmon reports all of unified RAM, which is not the GPU's budget
   * (the working set is) and would overstate what a model may use.
   *
   * @param device the session's device
   * @param timestamp when the line was read
   * @param macmon the parsed line
   * @return utilisation, temperature, power and graphics clock; memory absent
   */
  public static TelemetrySample fromMacmon(
      GpuDevice device, Instant timestamp, MacmonSample macmon) {
    return new TelemetrySample(
        device,
        timestamp,
        new MemoryUsage(
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            false),
        macmon.gpuUtilizationPercent(),
        macmon.gpuTemperatureC(),
        macmon.gpuPowerWatts(),
        macmon.gpuFrequencyMhz(),
        OptionalLong.empty(),
        Optional.empty());
  }

  private static OptionalDouble toDouble(OptionalLong v) {
    return v.isPresent() ? OptionalDouble.of((double) v.getAsLong()) : OptionalDouble.empty();
  }
}
