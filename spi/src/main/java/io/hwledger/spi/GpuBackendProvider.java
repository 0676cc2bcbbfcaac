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
   *
   * @return the id, unique among the providers on the class path; the value {@code
   *     hwledger.backends} and {@code --backend} name
   */
  String id();

  /**
   * Preference among available backends: higher wins; ties go to the smaller id.
   *
   * @return the priority, e.g. 100 for a native library and 10 for a command-line tool
   */
  int priority();

  /**
   * The vendor whose GPUs this backend reports. {@link GpuBackends#host()} opens one backend per
   * vendor, the available one with the highest priority; a backend of {@link Vendor#OTHER} (the
   * default, for third-party backends) is a group of its own, opened next to every other.
   *
   * @return the vendor, e.g. {@link Vendor#NVIDIA} for both {@code nvml} and {@code nvidia-smi}
   */
  default Vendor vendor() {
    return Vendor.OTHER;
  }

  /**
   * Whether this backend can run here, and why not; cheap, and never throws.
   *
   * @return the verdict, with a reason a user can act on when unavailable
   */
  Availability isAvailable();

  /**
   * Opens a session whose samples are stamped by {@code clock}.
   *
   * @param clock the source of {@link TelemetrySample#timestamp()}
   * @return an open session; the caller closes it
   * @throws BackendException of kind {@link BackendException.Kind#UNAVAILABLE} if it cannot
   */
  GpuBackend open(Clock clock);
}
