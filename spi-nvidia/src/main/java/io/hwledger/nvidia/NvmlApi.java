package io.hwledger.nvidia;

import java.util.List;

/**
 * The NVML calls this backend makes, in plain Java: one method per NVML function, devices named by
 * their NVML index, unsigned values already widened, and every non-success return code thrown as
 * {@link NvmlCallException}. The JNA implementation lives in {@code io.hwledger.nvidia.jna}.
 *
 * <p>Return codes (from {@code nvml.h}): 0 success, 1 uninitialised, 2 invalid argument, 3 not
 * supported, 7 insufficient size, 9 driver not loaded, 12 library not found, 13 function not found,
 * 15 GPU lost, 25 argument version mismatch, 999 unknown.
 */
public interface NvmlApi {

  /** {@code NVML_SUCCESS}. */
  int SUCCESS = 0;

  /** {@code NVML_ERROR_UNINITIALIZED}. */
  int ERROR_UNINITIALIZED = 1;

  /** {@code NVML_ERROR_NOT_SUPPORTED}. */
  int ERROR_NOT_SUPPORTED = 3;

  /** {@code NVML_ERROR_INSUFFICIENT_SIZE}. */
  int ERROR_INSUFFICIENT_SIZE = 7;

  /** {@code NVML_ERROR_DRIVER_NOT_LOADED}. */
  int ERROR_DRIVER_NOT_LOADED = 9;

  /** {@code NVML_ERROR_LIBRARY_NOT_FOUND}. */
  int ERROR_LIBRARY_NOT_FOUND = 12;

  /** {@code NVML_ERROR_FUNCTION_NOT_FOUND}; also used for a symbol the library does not export. */
  int ERROR_FUNCTION_NOT_FOUND = 13;

  /** {@code NVML_ERROR_GPU_IS_LOST}. */
  int ERROR_GPU_IS_LOST = 15;

  /** {@code NVML_ERROR_ARGUMENT_VERSION_MISMATCH}. */
  int ERROR_ARGUMENT_VERSION_MISMATCH = 25;

  /** {@code NVML_ERROR_UNKNOWN}. */
  int ERROR_UNKNOWN = 999;

  /** {@code NVML_CLOCK_GRAPHICS}. */
  int CLOCK_GRAPHICS = 0;

  /** {@code NVML_CLOCK_MEM}. */
  int CLOCK_MEM = 2;

  /**
   * The library this instance was loaded from, as it was named in the lookup.
   *
   * @return the name or path, e.g. {@code libnvidia-ml.so.1}
   */
  String library();

  /**
   * {@code nvmlInit_v2}.
   *
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  void init() throws NvmlCallException;

  /**
   * {@code nvmlShutdown}.
   *
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  void shutdown() throws NvmlCallException;

  /**
   * {@code nvmlErrorString}; a generic text if the library cannot say.
   *
   * @param code an {@code nvmlReturn_t} value
   * @return NVML's description, or {@code NVML error <code>}
   */
  String errorString(int code);

