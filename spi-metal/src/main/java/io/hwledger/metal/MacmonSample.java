package io.hwledger.metal;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One line of {@code macmon pipe}, the fields this project reads. Absent when the line lacks the
 * field (macmon's schema has grown across versions), never 0.
 *
 * @param timestamp {@code timestamp}, as printed (RFC 3339)
 * @param gpuFrequencyMhz {@code gpu_usage[0]}: GPU frequency, MHz
 * @param gpuUtilizationPercent {@code gpu_usage[1]} × 100: macmon prints a 0–1 ratio
 * @param gpuTemperatureC {@code temp.gpu_temp_avg}, °C
 * @param cpuTemperatureC {@code temp.cpu_temp_avg}, °C
 * @param gpuPowerWatts {@code gpu_power}, W
 * @param gpuRamPowerWatts {@code gpu_ram_power}, W
 * @param systemPowerWatts {@code sys_power}, W
 * @param ramTotalBytes {@code memory.ram_total}: all of the unified memory, bytes
 * @param ramUsageBytes {@code memory.ram_usage}: unified memory in use by everything, bytes
 */
public record MacmonSample(
    Optional<String> timestamp,
    OptionalLong gpuFrequencyMhz,
    OptionalDouble gpuUtilizationPercent,
    OptionalDouble gpuTemperatureC,
    OptionalDouble cpuTemperatureC,
    OptionalDouble gpuPowerWatts,
    OptionalDouble gpuRamPowerWatts,
    OptionalDouble systemPowerWatts,
    OptionalLong ramTotalBytes,
    OptionalLong ramUsageBytes) {

  /**
   * Checks that no optional is null.
   *
   * @param timestamp the line's timestamp, if printed
   * @param gpuFrequencyMhz GPU frequency, MHz, if printed
   * @param gpuUtilizationPercent GPU utilisation, percent (0–100), if printed
   * @param gpuTemperatureC GPU temperature, °C, if printed
   * @param cpuTemperatureC CPU temperature, °C, if printed
   * @param gpuPowerWatts GPU power, W, if printed
   * @param gpuRamPowerWatts GPU memory power, W, if printed
   * @param systemPowerWatts whole-system power, W, if printed
   * @param ramTotalBytes unified memory, bytes, if printed
   * @param ramUsageBytes unified memory in use, bytes, if printed
   */
  public MacmonSample {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(gpuFrequencyMhz, "gpuFrequencyMhz");
    Objects.requireNonNull(gpuUtilizationPercent, "gpuUtilizationPercent");
    Objects.requireNonNull(gpuTemperatureC, "gpuTemperatureC");
    Objects.requireNonNull(cpuTemperatureC, "cpuTemperatureC");
    Objects.requireNonNull(gpuPowerWatts, "gpuPowerWatts");
    Objects.requireNonNull(gpuRamPowerWatts, "gpuRamPowerWatts");
    Objects.requireNonNull(systemPowerWatts, "systemPowerWatts");
    Objects.requireNonNull(ramTotalBytes, "ramTotalBytes");
    Objects.requireNonNull(ramUsageBytes, "ramUsageBytes");
  }
}
