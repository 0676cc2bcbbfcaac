package io.hwledger.rocm;

import io.hwledger.rocm.jna.RocmSmiLibrary;
import io.hwledger.spi.ProcessMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the compute processes holding VRAM on one GPU through ROCm SMI: {@code
 * rsmi_compute_process_info_get} for the pids, {@code rsmi_compute_process_gpus_get} for the GPUs
 * each uses, {@code rsmi_compute_process_info_by_device_get} for its VRAM on this GPU (bytes). A
 * library without that last export gives the {@code rsmi_compute_process_info_by_pid_get} total for
 * a process that uses only this GPU, else no byte count.
 *
 * <p>The list is auxiliary: a status other than success, or a missing export, leaves it absent and
 * never fails the sample.
 */
final class RocmSmiProcesses {
  private static final Logger LOG = LoggerFactory.getLogger(RocmSmiProcesses.class);
  private static final int ATTEMPTS = 3;
  private static final int SLACK = 8;

  private final RocmSmiLibrary rsmi;
  private final int deviceCount;
  private volatile boolean byDeviceMissing;

  RocmSmiProcesses(RocmSmiLibrary rsmi, int deviceCount) {
    this.rsmi = rsmi;
    this.deviceCount = deviceCount;
  }

  /** The processes on device {@code index}, by the library's order; empty if it cannot say. */
  Optional<List<ProcessMemory>> onDevice(int index) {
    try {
      Optional<long[]> pids = pids();
      if (pids.isEmpty()) {
        return Optional.empty();
      }
      List<ProcessMemory> list = new ArrayList<>();
      for (long pid : pids.get()) {
        int[] devices = devicesOf(pid);
        if (devices == null || !contains(devices, index)) {
          continue; // gone since the listing, or not on this GPU
        }
        list.add(new ProcessMemory(pid, vram(pid, index, devices.length)));
      }
      return Optional.of(list);
    } catch (UnsatisfiedLinkError e) {
      LOG.debug("ROCm SMI process listing not available: {}", e.getMessage());
      return Optional.empty();
    }
  }

  /** The pids, widened from {@code uint32_t}; empty when the library refuses. */
  private Optional<long[]> pids() {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int[] count = {0};
      int status = rsmi.rsmi_compute_process_info_get(null, count);
      if (status != RsmiStatus.SUCCESS) {
        return refused("rsmi_compute_process_info_get", status);
      }
      if (count[0] == 0) {
        return Optional.of(new long[0]);
      }
      // Processes may start between the two calls: leave room for a few more.
      int capacity = count[0] + SLACK;
      long[] infos = new long[capacity * RocmSmiLibrary.PROCESS_INFO_LONGS];
      int[] written = {capacity};
      status = rsmi.rsmi_compute_process_info_get(infos, written);
      if (status == RsmiStatus.SUCCESS) {
        long[] pids = new long[written[0]];
        for (int i = 0; i < pids.length; i++) {
          pids[i] = infos[i * RocmSmiLibrary.PROCESS_INFO_LONGS] & 0xffffffffL;
        }
        return Optional.of(pids);
      }
      if (status != RsmiStatus.INSUFFICIENT_SIZE) {
        return refused("rsmi_compute_process_info_get", status);
      }
    }
    LOG.debug("rsmi_compute_process_info_get: list still growing after {} attempts", ATTEMPTS);
    return Optional.empty();
  }

  /** The device indices {@code pid} uses, or null if the library cannot say. */
  private int[] devicesOf(long pid) {
    int[] indices = new int[Math.max(1, deviceCount)];
    int[] count = {indices.length};
    int status = rsmi.rsmi_compute_process_gpus_get((int) pid, indices, count);
    if (status != RsmiStatus.SUCCESS) {
      LOG.debug("rsmi_compute_process_gpus_get({}): {}", pid, RsmiStatus.name(status));
      return null;
    }
    int[] used = new int[Math.min(count[0], indices.length)];
    System.arraycopy(indices, 0, used, 0, used.length);
    return used;
  }

  private OptionalLong vram(long pid, int index, int gpusUsed) {
    long[] info = new long[RocmSmiLibrary.PROCESS_INFO_LONGS];
    if (!byDeviceMissing) {
      try {
        int status = rsmi.rsmi_compute_process_info_by_device_get((int) pid, index, info);
        return status == RsmiStatus.SUCCESS ? OptionalLong.of(info[1]) : OptionalLong.empty();
      } catch (UnsatisfiedLinkError e) {
        LOG.debug("rsmi_compute_process_info_by_device_get missing: {}", e.getMessage());
        byDeviceMissing = true;
      }
    }
    // Older library: the per-pid total is this GPU's only when the process uses no other.
    if (gpusUsed != 1) {
      return OptionalLong.empty();
    }
    int status = rsmi.rsmi_compute_process_info_by_pid_get((int) pid, info);
    return status == RsmiStatus.SUCCESS ? OptionalLong.of(info[1]) : OptionalLong.empty();
  }

  private static boolean contains(int[] indices, int index) {
    for (int i : indices) {
      if (Integer.toUnsignedLong(i) == index) {
        return true;
      }
    }
    return false;
  }

  private static Optional<long[]> refused(String function, int status) {
    LOG.debug("{}: {}", function, RsmiStatus.name(status));
    return Optional.empty();
  }
}
