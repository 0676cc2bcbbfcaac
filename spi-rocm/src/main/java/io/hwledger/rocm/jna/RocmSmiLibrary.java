package io.hwledger.rocm.jna;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The ROCm SMI functions hwLedger calls ({@code rocm_smi/rocm_smi.h}), by their exported names.
 * Every function returns an {@code rsmi_status_t}; {@code uint32_t} values arrive as Java {@code
 * int} and {@code uint64_t} as {@code long} (widen with {@link Integer#toUnsignedLong}). {@code
 * size_t} is {@link NativeLong}: ROCm is Linux-only (LP64). Only {@link JnaRocmSmi} calls it; the
 * enum values a caller chooses are in {@link io.hwledger.rocm.RocmSmiApi}.
 */
interface RocmSmiLibrary extends Library {
  /** {@code RSMI_MEM_TYPE_VRAM} in {@code rsmi_memory_type_t}. */
  int RSMI_MEM_TYPE_VRAM = 0;

  /** {@code RSMI_TEMP_CURRENT} in {@code rsmi_temperature_metric_t}. */
  int RSMI_TEMP_CURRENT = 0;

  /**
   * {@code sizeof(rsmi_process_info_t)} in {@code long}s: {@code {uint32_t process_id; uint32_t
   * pasid; uint64_t vram_usage; uint64_t sdma_usage; uint32_t cu_occupancy;}} is 32 bytes on LP64
   * (4 bytes of tail padding). Little-endian, so {@code [0]} holds {@code process_id} in its low 32
   * bits and {@code [1]} is {@code vram_usage} (bytes).
   */
  int PROCESS_INFO_LONGS = 4;

  /** {@code rsmi_status_t rsmi_init(uint64_t init_flags)}. */
  int rsmi_init(long initFlags);

  /** {@code rsmi_status_t rsmi_shut_down(void)}. */
  int rsmi_shut_down();

  /** {@code rsmi_status_t rsmi_num_monitor_devices(uint32_t *num_devices)}. */
  int rsmi_num_monitor_devices(IntByReference numDevices);

  /** {@code rsmi_status_t rsmi_dev_name_get(uint32_t dv_ind, char *name, size_t len)}. */
  int rsmi_dev_name_get(int dvInd, byte[] name, NativeLong len);

  /** {@code rsmi_status_t rsmi_dev_unique_id_get(uint32_t dv_ind, uint64_t *id)}. */
  int rsmi_dev_unique_id_get(int dvInd, LongByReference id);

  /** {@code rsmi_status_t rsmi_dev_pci_id_get(uint32_t dv_ind, uint64_t *bdfid)}. */
  int rsmi_dev_pci_id_get(int dvInd, LongByReference bdfid);

  /** {@code rsmi_dev_memory_total_get(uint32_t, rsmi_memory_type_t, uint64_t *total)}, bytes. */
  int rsmi_dev_memory_total_get(int dvInd, int memType, LongByReference total);

  /** {@code rsmi_dev_memory_usage_get(uint32_t, rsmi_memory_type_t, uint64_t *used)}, bytes. */
  int rsmi_dev_memory_usage_get(int dvInd, int memType, LongByReference used);

  /** {@code rsmi_dev_busy_percent_get(uint32_t dv_ind, uint32_t *busy_percent)}. */
  int rsmi_dev_busy_percent_get(int dvInd, IntByReference busyPercent);

  /**
   * {@code rsmi_dev_temp_metric_get(uint32_t dv_ind, uint32_t sensor_type,
   * rsmi_temperature_metric_t metric, int64_t *temperature)}, millidegrees Celsius.
   */
  int rsmi_dev_temp_metric_get(int dvInd, int sensorType, int metric, LongByReference temperature);

  /** {@code rsmi_dev_power_ave_get(uint32_t dv_ind, uint32_t sensor_ind, uint64_t *power)}, µW. */
  int rsmi_dev_power_ave_get(int dvInd, int sensorInd, LongByReference power);

  /**
   * {@code rsmi_version_str_get(rsmi_sw_component_t component, char *ver_str, uint32_t len)}: the
   * content of {@code /sys/module/amdgpu/version}, else the kernel's {@code uname} release.
   */
  int rsmi_version_str_get(int component, byte[] verStr, int len);

  /**
   * {@code rsmi_dev_target_graphics_version_get(uint32_t dv_ind, uint64_t *gfx_version)} (ROCm 6.x;
   * absent from older libraries): the digits of the gfx name, {@code UINT64_MAX} when not
   * supported.
   */
  int rsmi_dev_target_graphics_version_get(int dvInd, LongByReference gfxVersion);

  /**
   * {@code rsmi_compute_process_info_get(rsmi_process_info_t *procs, uint32_t *num_items)}: {@code
   * procs} holds {@link #PROCESS_INFO_LONGS} longs per entry, or is null to count; {@code numItems}
   * is one {@code uint32_t}.
   */
  int rsmi_compute_process_info_get(long[] procs, int[] numItems);

  /**
   * {@code rsmi_compute_process_info_by_pid_get(uint32_t pid, rsmi_process_info_t *proc)}: VRAM
   * summed over all GPUs.
   */
  int rsmi_compute_process_info_by_pid_get(int pid, long[] proc);

  /**
   * {@code rsmi_compute_process_gpus_get(uint32_t pid, uint32_t *dv_indices, uint32_t
   * *num_devices)}.
   */
  int rsmi_compute_process_gpus_get(int pid, int[] dvIndices, int[] numDevices);

  /**
   * {@code rsmi_compute_process_info_by_device_get(uint32_t pid, uint32_t dv_ind,
   * rsmi_process_info_t *proc)}: VRAM on one GPU (absent from older libraries).
   */
  int rsmi_compute_process_info_by_device_get(int pid, int dvInd, long[] proc);

  /** {@code rsmi_status_string(rsmi_status_t status, const char **status_string)}. */
  int rsmi_status_string(int status, PointerByReference statusString);
}
