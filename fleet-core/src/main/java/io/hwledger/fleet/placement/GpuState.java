package io.hwledger.fleet.placement;

import java.util.Objects;
import java.util.Optional;

/**
 * One GPU of an agent as the server sees it when it places a job.
 *
 * @param uuid the device's stable id
 * @param index the device index engines see ({@code CUDA_VISIBLE_DEVICES})
 * @param vendor the vendor, e.g. {@code nvidia}
 * @param productName the product name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param totalBytes device memory, bytes; 0 when the agent could not read it
 * @param claimedBytes the sum of the claims of the jobs placed on it, bytes
 * @param reservedBytes memory the operator keeps off limits, bytes
 * @param measuredFree the latest measurement of its free memory, if any
 * @param healthy whether its health query last succeeded and reported no fault; a device whose
 *     query fails is unhealthy
 * @param integrated whether it shares the host's memory (one unified pool)
 */
public record GpuState(
    String uuid,
    int index,
    String vendor,
    String productName,
    long totalBytes,
    long claimedBytes,
    long reservedBytes,
    Optional<MeasuredFree> measuredFree,
    boolean healthy,
    boolean integrated) {

  /** The largest byte count accepted, 2^53 − 1: what the ledger's JSON numbers hold exactly. */
  public static final long MAX_BYTES = (1L << 53) - 1;

  /**
   * Validates.
   *
   * @param uuid not blank
   * @param index at least 0
   * @param vendor not null
   * @param productName not null
   * @param totalBytes in [0, {@link #MAX_BYTES}]
   * @param claimedBytes in [0, {@link #MAX_BYTES}]
   * @param reservedBytes in [0, {@link #MAX_BYTES}]
   * @param measuredFree the latest measurement, if any
   * @param healthy whether it is healthy
   * @param integrated whether it shares host memory
   * @throws IllegalArgumentException naming the first value out of range
   */
  public GpuState {
    Objects.requireNonNull(uuid, "uuid");
    if (uuid.isBlank()) {
      throw new IllegalArgumentException("uuid is blank");
    }
    if (index < 0) {
      throw new IllegalArgumentException("index must be at least 0, was " + index);
    }
    Objects.requireNonNull(vendor, "vendor");
    Objects.requireNonNull(productName, "productName");
    bytes(totalBytes, "totalBytes");
    bytes(claimedBytes, "claimedBytes");
    bytes(reservedBytes, "reservedBytes");
    Objects.requireNonNull(measuredFree, "measuredFree");
  }

  /**
   * A healthy discrete GPU with nothing claimed or reserved.
   *
   * @param uuid the device's id
   * @param index its device index
   * @param vendor its vendor
   * @param productName its product name
   * @param totalBytes its memory, bytes
   * @param measuredFree its latest free-memory measurement, if any
   * @return the state
   */
  public static GpuState idle(
      String uuid,
      int index,
      String vendor,
      String productName,
      long totalBytes,
      Optional<MeasuredFree> measuredFree) {
    return new GpuState(
        uuid, index, vendor, productName, totalBytes, 0, 0, measuredFree, true, false);
  }

  /**
   * Memory not yet claimed or reserved: total − Σ claims − reserve.
   *
   * @return bytes; negative when claims and reserve exceed the total
   */
  public long allocatableBytes() {
    return totalBytes - claimedBytes - reservedBytes;
  }

  /**
   * The kind a job is planned for on this GPU.
   *
   * @return its vendor, name, total and whether it is integrated
   * @throws IllegalArgumentException when the total is 0
   */
  public GpuKind kind() {
    return new GpuKind(vendor, productName, totalBytes, integrated);
  }

  private static void bytes(long value, String field) {
    if (value < 0 || value > MAX_BYTES) {
      throw new IllegalArgumentException(
          field + " must be in [0, " + MAX_BYTES + "], was " + value);
    }
  }
}
