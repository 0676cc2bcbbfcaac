package io.hwledger.spi;

import java.util.Objects;

/**
 * One GPU of the host as {@link HostDevices} lists it.
 *
 * @param device the device, as the backend that reports it ({@link GpuDevice#backend()}) sees it
 * @param integrated whether the GPU shares the host's memory instead of having its own: true for
 *     {@link Vendor#APPLE} (Apple silicon's unified memory); {@link GpuDevice} carries no other
 *     fact that tells an integrated GPU, so every other device reads false
 */
public record HostDevice(GpuDevice device, boolean integrated) {

  /**
   * Checks that there is a device.
   *
   * @param device the device
   * @param integrated whether it shares the host's memory
   */
  public HostDevice {
    Objects.requireNonNull(device, "device");
  }

  /** Whether {@code device} is integrated, by the facts it carries (see the class comment). */
  static boolean integrated(GpuDevice device) {
    return device.vendor() == Vendor.APPLE;
  }
}
