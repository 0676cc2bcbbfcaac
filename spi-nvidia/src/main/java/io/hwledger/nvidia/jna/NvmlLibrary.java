package io.hwledger.nvidia.jna;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The NVML functions this backend calls, under their exported names (from {@code nvml.h}). Every
 * function returns an {@code nvmlReturn_t}; {@code unsigned int} out-values arrive as Java {@code
 * int} and must be widened with {@link Integer#toUnsignedLong}. JNA resolves each function on its
 * first call, so a symbol an older driver lacks throws {@link UnsatisfiedLinkError} then, not when
 * the library loads.
 */
public interface NvmlLibrary extends Library {

  /** {@code NVML_DEVICE_NAME_V2_BUFFER_SIZE}. */
  int NAME_BUFFER_SIZE = 96;

  /** {@code NVML_DEVICE_UUID_V2_BUFFER_SIZE}. */
  int UUID_BUFFER_SIZE = 96;

  /** {@code NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE}. */
  int DRIVER_VERSION_BUFFER_SIZE = 80;

  /** {@code nvmlMemory_v2} = {@code sizeof(nvmlMemory_v2_t) | 2 << 24}. */
  int MEMORY_V2_VERSION = 0x02000028;

  /**
   * {@code nvmlInit_v2}: initialises NVML; pair each call with {@link #nvmlShutdown}.
   *
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlInit_v2();

  /**
   * {@code nvmlShutdown}: releases what the matching init acquired.
   *
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlShutdown();

  /**
   * {@code nvmlErrorString}.
   *
   * @param result an {@code nvmlReturn_t}
   * @return NVML's static description of it
   */
  String nvmlErrorString(int result);

  /**
   * {@code nvmlSystemGetDriverVersion}.
   *
   * @param version receives the NUL-terminated version
   * @param length {@code version.length}, at least {@link #DRIVER_VERSION_BUFFER_SIZE}
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlSystemGetDriverVersion(byte[] version, int length);

  /**
   * {@code nvmlDeviceGetCount_v2}.
   *
   * @param deviceCount receives the number of devices (unsigned)
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlDeviceGetCount_v2(IntByReference deviceCount);

  /**
   * {@code nvmlDeviceGetHandleByIndex_v2}; the handle is valid until {@link #nvmlShutdown}.
   *
   * @param index the device index, 0 to count - 1
   * @param device receives the device handle
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

  /**
   * {@code nvmlDeviceGetName}.
   *
   * @param device a handle from {@link #nvmlDeviceGetHandleByIndex_v2}
   * @param name receives the NUL-terminated product name
   * @param length {@code name.length}, at least {@link #NAME_BUFFER_SIZE}
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlDeviceGetName(Pointer device, byte[] name, int length);

  /**
   * {@code nvmlDeviceGetUUID}.
   *
   * @param device a handle from {@link #nvmlDeviceGetHandleByIndex_v2}
   * @param uuid receives the NUL-terminated UUID
   * @param length {@code uuid.length}, at least {@link #UUID_BUFFER_SIZE}
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

  /**
   * {@code nvmlDeviceGetPciInfo_v3}.
   *
   * @param device a handle from {@link #nvmlDeviceGetHandleByIndex_v2}
   * @param pci receives {@code nvmlPciInfo_t}
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlDeviceGetPciInfo_v3(Pointer device, NvmlPciInfo pci);

  /**
   * {@code nvmlDeviceGetMemoryInfo_v2}.
   *
   * @param device a handle from {@link #nvmlDeviceGetHandleByIndex_v2}
   * @param memory {@code nvmlMemory_v2_t} as five longs: the version ({@link #MEMORY_V2_VERSION})
   *     in the first one's low half, then total, reserved, free and used bytes
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlDeviceGetMemoryInfo_v2(Pointer device, long[] memory);

  /**
   * {@code nvmlDeviceGetMemoryInfo} (v1).
   *
   * @param device a handle from {@link #nvmlDeviceGetHandleByIndex_v2}
   * @param memory receives {@code nvmlMemory_t}: total, free and used bytes, used including
   *     driver-reserved memory
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlDeviceGetMemoryInfo(Pointer device, long[] memory);

  /**
   * {@code nvmlDeviceGetUtilizationRates}.
   *
   * @param device a handle from {@link #nvmlDeviceGetHandleByIndex_v2}
   * @param utilization receives {@code nvmlUtilization_t}: GPU and memory percent (unsigned)
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlDeviceGetUtilizationRates(Pointer device, int[] utilization);

  /**
   * {@code nvmlDeviceGetTemperature}.
   *
   * @param device a handle from {@link #nvmlDeviceGetHandleByIndex_v2}
   * @param sensorType 0, {@code NVML_TEMPERATURE_GPU}
   * @param temp receives the temperature, °C (unsigned)
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlDeviceGetTemperature(Pointer device, int sensorType, int[] temp);

  /**
   * {@code nvmlDeviceGetPowerUsage}.
   *
   * @param device a handle from {@link #nvmlDeviceGetHandleByIndex_v2}
   * @param power receives the power draw, milliwatts (unsigned)
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlDeviceGetPowerUsage(Pointer device, int[] power);

  /**
   * {@code nvmlDeviceGetClockInfo}.
   *
   * @param device a handle from {@link #nvmlDeviceGetHandleByIndex_v2}
   * @param type an {@code nvmlClockType_t}, e.g. 0 graphics, 2 memory
   * @param clock receives the clock, MHz (unsigned)
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlDeviceGetClockInfo(Pointer device, int type, int[] clock);

  /**
   * {@code nvmlDeviceGetCudaComputeCapability}.
   *
   * @param device a handle from {@link #nvmlDeviceGetHandleByIndex_v2}
   * @param major receives the major version
   * @param minor receives the minor version
   * @return an {@code nvmlReturn_t}, 0 on success
   */
  int nvmlDeviceGetCudaComputeCapability(
      Pointer device, IntByReference major, IntByReference minor);

  /**
   * {@code nvmlDeviceGetComputeRunningProcesses}, the v1 export.
   *
   * @param device a handle from {@link #nvmlDeviceGetHandleByIndex_v2}
   * @param infoCount in: the capacity of {@code infos} in entries; out: the number of processes
   * @param infos {@code nvmlProcessInfo_v1_t} entries as pairs of longs (pid in the first one's low
   *     half, then used bytes), or null to ask for the count only
   * @return an {@code nvmlReturn_t}: 0, or 7 ({@code INSUFFICIENT_SIZE}) when {@code infos} is too
   *     small
   */
  int nvmlDeviceGetComputeRunningProcesses(Pointer device, int[] infoCount, long[] infos);

  /** {@code nvmlPciInfo_t} (v3): the PCI location of a device. */
  @Structure.FieldOrder({
    "busIdLegacy",
    "domain",
    "bus",
    "device",
    "pciDeviceId",
    "pciSubSystemId",
    "busId"
  })
  final class NvmlPciInfo extends Structure {
    /** The bus id in the old 16-byte form ({@code NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE}). */
    public byte[] busIdLegacy = new byte[16];

    /** PCI domain, 0 to 0xffffffff (unsigned). */
    public int domain;

    /** PCI bus, 0 to 0xff. */
    public int bus;

    /** PCI device, 0 to 0x1f. */
    public int device;

    /** Device id in the high 16 bits, vendor id in the low 16 (unsigned). */
    public int pciDeviceId;

    /** Sub-system id (unsigned). */
    public int pciSubSystemId;

    /**
     * NUL-terminated bus id, {@code domain:bus:device.function} in hex, e.g. {@code
     * 00000000:1B:00.0}.
     */
    public byte[] busId = new byte[32];
  }
}
