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

  int nvmlInit_v2();

  int nvmlShutdown();

  String nvmlErrorString(int result);

  int nvmlSystemGetDriverVersion(byte[] version, int length);

  int nvmlDeviceGetCount_v2(IntByReference deviceCount);

  int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

  int nvmlDeviceGetName(Pointer device, byte[] name, int length);

  int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

  int nvmlDeviceGetPciInfo_v3(Pointer device, NvmlPciInfo pci);

  int nvmlDeviceGetMemoryInfo_v2(Pointer device, long[] memory);

  int nvmlDeviceGetMemoryInfo(Pointer device, long[] memory);

  int nvmlDeviceGetUtilizationRates(Pointer device, int[] utilization);

  int nvmlDeviceGetTemperature(Pointer device, int sensorType, int[] temp);

  int nvmlDeviceGetPowerUsage(Pointer device, int[] power);

  int nvmlDeviceGetClockInfo(Pointer device, int type, int[] clock);

  int nvmlDeviceGetCudaComputeCapability(
      Pointer device, IntByReference major, IntByReference minor);

  /** The v1 export: {@code infos} is an array of {@link NvmlProcessInfoV1}, or null to count. */
  int nvmlDeviceGetComputeRunningProcesses(Pointer device, int[] infoCount, long[] infos);

  /** {@code nvmlMemory_t}: total, free, used; used includes driver-reserved memory. */
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
    public byte[] busIdLegacy = new byte[16];
    public int domain;
    public int bus;
    public int device;
    public int pciDeviceId;
    public int pciSubSystemId;
    public byte[] busId = new byte[32];
  }
}
