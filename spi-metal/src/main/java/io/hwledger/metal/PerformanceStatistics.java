package io.hwledger.metal;

import java.util.Map;
import java.util.OptionalLong;

/**
 * The numeric entries of an IOAccelerator's {@code PerformanceStatistics} dictionary, as the driver
 * reports them. Every accessor is empty when the driver did not report that key; a value is never
 * invented.
 *
 * @param values every numeric entry, by its exact key (e.g. {@code "Device Utilization %"})
 */
public record PerformanceStatistics(Map<String, Long> values) {

  /** GPU busy percentage over the driver's last interval (0–100). */
  public static final String DEVICE_UTILIZATION = "Device Utilization %";

  /** Renderer busy percentage. */
  public static final String RENDERER_UTILIZATION = "Renderer Utilization %";

  /** Tiler busy percentage. */
  public static final String TILER_UTILIZATION = "Tiler Utilization %";

  /**
   * Bytes of system memory the GPU has in use, across all processes. Distinct from the sibling key
   * {@code "In use system memory (driver)"}.
   */
  public static final String IN_USE_SYSTEM_MEMORY = "In use system memory";

  /** Bytes of system memory the GPU driver has allocated (wired), across all processes. */
  public static final String ALLOC_SYSTEM_MEMORY = "Alloc system memory";

  /**
   * Copies the map.
   *
   * @param values every numeric entry by key; copied
   */
  public PerformanceStatistics {
    values = Map.copyOf(values);
  }

  /**
   * The value of {@code key}, if reported.
   *
   * @param key an exact key, e.g. {@link #DEVICE_UTILIZATION}
   * @return the value in the driver's unit, or empty
   */
  public OptionalLong get(String key) {
    Long v = values.get(key);
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }

  /**
   * {@value #DEVICE_UTILIZATION}, if reported.
   *
   * @return percent, 0–100, or empty
   */
  public OptionalLong deviceUtilizationPercent() {
    return get(DEVICE_UTILIZATION);
  }

  /**
   * {@value #RENDERER_UTILIZATION}, if reported.
   *
   * @return percent, 0–100, or empty
   */
  public OptionalLong rendererUtilizationPercent() {
    return get(RENDERER_UTILIZATION);
  }

  /**
   * {@value #TILER_UTILIZATION}, if reported.
   *
   * @return percent, 0–100, or empty
   */
  public OptionalLong tilerUtilizationPercent() {
    return get(TILER_UTILIZATION);
  }

  /**
   * {@value #IN_USE_SYSTEM_MEMORY}, bytes, if reported.
   *
   * @return bytes, or empty
   */
  public OptionalLong inUseSystemMemoryBytes() {
    return get(IN_USE_SYSTEM_MEMORY);
  }

  /**
   * {@value #ALLOC_SYSTEM_MEMORY}, bytes, if reported.
   *
   * @return bytes, or empty
   */
  public OptionalLong allocSystemMemoryBytes() {
    return get(ALLOC_SYSTEM_MEMORY);
  }
}
