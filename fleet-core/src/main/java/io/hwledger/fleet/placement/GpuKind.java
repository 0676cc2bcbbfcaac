package io.hwledger.fleet.placement;

import java.util.Objects;

/**
 * A GPU model as an agent reports it: what a job is planned for. GPUs of one kind get the same plan
 * (and claim), so plans are cached per kind.
 *
 * @param vendor the vendor the agent reports, e.g. {@code nvidia}, {@code amd}
 * @param productName the product name the agent reports (NVML's, amdgpu's or Metal's), e.g. {@code
 *     NVIDIA H100 80GB HBM3}
 * @param totalBytes the device memory the agent reports, bytes
 * @param integrated whether the GPU shares the host's memory (one unified pool)
 */
public record GpuKind(String vendor, String productName, long totalBytes, boolean integrated) {

  /**
   * Validates.
   *
   * @param vendor not null
   * @param productName not null
   * @param totalBytes device memory, bytes, at least 1
   * @param integrated whether it shares host memory
   * @throws IllegalArgumentException if the total is not positive
   */
  public GpuKind {
    Objects.requireNonNull(vendor, "vendor");
    Objects.requireNonNull(productName, "productName");
    if (totalBytes < 1) {
      throw new IllegalArgumentException("totalBytes must be positive, was " + totalBytes);
    }
  }
}
