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

  /** The library this instance was loaded from, as it was named in the lookup. */
  String library();

  /** {@code nvmlInit_v2}. */
  void init() throws NvmlCallException;

  /** {@code nvmlShutdown}. */
  void shutdown() throws NvmlCallException;

  /** {@code nvmlErrorString}; a generic text if the library cannot say. */
  String errorString(int code);

  /** {@code nvmlSystemGetDriverVersion}. */
  String driverVersion() throws NvmlCallException;

  /** {@code nvmlDeviceGetCount_v2}. */
  int deviceCount() throws NvmlCallException;

  /** {@code nvmlDeviceGetName}. */
  String name(int index) throws NvmlCallException;

  /** {@code nvmlDeviceGetUUID}. */
  String uuid(int index) throws NvmlCallException;

  /** The {@code busId} field of {@code nvmlDeviceGetPciInfo_v3}, e.g. {@code 00000000:1B:00.0}. */
  String pciBusId(int index) throws NvmlCallException;

  /** {@code nvmlDeviceGetMemoryInfo_v2}: {@code used} excludes driver-reserved memory. */
  MemoryV2 memoryV2(int index) throws NvmlCallException;

  /** {@code nvmlDeviceGetMemoryInfo} (v1): {@code used} includes driver-reserved memory. */
  MemoryV1 memoryV1(int index) throws NvmlCallException;

  /** {@code nvmlDeviceGetUtilizationRates}. */
  Utilization utilization(int index) throws NvmlCallException;

  /** {@code nvmlDeviceGetTemperature} with sensor {@code NVML_TEMPERATURE_GPU} (0), °C. */
  long temperatureC(int index) throws NvmlCallException;

  /** {@code nvmlDeviceGetPowerUsage}, milliwatts. */
  long powerMilliwatts(int index) throws NvmlCallException;

  /** {@code nvmlDeviceGetClockInfo}, MHz; {@code clockType} is {@link #CLOCK_GRAPHICS} etc. */
  long clockMhz(int index, int clockType) throws NvmlCallException;

  /** {@code nvmlDeviceGetCudaComputeCapability}. */
  ComputeCapability computeCapability(int index) throws NvmlCallException;

  /**
   * {@code nvmlDeviceGetComputeRunningProcesses}, the unsuffixed (v1) export whose entries are
   * {@code nvmlProcessInfo_v1_t {unsigned int pid; unsigned long long usedGpuMemory}}. Newer
   * headers redefine the name to {@code _v2}/{@code _v3} with larger entries; drivers keep
   * exporting the v1 symbol, so this binding calls it by its exported name.
   */
  List<ProcessEntry> computeProcesses(int index) throws NvmlCallException;

  /** {@code nvmlMemory_v2_t}, bytes. */
  record MemoryV2(long total, long reserved, long free, long used) {}

  /** {@code nvmlMemory_t}, bytes; {@code used} includes reserved memory. */
  record MemoryV1(long total, long free, long used) {}

  /** {@code nvmlUtilization_t}, percent. */
  record Utilization(long gpu, long memory) {}

  /** CUDA compute capability. */
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
