package io.hwledger.nvidia.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.hwledger.nvidia.NvmlApi;
import io.hwledger.nvidia.NvmlCallException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link NvmlApi} over {@link NvmlLibrary}. Device handles are looked up by index on every call
 * (cheap in NVML), so none outlives the init/shutdown scope. A missing symbol ({@link
 * UnsatisfiedLinkError} on first call) becomes {@link NvmlApi#ERROR_FUNCTION_NOT_FOUND}. Stateless
 * and thread-safe.
 */
final class JnaNvml implements NvmlApi {

  private static final int PROCESS_RETRIES = 4;

  private final NvmlLibrary lib;
  private final String library;

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
    PointerByReference ref = new PointerByReference();
    check("nvmlDeviceGetHandleByIndex_v2", () -> lib.nvmlDeviceGetHandleByIndex_v2(index, ref));
    return ref.getValue();
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
    check("nvmlInit_v2", lib::nvmlInit_v2);
  }

  @Override
  public void shutdown() throws NvmlCallException {
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
    NvmlLibrary.NvmlMemoryV2 memory = new NvmlLibrary.NvmlMemoryV2();
    memory.version = NvmlLibrary.MEMORY_V2_VERSION;
    check("nvmlDeviceGetMemoryInfo_v2", () -> lib.nvmlDeviceGetMemoryInfo_v2(device, memory));
    return new MemoryV2(memory.total, memory.reserved, memory.free, memory.used);
  }

  @Override
  public MemoryV1 memoryV1(int index) throws NvmlCallException {
    Pointer device = handle(index);
    NvmlLibrary.NvmlMemory memory = new NvmlLibrary.NvmlMemory();
    check("nvmlDeviceGetMemoryInfo", () -> lib.nvmlDeviceGetMemoryInfo(device, memory));
    return new MemoryV1(memory.total, memory.free, memory.used);
  }

  @Override
  public Utilization utilization(int index) throws NvmlCallException {
    Pointer device = handle(index);
    NvmlLibrary.NvmlUtilization utilization = new NvmlLibrary.NvmlUtilization();
    check(
        "nvmlDeviceGetUtilizationRates",
        () -> lib.nvmlDeviceGetUtilizationRates(device, utilization));
    return new Utilization(
        Integer.toUnsignedLong(utilization.gpu), Integer.toUnsignedLong(utilization.memory));
  }

  @Override
  public long temperatureC(int index) throws NvmlCallException {
    Pointer device = handle(index);
    IntByReference value = new IntByReference();
    check("nvmlDeviceGetTemperature", () -> lib.nvmlDeviceGetTemperature(device, 0, value));
    return Integer.toUnsignedLong(value.getValue());
  }

  @Override
  public long powerMilliwatts(int index) throws NvmlCallException {
    Pointer device = handle(index);
    IntByReference value = new IntByReference();
    check("nvmlDeviceGetPowerUsage", () -> lib.nvmlDeviceGetPowerUsage(device, value));
    return Integer.toUnsignedLong(value.getValue());
  }

  @Override
  public long clockMhz(int index, int clockType) throws NvmlCallException {
    Pointer device = handle(index);
    IntByReference value = new IntByReference();
    check("nvmlDeviceGetClockInfo", () -> lib.nvmlDeviceGetClockInfo(device, clockType, value));
    return Integer.toUnsignedLong(value.getValue());
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
    IntByReference count = new IntByReference(0);
    int rc;
    try {
      rc = lib.nvmlDeviceGetComputeRunningProcesses(device, count, null);
      for (int attempt = 0; rc == ERROR_INSUFFICIENT_SIZE && attempt < PROCESS_RETRIES; attempt++) {
        // Processes may start between the two calls: leave room for a few more.
        int capacity = count.getValue() + 4;
        NvmlLibrary.NvmlProcessInfoV1 first = new NvmlLibrary.NvmlProcessInfoV1();
        Structure[] infos = first.toArray(capacity);
        count.setValue(capacity);
        rc = lib.nvmlDeviceGetComputeRunningProcesses(device, count, first);
        if (rc == SUCCESS) {
          List<ProcessEntry> processes = new ArrayList<>();
          for (int i = 0; i < count.getValue(); i++) {
            NvmlLibrary.NvmlProcessInfoV1 info = (NvmlLibrary.NvmlProcessInfoV1) infos[i];
            info.read();
            processes.add(new ProcessEntry(Integer.toUnsignedLong(info.pid), info.usedGpuMemory));
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