  /**
   * {@code nvmlSystemGetDriverVersion}.
   *
   * @return the driver version, e.g. {@code 550.54.15}
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  String driverVersion() throws NvmlCallException;

  /**
   * {@code nvmlDeviceGetCount_v2}.
   *
   * @return the number of devices NVML sees, including ones this process may not use
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  int deviceCount() throws NvmlCallException;

  /**
   * {@code nvmlDeviceGetName}.
   *
   * @param index the NVML device index, 0 to {@code deviceCount() - 1}
   * @return the product name, e.g. {@code NVIDIA H100 80GB HBM3}
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  String name(int index) throws NvmlCallException;

  /**
   * {@code nvmlDeviceGetUUID}.
   *
   * @param index the NVML device index, 0 to {@code deviceCount() - 1}
   * @return the UUID, {@code GPU-} and 32 hex digits with dashes
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  String uuid(int index) throws NvmlCallException;

  /**
   * The {@code busId} field of {@code nvmlDeviceGetPciInfo_v3}, e.g. {@code 00000000:1B:00.0}.
   *
   * @param index the NVML device index, 0 to {@code deviceCount() - 1}
   * @return the PCI bus id as NVML writes it (8-digit domain)
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  String pciBusId(int index) throws NvmlCallException;

  /**
   * {@code nvmlDeviceGetMemoryInfo_v2}: {@code used} excludes driver-reserved memory.
   *
   * @param index the NVML device index, 0 to {@code deviceCount() - 1}
   * @return total, reserved, free and used memory, bytes
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  MemoryV2 memoryV2(int index) throws NvmlCallException;

  /**
   * {@code nvmlDeviceGetMemoryInfo} (v1): {@code used} includes driver-reserved memory.
   *
   * @param index the NVML device index, 0 to {@code deviceCount() - 1}
   * @return total, free and used memory, bytes
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  MemoryV1 memoryV1(int index) throws NvmlCallException;

  /**
   * {@code nvmlDeviceGetUtilizationRates}.
   *
   * @param index the NVML device index, 0 to {@code deviceCount() - 1}
   * @return GPU and memory utilisation, percent
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  Utilization utilization(int index) throws NvmlCallException;

  /**
   * {@code nvmlDeviceGetTemperature} with sensor {@code NVML_TEMPERATURE_GPU} (0), °C.
   *
   * @param index the NVML device index, 0 to {@code deviceCount() - 1}
   * @return the GPU die temperature, °C
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  long temperatureC(int index) throws NvmlCallException;

  /**
   * {@code nvmlDeviceGetPowerUsage}, milliwatts.
   *
   * @param index the NVML device index, 0 to {@code deviceCount() - 1}
   * @return power draw of the GPU and its memory, milliwatts
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  long powerMilliwatts(int index) throws NvmlCallException;

  /**
   * {@code nvmlDeviceGetClockInfo}, MHz; {@code clockType} is {@link #CLOCK_GRAPHICS} etc.
   *
   * @param index the NVML device index, 0 to {@code deviceCount() - 1}
   * @param clockType {@link #CLOCK_GRAPHICS} or {@link #CLOCK_MEM}
   * @return the current clock, MHz
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  long clockMhz(int index, int clockType) throws NvmlCallException;

  /**
   * {@code nvmlDeviceGetCudaComputeCapability}.
   *
   * @param index the NVML device index, 0 to {@code deviceCount() - 1}
   * @return the CUDA compute capability, e.g. 9.0 for Hopper
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  ComputeCapability computeCapability(int index) throws NvmlCallException;

  /**
   * {@code nvmlDeviceGetComputeRunningProcesses}, the unsuffixed (v1) export whose entries are
   * {@code nvmlProcessInfo_v1_t {unsigned int pid; unsigned long long usedGpuMemory}}. Newer
   * headers redefine the name to {@code _v2}/{@code _v3} with larger entries; drivers keep
   * exporting the v1 symbol, so this binding calls it by its exported name.
   *
   * @param index the NVML device index, 0 to {@code deviceCount() - 1}
   * @return one entry per process with a compute context on the device, possibly none
   * @throws NvmlCallException if NVML returns anything but {@code NVML_SUCCESS}
   */
  List<ProcessEntry> computeProcesses(int index) throws NvmlCallException;

  /**
   * {@code nvmlMemory_v2_t}, bytes.
   *
   * @param total device memory, bytes
   * @param reserved memory the driver reserves for itself, bytes
   * @param free memory available for allocations, bytes
   * @param used memory allocated, bytes, not counting {@code reserved}
   */
  record MemoryV2(long total, long reserved, long free, long used) {}

  /**
   * {@code nvmlMemory_t}, bytes; {@code used} includes reserved memory.
   *
   * @param total device memory, bytes
   * @param free memory available for allocations, bytes
   * @param used memory allocated plus driver-reserved memory, bytes
   */
  record MemoryV1(long total, long free, long used) {}

  /**
   * {@code nvmlUtilization_t}, percent over the driver's last sample period (1/6 s to 1 s).
   *
   * @param gpu percent of the time one or more kernels ran, 0–100
   * @param memory percent of the time device memory was read or written, 0–100
   */
  record Utilization(long gpu, long memory) {}

  /**
   * CUDA compute capability.
   *
   * @param major the major version, e.g. 9 for Hopper ({@code sm_90})
   * @param minor the minor version
   */
  record ComputeCapability(int major, int minor) {}

  /**
   * One running compute process.
   *
   * @param pid the process id
   * @param usedGpuMemory bytes, or {@code -1} ({@code NVML_VALUE_NOT_AVAILABLE}, all bits set) when
   *     the driver cannot say (e.g. under WDDM or without permission)
   */
  record ProcessEntry(long pid, long usedGpuMemory) {}
}
