package io.hwledger.examples;

import io.hwledger.spi.GpuBackends;
import io.hwledger.spi.HostDevice;
import io.hwledger.spi.HostDevices;
import java.util.OptionalLong;

/**
 * The README's every-GPU-of-a-host snippet: one backend per vendor, each GPU once, with its used
 * memory. The lines between the README markers are the README's snippet, character for character.
 */
public final class HostDevicesExample {
  private HostDevicesExample() {}

  /** Prints each GPU of the host with its backend and used memory. */
  public static void main(String[] args) {
    // README begin: the README prints these lines as they are (spotless:off)
    try (HostDevices host = GpuBackends.defaults().host()) {
      for (HostDevice d : host.devices()) {                   // NVIDIA and AMD and Apple, each GPU once
        OptionalLong used = host.sample(d.device()).memory().usedBytes();
        System.out.println(d.device().backend() + " " + d.device().name() + (d.integrated() ? " (integrated)" : "")
            + ": " + (used.isPresent() ? used.getAsLong() + " bytes used" : "used memory not reported"));
      }
    }
    // README end (spotless:on)
  }
}
