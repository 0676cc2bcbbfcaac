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
 * size_t} is {@link NativeLong}: ROCm is Linux-only (LP64).
 */
public interface RocmSmiLibrary extends Library {
  /** {@code RSMI_MEM_TYPE_VRAM} in {@code rsmi_memory_type_t}. */
  int RSMI_MEM_TYPE_VRAM = 0;

  /** {@code RSMI_TEMP_TYPE_EDGE} in {@code rsmi_temperature_type_t}. */
  int RSMI_TEMP_TYPE_EDGE = 0;

  /** {@code RSMI_TEMP_TYPE_JUNCTION} in {@code rsmi_temperature_type_t}. */
  int RSMI_TEMP_TYPE_JUNCTION = 1;

  /** {@code RSMI_TEMP_CURRENT} in {@code rsmi_temperature_metric_t}. */
  int RSMI_TEMP_CURRENT = 0;

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

  /** {@code rsmi_status_string(rsmi_status_t status, const char **status_string)}. */
  int rsmi_status_string(int status, PointerByReference statusString);
}
