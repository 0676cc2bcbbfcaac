package io.hwledger.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One reading of one device. Every metric that the device or driver does not support is absent,
 * never 0.
 *
 * @param device the device read
 * @param timestamp when it was read, from the session's injected clock
 * @param memory memory totals
 * @param utilizationPercent GPU busy time over the driver's last interval, 0–100
 * @param temperatureC GPU temperature, degrees Celsius
 * @param powerWatts power draw, watts
 * @param graphicsClockMhz current graphics/SM clock, MHz
 * @param memoryClockMhz current memory clock, MHz
 * @param processes processes holding memory, where the driver lists them
 */
public record TelemetrySample(
    GpuDevice device,
    Instant timestamp,
    MemoryUsage memory,
    OptionalDouble utilizationPercent,
    OptionalDouble temperatureC,
    OptionalDouble powerWatts,
    OptionalLong graphicsClockMhz,
    OptionalLong memoryClockMhz,
    Optional<List<ProcessMemory>> processes) {

  /**
   * Checks that nothing is null and copies the process list.
   *
   * @param device the device read
   * @param timestamp when it was read
   * @param memory memory totals
   * @param utilizationPercent busy percentage, 0–100, if reported
   * @param temperatureC temperature in °C, if reported
   * @param powerWatts power draw in watts, if reported
   * @param graphicsClockMhz graphics clock in MHz, if reported
   * @param memoryClockMhz memory clock in MHz, if reported
   * @param processes processes holding memory, if listed; copied
   */
  public TelemetrySample {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(utilizationPercent, "utilizationPercent");
    Objects.requireNonNull(temperatureC, "temperatureC");
    Objects.requireNonNull(powerWatts, "powerWatts");
    Objects.requireNonNull(graphicsClockMhz, "graphicsClockMhz");
    Objects.requireNonNull(memoryClockMhz, "memoryClockMhz");
    processes = processes.map(List::copyOf);
  }
}
