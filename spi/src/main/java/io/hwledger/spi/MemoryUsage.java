package io.hwledger.spi;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A device's memory at one moment, in bytes. Absent values are unsupported by the device or driver,
 * never 0.
 *
 * @param totalBytes memory the driver reports in total
 * @param usedBytes memory in use by allocations; see {@code usedIncludesReserved}
 * @param freeBytes memory available for new allocations
 * @param reservedBytes memory the driver keeps for itself, where reported (NVML v2)
 * @param usedIncludesReserved whether {@code usedBytes} counts driver-reserved memory too (NVML's
 *     v1 memory call does: about 1 GB on an idle A100)
 */
public record MemoryUsage(
    OptionalLong totalBytes,
    OptionalLong usedBytes,
    OptionalLong freeBytes,
    OptionalLong reservedBytes,
    boolean usedIncludesReserved) {

  /**
   * Checks that no optional is null.
   *
   * @param totalBytes total memory, bytes, if reported
   * @param usedBytes memory in use, bytes, if reported
   * @param freeBytes memory available, bytes, if reported
   * @param reservedBytes driver-reserved memory, bytes, if reported
   * @param usedIncludesReserved whether {@code usedBytes} includes the reserved memory
   */
  public MemoryUsage {
    Objects.requireNonNull(totalBytes, "totalBytes");
    Objects.requireNonNull(usedBytes, "usedBytes");
    Objects.requireNonNull(freeBytes, "freeBytes");
    Objects.requireNonNull(reservedBytes, "reservedBytes");
  }
}
