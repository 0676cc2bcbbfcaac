package io.hwledger.tck;

import io.hwledger.spi.TelemetrySample;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** The optional metrics of a {@link TelemetrySample}, so a fixture can say which it expects. */
public enum Metric {
  /** {@code memory().totalBytes()}. */
  MEMORY_TOTAL,
  /** {@code memory().usedBytes()}. */
  MEMORY_USED,
  /** {@code memory().freeBytes()}. */
  MEMORY_FREE,
  /** {@code memory().reservedBytes()}. */
  MEMORY_RESERVED,
  /** {@code utilizationPercent()}. */
  UTILIZATION,
  /** {@code temperatureC()}. */
  TEMPERATURE,
  /** {@code powerWatts()}. */
  POWER,
  /** {@code graphicsClockMhz()}. */
  GRAPHICS_CLOCK,
  /** {@code memoryClockMhz()}. */
  MEMORY_CLOCK,
  /** {@code processes()}; "zero" means an empty list. */
  PROCESSES;

  /**
   * Whether the sample reports this metric.
   *
   * @param s a sample
   * @return {@code true} if the metric's optional is present
   */
  public boolean isPresent(TelemetrySample s) {
    return switch (this) {
      case PROCESSES -> s.processes().isPresent();
      case UTILIZATION, TEMPERATURE, POWER -> doubleOf(s).isPresent();
      default -> longOf(s).isPresent();
    };
  }

  /**
   * Whether the sample reports this metric as exactly zero (an empty list for processes).
   *
   * @param s a sample
   * @return {@code true} if the metric is present and 0 (0.0, or an empty process list)
   */
  public boolean isZero(TelemetrySample s) {
    return switch (this) {
      case PROCESSES -> s.processes().map(p -> p.isEmpty()).orElse(false);
      case UTILIZATION, TEMPERATURE, POWER -> {
        OptionalDouble d = doubleOf(s);
        yield d.isPresent() && d.getAsDouble() == 0.0;
      }
      default -> {
        OptionalLong l = longOf(s);
        yield l.isPresent() && l.getAsLong() == 0L;
      }
    };
  }

  private OptionalDouble doubleOf(TelemetrySample s) {
    return switch (this) {
      case UTILIZATION -> s.utilizationPercent();
      case TEMPERATURE -> s.temperatureC();
      case POWER -> s.powerWatts();
      default -> throw new AssertionError(this);
    };
  }

  private OptionalLong longOf(TelemetrySample s) {
    return switch (this) {
      case MEMORY_TOTAL -> s.memory().totalBytes();
      case MEMORY_USED -> s.memory().usedBytes();
      case MEMORY_FREE -> s.memory().freeBytes();
      case MEMORY_RESERVED -> s.memory().reservedBytes();
      case GRAPHICS_CLOCK -> s.graphicsClockMhz();
      case MEMORY_CLOCK -> s.memoryClockMhz();
      default -> throw new AssertionError(this);
    };
  }
}
