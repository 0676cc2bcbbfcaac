package io.hwledger.rocm.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.hwledger.rocm.RocmSmiApi;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link RocmSmiApi} over {@link RocmSmiLibrary}: out-parameters, buffers and the layout of {@code
 * rsmi_process_info_t} stay here, statuses pass through unchanged. Holds no state, so thread-safe
 * as far as the library is.
 */
final class JnaRocmSmi implements RocmSmiApi {
  private static final int NAME_LENGTH = 256;

  private final RocmSmiLibrary lib;

  JnaRocmSmi(RocmSmiLibrary lib) {
    this.lib = lib;
  }

  @Override
  public int init(long flags) {
    return lib.rsmi_init(flags);
  }

  @Override
  public int shutDown() {
    return lib.rsmi_shut_down();
  }

  @Override
  public Optional<String> statusString(int status) {
    try {
      PointerByReference ref = new PointerByReference();
      if (lib.rsmi_status_string(status, ref) == SUCCESS) {
        Pointer p = ref.getValue();
        if (p != null) {
          return Optional.of(p.getString(0));
        }
      }
    } catch (LinkageError | RuntimeException e) {
      // the caller falls back to the enum name
    }
    return Optional.empty();
  }

  @Override
  public Reading numMonitorDevices() {
    IntByReference count = new IntByReference();
    int status = lib.rsmi_num_monitor_devices(count);
    return new Reading(status, Integer.toUnsignedLong(count.getValue()));
  }

  @Override
  public Text devName(int index) {
    byte[] buffer = new byte[NAME_LENGTH];
    int status = lib.rsmi_dev_name_get(index, buffer, new NativeLong(NAME_LENGTH));
    return new Text(status, Native.toString(buffer));
  }

  @Override
  public Reading devUniqueId(int index) {
    LongByReference value = new LongByReference();
    return new Reading(lib.rsmi_dev_unique_id_get(index, value), value.getValue());
  }

  @Override
  public Reading devPciId(int index) {
    LongByReference value = new LongByReference();
    return new Reading(lib.rsmi_dev_pci_id_get(index, value), value.getValue());
  }

  @Override
  public Reading devMemoryTotal(int index) {
    LongByReference value = new LongByReference();
    int status = lib.rsmi_dev_memory_total_get(index, RocmSmiLibrary.RSMI_MEM_TYPE_VRAM, value);
    return new Reading(status, value.getValue());
  }

  @Override
  public Reading devMemoryUsage(int index) {
    LongByReference value = new LongByReference();
    int status = lib.rsmi_dev_memory_usage_get(index, RocmSmiLibrary.RSMI_MEM_TYPE_VRAM, value);
    return new Reading(status, value.getValue());
  }

  @Override
  public Reading devBusyPercent(int index) {
    IntByReference value = new IntByReference();
    int status = lib.rsmi_dev_busy_percent_get(index, value);
    return new Reading(status, Integer.toUnsignedLong(value.getValue()));
  }

  @Override
  public Reading devTempMetric(int index, int sensorType) {
    LongByReference value = new LongByReference();
    int status =
        lib.rsmi_dev_temp_metric_get(index, sensorType, RocmSmiLibrary.RSMI_TEMP_CURRENT, value);
    return new Reading(status, value.getValue());
  }

  @Override
  public Reading devPowerAve(int index, int sensor) {
    LongByReference value = new LongByReference();
    return new Reading(lib.rsmi_dev_power_ave_get(index, sensor, value), value.getValue());
  }

  @Override
  public Text versionStr(int component) {
    byte[] buffer = new byte[NAME_LENGTH];
    int status = lib.rsmi_version_str_get(component, buffer, buffer.length);
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new Text(status, new String(buffer, 0, end, StandardCharsets.UTF_8));
  }

  @Override
  public Reading devTargetGraphicsVersion(int index) {
    LongByReference value = new LongByReference();
    return new Reading(lib.rsmi_dev_target_graphics_version_get(index, value), value.getValue());
  }

  @Override
  public Reading computeProcessCount() {
    int[] count = {0};
    int status = lib.rsmi_compute_process_info_get(null, count);
    return new Reading(status, Integer.toUnsignedLong(count[0]));
  }

  @Override
  public Listing computeProcessIds(int capacity) {
    long[] infos = new long[capacity * RocmSmiLibrary.PROCESS_INFO_LONGS];
    int[] written = {capacity};
    int status = lib.rsmi_compute_process_info_get(infos, written);
    if (status != SUCCESS) {
      return new Listing(status, List.of());
    }
    List<Long> pids = new ArrayList<>(written[0]);
    for (int i = 0; i < written[0]; i++) {
      // process_id is the low half of the entry's first long (little-endian).
      pids.add(infos[i * RocmSmiLibrary.PROCESS_INFO_LONGS] & 0xffffffffL);
    }
    return new Listing(status, pids);
  }

  @Override
  public Listing computeProcessGpus(long pid, int capacity) {
    int[] indices = new int[capacity];
    int[] count = {capacity};
    int status = lib.rsmi_compute_process_gpus_get((int) pid, indices, count);
    if (status != SUCCESS) {
      return new Listing(status, List.of());
    }
    int used = Math.min(count[0], indices.length);
    List<Long> devices = new ArrayList<>(used);
    for (int i = 0; i < used; i++) {
      devices.add(Integer.toUnsignedLong(indices[i]));
    }
    return new Listing(status, devices);
  }

  @Override
  public Reading computeProcessVramOnDevice(long pid, int index) {
    long[] info = new long[RocmSmiLibrary.PROCESS_INFO_LONGS];
    int status = lib.rsmi_compute_process_info_by_device_get((int) pid, index, info);
    return new Reading(status, info[1]);
  }

  @Override
  public Reading computeProcessVram(long pid) {
    long[] info = new long[RocmSmiLibrary.PROCESS_INFO_LONGS];
    int status = lib.rsmi_compute_process_info_by_pid_get((int) pid, info);
    return new Reading(status, info[1]);
  }
}
