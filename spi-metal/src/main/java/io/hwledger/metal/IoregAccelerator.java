package io.hwledger.metal;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One {@code IOAccelerator} entry of {@code ioreg -r -d 1 -w 0 -c IOAccelerator}.
 *
 * @param ioClass the entry's class, e.g. {@code AGXAcceleratorG13X}
 * @param model the {@code "model"} property (e.g. {@code Apple M4}), where present
 * @param gpuCoreCount the {@code "gpu-core-count"} property, where present (Apple silicon)
 * @param statistics the {@code "PerformanceStatistics"} dictionary, where present
 */
public record IoregAccelerator(
    String ioClass,
    Optional<String> model,
    OptionalInt gpuCoreCount,
    Optional<PerformanceStatistics> statistics) {

  /**
   * Checks that nothing is null.
   *
   * @param ioClass the entry's class
   * @param model the model, if present
   * @param gpuCoreCount the GPU core count, if present
   * @param statistics the performance statistics, if present
   */
  public IoregAccelerator {
    Objects.requireNonNull(ioClass, "ioClass");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(gpuCoreCount, "gpuCoreCount");
    Objects.requireNonNull(statistics, "statistics");
  }
}
