package io.hwledger.fleet.protocol;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One reading of one GPU. A metric the device does not report is null, never 0.
 *
 * @param uuid the device read
 * @param atMillis when it was read, the agent's clock
 * @param healthy false when the reading failed: placement fails closed on such a device
 * @param usedBytes memory in use, bytes; null when unhealthy
 * @param freeBytes memory free, bytes, as the driver reports it; null when unhealthy
 * @param utilizationPercent GPU busy time, 0 to 100
 * @param temperatureC temperature, degrees Celsius
 * @param powerWatts power draw, watts
 * @param processes processes holding memory on it, where the driver lists them; null otherwise
 */
public record GpuSample(
    String uuid,
    long atMillis,
    boolean healthy,
    @Nullable Long usedBytes,
    @Nullable Long freeBytes,
    @Nullable Double utilizationPercent,
    @Nullable Double temperatureC,
    @Nullable Double powerWatts,
    @Nullable List<ProcessUsage> processes) {

  /**
   * Validates and copies.
   *
   * @param uuid the device, 1 to 128 characters
   * @param atMillis when read
   * @param healthy whether the reading succeeded
   * @param usedBytes at least 0, or null
   * @param freeBytes at least 0, or null
   * @param utilizationPercent 0 to 100, or null
   * @param temperatureC a finite number, or null
   * @param powerWatts at least 0, or null
   * @param processes at most 1024 entries, or null
   * @throws IllegalArgumentException naming what is wrong
   */
  public GpuSample {
    Values.text(uuid, "uuid", 128);
    if (usedBytes != null) {
      Values.atLeast(usedBytes, 0, "usedBytes");
    }
    if (freeBytes != null) {
      Values.atLeast(freeBytes, 0, "freeBytes");
    }
    if (utilizationPercent != null && !(utilizationPercent >= 0 && utilizationPercent <= 100)) {
      throw new IllegalArgumentException(
          "utilizationPercent must be 0 to 100, was " + utilizationPercent);
    }
    if (temperatureC != null && !Double.isFinite(temperatureC)) {
      throw new IllegalArgumentException("temperatureC must be finite");
    }
    if (powerWatts != null && !(powerWatts >= 0 && Double.isFinite(powerWatts))) {
      throw new IllegalArgumentException("powerWatts must be at least 0, was " + powerWatts);
    }
    processes = processes == null ? null : List.copyOf(Values.list(processes, "processes", 1024));
  }
}
