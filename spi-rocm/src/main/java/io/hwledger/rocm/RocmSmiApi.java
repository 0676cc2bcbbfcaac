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
    /**
     * Checks that there is a text.
     *
     * @param status the {@code rsmi_status_t}
     * @param text the bytes up to the first NUL, possibly empty
     */
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
    /**
     * Copies {@code values}.
     *
     * @param status the {@code rsmi_status_t}
     * @param values the entries; copied
     */
    public Listing {
      values = List.copyOf(values);
    }
  }

  /**
   * {@code rsmi_init(init_flags)}.
   *
   * @param flags {@code init_flags}; 0 for the defaults (this backend passes 0)
   * @return the {@code rsmi_status_t}
   */
  int init(long flags);

  /**
   * {@code rsmi_shut_down()}.
   *
   * @return the {@code rsmi_status_t}
   */
  int shutDown();

  /**
   * {@code rsmi_status_string}: the library's text for {@code status}; empty if it cannot say.
   *
   * @param status an {@code rsmi_status_t}
   * @return the library's description, or empty
   */
  Optional<String> statusString(int status);

  /**
   * {@code rsmi_num_monitor_devices}.
   *
   * @return the status and the number of devices
   */
  Reading numMonitorDevices();

  /**
   * {@code rsmi_dev_name_get}, with a 256-byte buffer.
   *
   * @param index the device index, 0 to {@code numMonitorDevices().value() - 1}
   * @return the status and the marketing name
   */
  Text devName(int index);

  /**
   * {@code rsmi_dev_unique_id_get}.
   *
   * @param index the device index, 0 to {@code numMonitorDevices().value() - 1}
   * @return the status and the GPU's 64-bit unique id
   */
  Reading devUniqueId(int index);

  /**
   * {@code rsmi_dev_pci_id_get}: the BDFID.
   *
   * @param index the device index, 0 to {@code numMonitorDevices().value() - 1}
   * @return the status and the BDFID: domain in bits 32–63, bus 8–15, device 3–7, function 0–2
   */
  Reading devPciId(int index);

  /**
   * {@code rsmi_dev_memory_total_get} of {@code RSMI_MEM_TYPE_VRAM}, bytes.
   *
   * @param index the device index, 0 to {@code numMonitorDevices().value() - 1}
   * @return the status and the VRAM size, bytes
   */
  Reading devMemoryTotal(int index);

  /**
   * {@code rsmi_dev_memory_usage_get} of {@code RSMI_MEM_TYPE_VRAM}, bytes.
   *
   * @param index the device index, 0 to {@code numMonitorDevices().value() - 1}
   * @return the status and the VRAM in use, bytes
   */
  Reading devMemoryUsage(int index);

  /**
   * {@code rsmi_dev_busy_percent_get}, percent.
   *
   * @param index the device index, 0 to {@code numMonitorDevices().value() - 1}
   * @return the status and the time the GPU was busy, percent, 0–100
   */
  Reading devBusyPercent(int index);

  /**
   * {@code rsmi_dev_temp_metric_get} of {@code RSMI_TEMP_CURRENT}, millidegrees Celsius (signed).
   *
   * @param index the device index, 0 to {@code numMonitorDevices().value() - 1}
   * @param sensorType {@link #TEMP_TYPE_EDGE} or {@link #TEMP_TYPE_JUNCTION}
   * @return the status and the temperature, thousandths of a °C
   */
  Reading devTempMetric(int index, int sensorType);

  /**
   * {@code rsmi_dev_power_ave_get}, microwatts.
   *
   * @param index the device index, 0 to {@code numMonitorDevices().value() - 1}
   * @param sensor the power sensor; 0, the only one most boards have
   * @return the status and the average power draw, microwatts
   */
  Reading devPowerAve(int index, int sensor);

  /**
   * {@code rsmi_version_str_get}, with a 256-byte buffer, decoded as UTF-8.
   *
   * @param component {@link #SW_COMP_DRIVER}
   * @return the status and the version text, e.g. the amdgpu driver version
   */
  Text versionStr(int component);

  /**
   * {@code rsmi_dev_target_graphics_version_get} (ROCm 6.x): the digits of the gfx name.
   *
   * @param index the device index, 0 to {@code numMonitorDevices().value() - 1}
   * @return the status and ROCm SMI's number for the target: 942 for {@code gfx942}, 9010 for
   *     {@code gfx90a}, 11000 for {@code gfx1100}; {@code UINT64_MAX} (-1 here) when unsupported
   */
  Reading devTargetGraphicsVersion(int index);

  /**
   * {@code rsmi_compute_process_info_get} with no buffer: how many processes there are.
   *
   * @return the status and the number of processes using a GPU
   */
  Reading computeProcessCount();

  /**
   * {@code rsmi_compute_process_info_get} into room for {@code capacity} entries: their pids. A
   * status of {@code RSMI_STATUS_INSUFFICIENT_SIZE} says more processes appeared.
   *
   * @param capacity entries to make room for, at least 1
   * @return the status and the process ids written
   */
  Listing computeProcessIds(int capacity);

  /**
   * {@code rsmi_compute_process_gpus_get}: the device indices {@code pid} uses, at most capacity.
   *
   * @param pid an operating-system process id from {@link #computeProcessIds}
   * @param capacity entries to make room for, at least 1
   * @return the status and the device indices
   */
  Listing computeProcessGpus(long pid, int capacity);

  /**
   * {@code rsmi_compute_process_info_by_device_get}: VRAM bytes of {@code pid} on one device.
   *
   * @param pid an operating-system process id
   * @param index the device index, 0 to {@code numMonitorDevices().value() - 1}
   * @return the status and the VRAM the process holds on that device, bytes
   */
  Reading computeProcessVramOnDevice(long pid, int index);

  /**
   * {@code rsmi_compute_process_info_by_pid_get}: VRAM bytes of {@code pid} summed over GPUs.
   *
   * @param pid an operating-system process id
   * @return the status and the VRAM the process holds on all GPUs, bytes
   */
  Reading computeProcessVram(long pid);
}
