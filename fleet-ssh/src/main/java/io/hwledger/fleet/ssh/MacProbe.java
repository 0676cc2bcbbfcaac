package io.hwledger.fleet.ssh;

import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.metal.IoregAccelerator;
import io.hwledger.metal.IoregParser;
import io.hwledger.metal.PerformanceStatistics;
import io.hwledger.metal.PlatformUuid;
import io.hwledger.metal.SystemProfilerDisplays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A Mac's GPUs through {@code system_profiler} (spi-metal's parser), the Apple GPU named as the
 * local Metal and macmon backends name it ({@link PlatformUuid#gpuUuid}), its use and memory from
 * the IOAccelerator's statistics ({@code ioreg}), as the macmon backend reads them.
 */
final class MacProbe {

  private MacProbe() {}

  /**
   * Reads the GPUs of a Mac with {@code memoryBytes} of memory: an Apple GPU has no memory of its
   * own, so its total is the unified memory (Metal's working-set budget, which the local Metal
   * backend reports, cannot be read without running code on the Mac).
   */
  static void read(RemoteShell shell, ProbeFindings found, long memoryBytes) throws SshFailure {
    String out = found.tool(shell, HostProbe.MAC_GPUS, "system_profiler");
    if (out == null) {
      return;
    }
    List<SystemProfilerDisplays.Gpu> gpus;
    try {
      gpus = SystemProfilerDisplays.parse(out);
    } catch (IllegalArgumentException e) {
      found.note("system_profiler", e.getMessage());
      return;
    }
    Optional<String> platform = Optional.empty();
    String ioreg = found.tool(shell, HostProbe.MAC_PLATFORM, "ioreg");
    if (ioreg != null) {
      platform = PlatformUuid.parse(ioreg);
    }
    Optional<PerformanceStatistics> stats = statistics(shell, found);
    for (int i = 0; i < gpus.size(); i++) {
      SystemProfilerDisplays.Gpu g = gpus.get(i);
      String vendor = g.name().startsWith("Apple ") ? "apple" : vendor(g.vendor());
      boolean apple = vendor.equals("apple");
      String uuid =
          apple
              ? PlatformUuid.gpuUuid(platform)
              : "macos-gpu-" + platform.orElse("unknown") + "-" + i;
      OptionalLong total = apple ? OptionalLong.of(memoryBytes) : g.vramBytes();
      Long used = null;
      Double utilization = null;
      if (apple && stats.isPresent()) {
        OptionalLong inUse = stats.get().get(PerformanceStatistics.IN_USE_SYSTEM_MEMORY);
        used = inUse.isPresent() ? inUse.getAsLong() : null;
        OptionalLong busy = stats.get().get(PerformanceStatistics.DEVICE_UTILIZATION);
        utilization = busy.isPresent() ? (double) busy.getAsLong() : null;
      }
      Long free = used != null && total.isPresent() ? Math.max(0, total.getAsLong() - used) : null;
      found.add(
          new GpuInfo(
              i,
              uuid,
              g.name(),
              vendor,
              "system_profiler",
              null,
              total.orElse(0),
              apple || g.builtIn()),
          new GpuSample(uuid, found.now, true, used, free, utilization, null, null, null));
    }
  }

  /** The vendor as the fleet names it (the SPI's vendors in lower case). */
  private static String vendor(Optional<String> printed) {
    String v = printed.orElse("").toLowerCase(Locale.ROOT);
    if (v.contains("apple")) {
      return "apple";
    }
    if (v.contains("amd") || v.contains("ati")) {
      return "amd";
    }
    return v.contains("nvidia") ? "nvidia" : "other";
  }

  /** The Apple GPU's statistics: the first accelerator that has them. */
  private static Optional<PerformanceStatistics> statistics(RemoteShell shell, ProbeFindings found)
      throws SshFailure {
    String out = found.tool(shell, HostProbe.MAC_ACCELERATORS, "ioreg");
    if (out == null) {
      return Optional.empty();
    }
    try {
      return IoregParser.parse(out).stream()
          .map(IoregAccelerator::statistics)
          .flatMap(Optional::stream)
          .findFirst();
    } catch (IllegalArgumentException e) {
      found.note("ioreg", e.getMessage());
      return Optional.empty();
    }
  }
}
