package io.hwledger.rocm;

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

  private final RocmSmiApi rsmi;
  private final int deviceCount;
  private volatile boolean byDeviceMissing;

  RocmSmiProcesses(RocmSmiApi rsmi, int deviceCount) {
    this.rsmi = rsmi;
    this.deviceCount = deviceCount;
  }

  /** The processes on device {@code index}, by the library's order; empty if it cannot say. */
  Optional<List<ProcessMemory>> onDevice(int index) {
    try {
      Optional<List<Long>> pids = pids();
      if (pids.isEmpty()) {
        return Optional.empty();
      }
      List<ProcessMemory> list = new ArrayList<>();
      for (long pid : pids.get()) {
        Optional<List<Long>> devices = devicesOf(pid);
        if (devices.isEmpty() || !devices.get().contains((long) index)) {
          continue; // gone since the listing, or not on this GPU
        }
        list.add(new ProcessMemory(pid, vram(pid, index, devices.get().size())));
      }
      return Optional.of(list);
    } catch (UnsatisfiedLinkError e) {
      LOG.debug("ROCm SMI process listing not available: {}", e.getMessage());
      return Optional.empty();
    }
  }

  /** The pids, widened from {@code uint32_t}; empty when the library refuses. */
  private Optional<List<Long>> pids() {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      RocmSmiApi.Reading count = rsmi.computeProcessCount();
      if (count.status() != RsmiStatus.SUCCESS) {
        return refused("rsmi_compute_process_info_get", count.status());
      }
      if (count.value() == 0) {
        return Optional.of(List.of());
      }
      // Processes may start between the two calls: leave room for a few more.
      RocmSmiApi.Listing pids = rsmi.computeProcessIds(Math.toIntExact(count.value() + SLACK));
      if (pids.status() == RsmiStatus.SUCCESS) {
        return Optional.of(pids.values());
      }
      if (pids.status() != RsmiStatus.INSUFFICIENT_SIZE) {
        return refused("rsmi_compute_process_info_get", pids.status());
      }
    }
    LOG.debug("rsmi_compute_process_info_get: list still growing after {} attempts", ATTEMPTS);
    return Optional.empty();
  }

  /** The device indices {@code pid} uses; empty if the library cannot say. */
  private Optional<List<Long>> devicesOf(long pid) {
    RocmSmiApi.Listing gpus = rsmi.computeProcessGpus(pid, Math.max(1, deviceCount));
    if (gpus.status() != RsmiStatus.SUCCESS) {
      LOG.debug("rsmi_compute_process_gpus_get({}): {}", pid, RsmiStatus.name(gpus.status()));
      return Optional.empty();
    }
    return Optional.of(gpus.values());
  }

  private OptionalLong vram(long pid, int index, int gpusUsed) {
    if (!byDeviceMissing) {
      try {
        RocmSmiApi.Reading bytes = rsmi.computeProcessVramOnDevice(pid, index);
        return bytes.status() == RsmiStatus.SUCCESS
            ? OptionalLong.of(bytes.value())
            : OptionalLong.empty();
      } catch (UnsatisfiedLinkError e) {
        LOG.debug("rsmi_compute_process_info_by_device_get missing: {}", e.getMessage());
        byDeviceMissing = true;
      }
    }
    // Older library: the per-pid total is this GPU's only when the process uses no other.
    if (gpusUsed != 1) {
      return OptionalLong.empty();
    }
    RocmSmiApi.Reading bytes = rsmi.computeProcessVram(pid);
    return bytes.status() == RsmiStatus.SUCCESS
        ? OptionalLong.of(bytes.value())
        : OptionalLong.empty();
  }

  private static Optional<List<Long>> refused(String function, int status) {
    LOG.debug("{}: {}", function, RsmiStatus.name(status));
    return Optional.empty();
  }
}
