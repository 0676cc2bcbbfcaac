package io.hwledger.rocm;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The ROCm SMI calls this backend makes, in plain Java: one method per {@code rocm_smi.h} function,
 * devices named by their index, each returning the {@code rsmi_status_t} with what the call wrote.
 * {@code uint32_t} values arrive widened to {@code long}; {@code uint64_t} values are the library's
 * bits, so one above {@link Long#MAX_VALUE} is negative. What a status means (success, absent,
 * unavailable, failed) is decided by the caller, not here. The JNA implementation lives in {@code
 * io.hwledger.rocm.jna}.
 *
 * <p>JNA resolves a function on its first call: one the library does not export throws {@link
 * UnsatisfiedLinkError} then.
 */
public interface RocmSmiApi {
  /** {@code RSMI_STATUS_SUCCESS}. */
  int SUCCESS = 0;

  /** {@code RSMI_TEMP_TYPE_EDGE} in {@code rsmi_temperature_type_t}. */
  int TEMP_TYPE_EDGE = 0;

  /** {@code RSMI_TEMP_TYPE_JUNCTION} in {@code rsmi_temperature_type_t}. */
  int TEMP_TYPE_JUNCTION = 1;

  /** {@code RSMI_SW_COMP_DRIVER} in {@code rsmi_sw_component_t}. */
  int SW_COMP_DRIVER = 0;

  /**
   * A status and the number the call wrote.
   *
   * @param status the {@code rsmi_status_t}
   * @param value what the call wrote; meaningful only when {@code status} is {@link #SUCCESS}
   */
  record Reading(int status, long value) {}

  /**
   * A status and the string the call wrote.
   *
   * @param status the {@code rsmi_status_t}
   * @param text the bytes up to the first NUL; meaningful only when {@code status} is {@link
   *     #SUCCESS}
   */
  record Text(int status, String text) {
    /** Validates the arguments. */
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * A status and the list the call wrote.
   *
   * @param status the {@code rsmi_status_t}
   * @param values the entries, widened from {@code uint32_t}; empty unless {@code status} is {@link
   *     #SUCCESS}
   */
  record Listing(int status, List<Long> values) {
    /** Copies {@code values}. */
    public Listing {
      values = List.copyOf(values);
    }
  }

  /** {@code rsmi_init(init_flags)}. */
  int init(long flags);

  /** {@code rsmi_shut_down()}. */
  int shutDown();

  /** {@code rsmi_status_string}: the library's text for {@code status}; empty if it cannot say. */
  Optional<String> statusString(int status);

  /** {@code rsmi_num_monitor_devices}. */
  Reading numMonitorDevices();

  /** {@code rsmi_dev_name_get}, with a 256-byte buffer. */
  Text devName(int index);

  /** {@code rsmi_dev_unique_id_get}. */
  Reading devUniqueId(int index);

  /** {@code rsmi_dev_pci_id_get}: the BDFID. */
  Reading devPciId(int index);

  /** {@code rsmi_dev_memory_total_get} of {@code RSMI_MEM_TYPE_VRAM}, bytes. */
  Reading devMemoryTotal(int index);

  /** {@code rsmi_dev_memory_usage_get} of {@code RSMI_MEM_TYPE_VRAM}, bytes. */
  Reading devMemoryUsage(int index);

  /** {@code rsmi_dev_busy_percent_get}, percent. */
  Reading devBusyPercent(int index);

  /**
   * {@code rsmi_dev_temp_metric_get} of {@code RSMI_TEMP_CURRENT}, millidegrees Celsius (signed).
   *
   * @param sensorType {@link #TEMP_TYPE_EDGE} or {@link #TEMP_TYPE_JUNCTION}
   */
  Reading devTempMetric(int index, int sensorType);

  /** {@code rsmi_dev_power_ave_get}, microwatts. */
  Reading devPowerAve(int index, int sensor);

  /**
   * {@code rsmi_version_str_get}, with a 256-byte buffer, decoded as UTF-8.
   *
   * @param component {@link #SW_COMP_DRIVER}
   */
  Text versionStr(int component);

  /** {@code rsmi_dev_target_graphics_version_get} (ROCm 6.x): the digits of the gfx name. */
  Reading devTargetGraphicsVersion(int index);

  /** {@code rsmi_compute_process_info_get} with no buffer: how many processes there are. */
  Reading computeProcessCount();

  /**
   * {@code rsmi_compute_process_info_get} into room for {@code capacity} entries: their pids. A
   * status of {@code RSMI_STATUS_INSUFFICIENT_SIZE} says more processes appeared.
   */
  Listing computeProcessIds(int capacity);

  /**
   * {@code rsmi_compute_process_gpus_get}: the device indices {@code pid} uses, at most capacity.
   */
  Listing computeProcessGpus(long pid, int capacity);

  /** {@code rsmi_compute_process_info_by_device_get}: VRAM bytes of {@code pid} on one device. */
  Reading computeProcessVramOnDevice(long pid, int index);

  /** {@code rsmi_compute_process_info_by_pid_get}: VRAM bytes of {@code pid} summed over GPUs. */
  Reading computeProcessVram(long pid);
}
