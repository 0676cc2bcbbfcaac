package io.hwledger.nvidia;

import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.ProcessMemory;
import io.hwledger.spi.SessionGuard;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NVML session: {@code nvmlInit_v2} in {@link #open}, exactly one {@code nvmlShutdown} in the
 * first {@link #close()}. Samples may be taken from many threads at once (NVML is thread-safe); a
 * releasing {@link SessionGuard} keeps {@code close} from shutting NVML down under a sample in
 * flight.
 *
 * <p>Memory: {@code nvmlDeviceGetMemoryInfo_v2} first ({@code used} excludes driver-reserved
 * memory, which is reported separately); if the driver lacks it or answers 3, 13 or 25, the v1 call
 * for the rest of the session, with {@link MemoryUsage#usedIncludesReserved()} set.
 */
final class NvmlBackend implements GpuBackend {

  private static final Logger log = LoggerFactory.getLogger(NvmlBackend.class);
  private static final long NOT_AVAILABLE = -1L;

  private final NvmlApi api;
  private final Clock clock;
  private final List<GpuDevice> devices;
  private final AtomicIntegerArray memoryV1Only;
  private final SessionGuard guard;

  private NvmlBackend(NvmlApi api, Clock clock, List<GpuDevice> devices, int deviceCount) {
    this.api = api;
    this.clock = clock;
    this.devices = List.copyOf(devices);
    this.memoryV1Only = new AtomicIntegerArray(deviceCount);
    this.guard =
        SessionGuard.releasing(
            "NVML session",
            () -> {
              shutdownQuietly(api);
              log.debug("NVML session closed on {}", api.library());
            });
  }

  /** Initialises NVML and lists its devices; shuts NVML down again if that fails. */
  static NvmlBackend open(NvmlApi api, Clock clock) {
    try {
      api.init();
    } catch (NvmlCallException e) {
      throw new BackendException(
          BackendException.Kind.UNAVAILABLE,
          NvmlErrors.describe(api, e, "NVML at " + api.library()),
          e);
    }
    try {
      int count = api.deviceCount();
      Optional<String> driver = optional(api, () -> api.driverVersion(), "driver version");
      List<GpuDevice> devices = new ArrayList<>();
      for (int index = 0; index < count; index++) {
        try {
          devices.add(identify(api, index, driver));
        } catch (BackendException e) {
          if (e.kind() != BackendException.Kind.DEVICE_LOST) {
            throw e;
          }
          log.warn("NVML device {} skipped: {}", index, e.getMessage());
        }
      }
      NvmlBackend backend = new NvmlBackend(api, clock, devices, count);
      log.debug("NVML session opened on {}: {} device(s)", api.library(), devices.size());
      return backend;
    } catch (NvmlCallException e) {
      shutdownQuietly(api);
      throw NvmlErrors.toException(api, e, "NVML at " + api.library());
    } catch (RuntimeException e) {
      shutdownQuietly(api);
      throw e;
    }
  }

  private static void shutdownQuietly(NvmlApi api) {
    try {
      api.shutdown();
    } catch (NvmlCallException e) {
      log.warn("nvmlShutdown failed: {}", NvmlErrors.describe(api, e, "NVML"));
    }
  }

  private static GpuDevice identify(NvmlApi api, int index, Optional<String> driver) {
    String context = "NVML device " + index;
    Optional<String> pciBusId = optional(api, () -> api.pciBusId(index), context);
    String uuid =
        optional(api, () -> api.uuid(index), context)
            .or(() -> pciBusId)
            .orElse("nvml-index-" + index);
    String name = optional(api, () -> api.name(index), context).orElse("NVIDIA GPU");
    Optional<String> architecture =
        optional(api, () -> api.computeCapability(index), context)
            .map(cc -> "sm_" + cc.major() + cc.minor());
    OptionalLong total = memoryTotal(api, index, context);
    return new GpuDevice(
        NvmlBackendProvider.ID,
        index,
        uuid,
        pciBusId,
        name,
        Vendor.NVIDIA,
        architecture,
        driver,
        total);
  }

  private static OptionalLong memoryTotal(NvmlApi api, int index, String context) {
    Optional<NvmlApi.MemoryV2> v2 = optional(api, () -> api.memoryV2(index), context, true);
    if (v2.isPresent()) {
      return OptionalLong.of(v2.get().total());
    }
    return optional(api, () -> api.memoryV1(index), context)
        .map(m -> OptionalLong.of(m.total()))
        .orElse(OptionalLong.empty());
  }

  @FunctionalInterface
  private interface Call<T> {
    T call() throws NvmlCallException;
  }

  private static <T> Optional<T> optional(NvmlApi api, Call<T> call, String context) {
    return optional(api, call, context, false);
  }

  /**
   * The call's value, empty if unsupported; {@code versionMismatchAbsent} also treats 25 (argument
   * version mismatch) as unsupported.
   */
  private static <T> Optional<T> optional(
      NvmlApi api, Call<T> call, String context, boolean versionMismatchAbsent) {
    try {
      return Optional.of(call.call());
    } catch (NvmlCallException e) {
      if (NvmlErrors.isAbsent(e.code())
          || (versionMismatchAbsent && e.code() == NvmlApi.ERROR_ARGUMENT_VERSION_MISMATCH)) {
        return Optional.empty();
      }
      throw NvmlErrors.toException(api, e, context);
    }
  }

  @Override
  public String id() {
    return NvmlBackendProvider.ID;
  }

  @Override
  public List<GpuDevice> devices() {
    return guard.call(() -> devices);
  }

  @Override
  public TelemetrySample sample(GpuDevice device) {
    if (!devices.contains(device)) {
      throw new IllegalArgumentException("not a device of this NVML session: " + device);
    }
    return guard.call(() -> read(device));
  }

  private TelemetrySample read(GpuDevice device) {
    Instant timestamp = clock.instant();
    int index = device.index();
    String context = "NVML device " + index + " (" + device.uuid() + ")";
    MemoryUsage memory = memory(index, context);
    OptionalDouble utilization =
        toDouble(optional(api, () -> api.utilization(index), context).map(u -> (double) u.gpu()));
    OptionalDouble temperature =
        toDouble(optional(api, () -> api.temperatureC(index), context).map(t -> (double) t));
    OptionalDouble power =
        toDouble(optional(api, () -> api.powerMilliwatts(index), context).map(mw -> mw / 1000.0));
    OptionalLong graphicsClock =
        toLong(optional(api, () -> api.clockMhz(index, NvmlApi.CLOCK_GRAPHICS), context));
    OptionalLong memoryClock =
        toLong(optional(api, () -> api.clockMhz(index, NvmlApi.CLOCK_MEM), context));
    Optional<List<ProcessMemory>> processes =
        optional(api, () -> api.computeProcesses(index), context).map(NvmlBackend::toProcesses);
    return new TelemetrySample(
        device,
        timestamp,
        memory,
        utilization,
        temperature,
        power,
        graphicsClock,
        memoryClock,
        processes);
  }

  private MemoryUsage memory(int index, String context) {
    if (memoryV1Only.get(index) == 0) {
      Optional<NvmlApi.MemoryV2> v2 = optional(api, () -> api.memoryV2(index), context, true);
      if (v2.isPresent()) {
        NvmlApi.MemoryV2 m = v2.get();
        return new MemoryUsage(
            OptionalLong.of(m.total()),
            OptionalLong.of(m.used()),
            OptionalLong.of(m.free()),
            OptionalLong.of(m.reserved()),
            false);
      }
      memoryV1Only.set(index, 1);
      log.debug("{}: nvmlDeviceGetMemoryInfo_v2 unusable, falling back to v1", context);
    }
    Optional<NvmlApi.MemoryV1> v1 = optional(api, () -> api.memoryV1(index), context);
    if (v1.isEmpty()) {
      memoryV1Only.set(index, 0); // neither works now: try v2 again next time
      return new MemoryUsage(
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          false);
    }
    NvmlApi.MemoryV1 m = v1.get();
    return new MemoryUsage(
        OptionalLong.of(m.total()),
        OptionalLong.of(m.used()),
        OptionalLong.of(m.free()),
        OptionalLong.empty(),
        true);
  }

  private static List<ProcessMemory> toProcesses(List<NvmlApi.ProcessEntry> entries) {
    List<ProcessMemory> processes = new ArrayList<>(entries.size());
    for (NvmlApi.ProcessEntry entry : entries) {
      OptionalLong used =
          entry.usedGpuMemory() == NOT_AVAILABLE
              ? OptionalLong.empty()
              : OptionalLong.of(entry.usedGpuMemory());
      processes.add(new ProcessMemory(entry.pid(), used));
    }
    return processes;
  }

  private static OptionalDouble toDouble(Optional<Double> value) {
    return value.map(OptionalDouble::of).orElse(OptionalDouble.empty());
  }

  private static OptionalLong toLong(Optional<Long> value) {
    return value.map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  @Override
  public void close() {
    guard.close();
  }
}
