package io.hwledger.spi;

import java.util.Objects;

/**
 * One GPU of the host as {@link HostDevices} lists it.
 *
 * @param device the device, as the backend that reports it ({@link GpuDevice#backend()}) sees it
 * @param integrated whether the GPU shares the host's memory instead of having its own, as its
 *     backend says ({@link GpuDevice#integrated()}): Apple silicon's unified memory, an AMD APU
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

  /** Whether {@code device} is integrated, as its backend marked it. */
  static boolean integrated(GpuDevice device) {
    return device.integrated();
  }
}
