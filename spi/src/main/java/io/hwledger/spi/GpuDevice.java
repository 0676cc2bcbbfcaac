package io.hwledger.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The identity of one GPU as a backend sees it. Stable across samples of one session.
 *
 * @param backend the {@link GpuBackendProvider#id()} that found it
 * @param index the backend's 0-based device index
 * @param uuid a stable identifier: the driver's UUID where it has one (NVIDIA {@code GPU-…}), else
 *     the PCI bus id or another id that survives reboots
 * @param pciBusId the PCI bus id ({@code 0000:3b:00.0}), where known
 * @param name the product name the driver reports
 * @param vendor the vendor
 * @param architecture architecture or compute capability ({@code sm_90}, {@code gfx942}), where
 *     known
 * @param driverVersion the driver's version, where known
 * @param memoryTotalBytes device memory, bytes, where known
 * @param integrated whether the GPU shares the host's memory instead of having its own: an Apple
 *     silicon GPU (unified memory) or an AMD APU; false where the backend cannot tell
 */
public record GpuDevice(
    String backend,
    int index,
    String uuid,
    Optional<String> pciBusId,
    String name,
    Vendor vendor,
    Optional<String> architecture,
    Optional<String> driverVersion,
    OptionalLong memoryTotalBytes,
    boolean integrated) {

  /**
   * Validates the arguments.
   *
   * @param backend the provider id
   * @param index the device index, at least 0
   * @param uuid the stable identifier
   * @param pciBusId the PCI bus id, if known
   * @param name the product name
   * @param vendor the vendor
   * @param architecture architecture or compute capability, if known
   * @param driverVersion driver version, if known
   * @param memoryTotalBytes device memory in bytes, if known
   * @param integrated whether it shares the host's memory
   * @throws IllegalArgumentException if {@code index} is negative
   */
  public GpuDevice {
    Objects.requireNonNull(backend, "backend");
    if (index < 0) {
      throw new IllegalArgumentException("index must not be negative, was " + index);
    }
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(pciBusId, "pciBusId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(vendor, "vendor");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(driverVersion, "driverVersion");
    Objects.requireNonNull(memoryTotalBytes, "memoryTotalBytes");
  }

  /**
   * A device not known to be integrated ({@link #integrated()} false): the constructor that
   * backends written before the {@code integrated} component use.
   *
   * @param backend the provider id
   * @param index the device index, at least 0
   * @param uuid the stable identifier
   * @param pciBusId the PCI bus id, if known
   * @param name the product name
   * @param vendor the vendor
   * @param architecture architecture or compute capability, if known
   * @param driverVersion driver version, if known
   * @param memoryTotalBytes device memory in bytes, if known
   * @throws IllegalArgumentException if {@code index} is negative
   */
  public GpuDevice(
      String backend,
      int index,
      String uuid,
      Optional<String> pciBusId,
      String name,
      Vendor vendor,
      Optional<String> architecture,
      Optional<String> driverVersion,
      OptionalLong memoryTotalBytes) {
    this(
        backend,
        index,
        uuid,
        pciBusId,
        name,
        vendor,
        architecture,
        driverVersion,
        memoryTotalBytes,
        false);
  }
}
