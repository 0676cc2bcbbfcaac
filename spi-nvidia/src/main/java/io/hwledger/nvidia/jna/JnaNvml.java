package io.hwledger.nvidia.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.hwledger.nvidia.NvmlApi;
import io.hwledger.nvidia.NvmlCallException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link NvmlApi} over {@link NvmlLibrary}. Device handles are looked up once per index and kept
 * until {@code nvmlShutdown} (or the next {@code nvmlInit_v2}), so none outlives the init/shutdown
 * scope; a sample then costs one native call per metric instead of two. A missing symbol ({@link
 * UnsatisfiedLinkError} on first call) becomes {@link NvmlApi#ERROR_FUNCTION_NOT_FOUND}.
 * Thread-safe.
 */
final class JnaNvml implements NvmlApi {

  private static final int PROCESS_RETRIES = 4;

  private final NvmlLibrary lib;
  private final String library;
  private final java.util.concurrent.ConcurrentHashMap<Integer, Pointer> handles =
      new java.util.concurrent.ConcurrentHashMap<>();

  JnaNvml(NvmlLibrary lib, String library) {
    this.lib = lib;
    this.library = library;
  }

  @FunctionalInterface
  private interface NativeCall {
    int call();
  }

  private static void check(String function, NativeCall call) throws NvmlCallException {
    int rc;
    try {
      rc = call.call();
    } catch (UnsatisfiedLinkError e) {
      throw new NvmlCallException(function, ERROR_FUNCTION_NOT_FOUND, e);
    }
    if (rc != SUCCESS) {
      throw new NvmlCallException(function, rc);
    }
  }

  private Pointer handle(int index) throws NvmlCallException {
    Pointer cached = handles.get(index);
    if (cached != null) {
      return cached;
    }
    PointerByReference ref = new PointerByReference();
    check("nvmlDeviceGetHandleByIndex_v2", () -> lib.nvmlDeviceGetHandleByIndex_v2(index, ref));
    Pointer handle = ref.getValue();
    handles.put(index, handle);
    return handle;
  }

  private static String string(byte[] buffer) {
    return Native.toString(buffer, StandardCharsets.UTF_8.name()).strip();
  }

  @Override
  public String library() {
    return library;
  }

  @Override
  public void init() throws NvmlCallException {
    handles.clear();
    check("nvmlInit_v2", lib::nvmlInit_v2);
  }

  @Override
  public void shutdown() throws NvmlCallException {
    handles.clear();
    check("nvmlShutdown", lib::nvmlShutdown);
  }

  @Override
  public String errorString(int code) {
    try {
      String text = lib.nvmlErrorString(code);
      return text == null ? "NVML error " + code : text;
    } catch (UnsatisfiedLinkError e) {
      return "NVML error " + code;
    }
  }

  @Override
  public String driverVersion() throws NvmlCallException {
    byte[] buffer = new byte[NvmlLibrary.DRIVER_VERSION_BUFFER_SIZE];
    check(
        "nvmlSystemGetDriverVersion", () -> lib.nvmlSystemGetDriverVersion(buffer, buffer.length));
    return string(buffer);
  }

  @Override
  public int deviceCount() throws NvmlCallException {
    IntByReference count = new IntByReference();
    check("nvmlDeviceGetCount_v2", () -> lib.nvmlDeviceGetCount_v2(count));
    return count.getValue();
  }

  @Override
  public String name(int index) throws NvmlCallException {
    Pointer device = handle(index);
    byte[] buffer = new byte[NvmlLibrary.NAME_BUFFER_SIZE];
    check("nvmlDeviceGetName", () -> lib.nvmlDeviceGetName(device, buffer, buffer.length));
    return string(buffer);
  }

  @Override
  public String uuid(int index) throws NvmlCallException {
    Pointer device = handle(index);
    byte[] buffer = new byte[NvmlLibrary.UUID_BUFFER_SIZE];
    check("nvmlDeviceGetUUID", () -> lib.nvmlDeviceGetUUID(device, buffer, buffer.length));
    return string(buffer);
  }

  @Override
  public String pciBusId(int index) throws NvmlCallException {
    Pointer device = handle(index);
    NvmlLibrary.NvmlPciInfo pci = new NvmlLibrary.NvmlPciInfo();
    check("nvmlDeviceGetPciInfo_v3", () -> lib.nvmlDeviceGetPciInfo_v3(device, pci));
    return string(pci.busId);
  }

  @Override
  public MemoryV2 memoryV2(int index) throws NvmlCallException {
    Pointer device = handle(index);
    // nvmlMemory_v2_t {u32 version; (4 bytes padding) u64 total, reserved, free, used} as five
    // longs: on the little-endian platforms NVML exists for, the version is long 0's low half.
    long[] memory = {Integer.toUnsignedLong(NvmlLibrary.MEMORY_V2_VERSION), 0, 0, 0, 0};
    check("nvmlDeviceGetMemoryInfo_v2", () -> lib.nvmlDeviceGetMemoryInfo_v2(device, memory));
    return new MemoryV2(memory[1], memory[2], memory[3], memory[4]);
  }

  @Override
  public MemoryV1 memoryV1(int index) throws NvmlCallException {
    Pointer device = handle(index);
    long[] memory = new long[3]; // nvmlMemory_t {u64 total, free, used}
    check("nvmlDeviceGetMemoryInfo", () -> lib.nvmlDeviceGetMemoryInfo(device, memory));
    return new MemoryV1(memory[0], memory[1], memory[2]);
  }

  @Override
  public Utilization utilization(int index) throws NvmlCallException {
    Pointer device = handle(index);
    int[] utilization = new int[2]; // nvmlUtilization_t {u32 gpu, memory}
    check(
        "nvmlDeviceGetUtilizationRates",
        () -> lib.nvmlDeviceGetUtilizationRates(device, utilization));
    return new Utilization(
        Integer.toUnsignedLong(utilization[0]), Integer.toUnsignedLong(utilization[1]));
  }

  @Override
  public long temperatureC(int index) throws NvmlCallException {
    Pointer device = handle(index);
    int[] value = new int[1];
    check("nvmlDeviceGetTemperature", () -> lib.nvmlDeviceGetTemperature(device, 0, value));
    return Integer.toUnsignedLong(value[0]);
  }

  @Override
  public long powerMilliwatts(int index) throws NvmlCallException {
    Pointer device = handle(index);
    int[] value = new int[1];
    check("nvmlDeviceGetPowerUsage", () -> lib.nvmlDeviceGetPowerUsage(device, value));
    return Integer.toUnsignedLong(value[0]);
  }

  @Override
  public long clockMhz(int index, int clockType) throws NvmlCallException {
    Pointer device = handle(index);
    int[] value = new int[1];
    check("nvmlDeviceGetClockInfo", () -> lib.nvmlDeviceGetClockInfo(device, clockType, value));
    return Integer.toUnsignedLong(value[0]);
  }

  @Override
  public ComputeCapability computeCapability(int index) throws NvmlCallException {
    Pointer device = handle(index);
    IntByReference major = new IntByReference();
    IntByReference minor = new IntByReference();
    check(
        "nvmlDeviceGetCudaComputeCapability",
        () -> lib.nvmlDeviceGetCudaComputeCapability(device, major, minor));
    return new ComputeCapability(major.getValue(), minor.getValue());
  }

  @Override
  public List<ProcessEntry> computeProcesses(int index) throws NvmlCallException {
    String function = "nvmlDeviceGetComputeRunningProcesses";
    Pointer device = handle(index);
    int[] count = {0};
    int rc;
    try {
      rc = lib.nvmlDeviceGetComputeRunningProcesses(device, count, null);
      for (int attempt = 0; rc == ERROR_INSUFFICIENT_SIZE && attempt < PROCESS_RETRIES; attempt++) {
        // Processes may start between the two calls: leave room for a few more.
        int capacity = count[0] + 4;
        // nvmlProcessInfo_v1_t {u32 pid; (4 bytes padding) u64 usedGpuMemory}: two longs each,
        // the pid in the first one's low half on the little-endian platforms NVML exists for.
        long[] infos = new long[2 * capacity];
        count[0] = capacity;
        rc = lib.nvmlDeviceGetComputeRunningProcesses(device, count, infos);
        if (rc == SUCCESS) {
          List<ProcessEntry> processes = new ArrayList<>(count[0]);
          for (int i = 0; i < count[0]; i++) {
            processes.add(new ProcessEntry(infos[2 * i] & 0xffffffffL, infos[2 * i + 1]));
          }
          return List.copyOf(processes);
        }
      }
    } catch (UnsatisfiedLinkError e) {
      throw new NvmlCallException(function, ERROR_FUNCTION_NOT_FOUND, e);
    }
    if (rc == SUCCESS) {
      return List.of();
    }
    throw new NvmlCallException(function, rc);
  }
}
