package io.hwledger.spi;

import java.time.Clock;

/**
 * A GPU telemetry backend, found with {@link java.util.ServiceLoader} (declare it in {@code
 * META-INF/services/io.hwledger.spi.GpuBackendProvider} and, on the module path, with {@code
 * provides}). Constructors have no side effects: native libraries load lazily, in {@link
 * #isAvailable()} or {@link #open}.
 */
public interface GpuBackendProvider {

  /**
   * A short, stable, lower-case id, e.g. {@code nvml}, {@code nvidia-smi}, {@code amdgpu-sysfs}.
   */
  String id();

  /** Preference among available backends: higher wins; ties go to the smaller id. */
  int priority();

  /** Whether this backend can run here, and why not; cheap, and never throws. */
  Availability isAvailable();

  /**
   * Opens a session whose samples are stamped by {@code clock}.
   *
   * @throws BackendException of kind {@link BackendException.Kind#UNAVAILABLE} if it cannot
   */
  GpuBackend open(Clock clock);
}
