package io.hwledger.metal;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What Metal's default device says at one moment.
 *
 * @param recommendedMaxWorkingSetSize {@code MTLDevice.recommendedMaxWorkingSetSize}: the memory
 *     the GPU may use without hurting performance, bytes. On Apple silicon this is a fraction of
 *     unified memory (about 2/3 to 3/4 by default) and follows the {@code iogpu.wired_limit_mb}
 *     sysctl when an administrator raises or lowers it.
 * @param currentAllocatedSize {@code MTLDevice.currentAllocatedSize}: bytes allocated by Metal
 *     resources of <em>this process</em> on the device, not of the whole machine
 */
public record MetalReading(
    OptionalLong recommendedMaxWorkingSetSize, OptionalLong currentAllocatedSize) {

  /**
   * Checks that nothing is null.
   *
   * @param recommendedMaxWorkingSetSize the working-set limit, bytes, if known
   * @param currentAllocatedSize this process's allocations, bytes, if known
   */
  public MetalReading {
    Objects.requireNonNull(recommendedMaxWorkingSetSize, "recommendedMaxWorkingSetSize");
    Objects.requireNonNull(currentAllocatedSize, "currentAllocatedSize");
  }
}
