package io.hwledger.fleet.protocol;

import org.jspecify.annotations.Nullable;

/**
 * One GPU of an agent's host, as the telemetry SPI found it.
 *
 * @param index the device index the engines see ({@code CUDA_VISIBLE_DEVICES}, {@code
 *     HIP_VISIBLE_DEVICES})
 * @param uuid the device's stable identifier; the fleet's device id
 * @param name the product name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param vendor {@code nvidia}, {@code amd}, {@code apple} or {@code other}
 * @param backend the telemetry backend that reads it, e.g. {@code nvml}
 * @param busId the PCI bus id, when known
 * @param totalBytes device memory, bytes
 * @param integrated whether it shares the host's memory (an iGPU or Apple silicon)
 */
public record GpuInfo(
    int index,
    String uuid,
    String name,
    String vendor,
    String backend,
    @Nullable String busId,
    long totalBytes,
    boolean integrated) {

  /**
   * Validates.
   *
   * @param index at least 0
   * @param uuid 1 to 128 characters
   * @param name 1 to 128 characters
   * @param vendor 1 to 16 characters
   * @param backend 1 to 32 characters
   * @param busId up to 64 characters, or null
   * @param totalBytes at least 0
   * @param integrated whether it shares host memory
   * @throws IllegalArgumentException naming the first invalid value
   */
  public GpuInfo {
    Values.atLeast(index, 0, "index");
    Values.text(uuid, "uuid", 128);
    Values.text(name, "name", 128);
    Values.text(vendor, "vendor", 16);
    Values.text(backend, "backend", 32);
    if (busId != null) {
      Values.text(busId, "busId", 64);
    }
    Values.atLeast(totalBytes, 0, "totalBytes");
  }
}
