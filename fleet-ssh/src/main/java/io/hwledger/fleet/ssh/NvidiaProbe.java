package io.hwledger.fleet.ssh;

import static io.hwledger.fleet.ssh.ProbeFindings.boxed;

import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.fleet.protocol.ProcessUsage;
import io.hwledger.nvidia.NvidiaSmiComputeApps;
import io.hwledger.nvidia.NvidiaSmiCsv;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** NVIDIA GPUs through {@code nvidia-smi}'s CSV queries, parsed by spi-nvidia's parsers. */
final class NvidiaProbe {

  private NvidiaProbe() {}

  static void read(RemoteShell shell, ProbeFindings found) throws SshFailure {
    String out = found.tool(shell, HostProbe.NVIDIA_GPUS, "nvidia-smi");
    if (out == null) {
      return;
    }
    List<NvidiaSmiCsv.Row> rows;
    try {
      rows = NvidiaSmiCsv.parse(out);
    } catch (IllegalArgumentException e) {
      found.note("nvidia-smi", e.getMessage());
      return;
    }
    if (rows.isEmpty()) {
      return;
    }
    Map<String, List<ProcessUsage>> processes = processes(shell, found);
    for (NvidiaSmiCsv.Row r : rows) {
      found.add(
          new GpuInfo(
              r.index(),
              r.uuid(),
              r.name(),
              "nvidia",
              "nvidia-smi",
              null,
              r.memoryTotalBytes().orElse(0),
              false),
          new GpuSample(
              r.uuid(),
              found.now,
              true,
              boxed(r.memoryUsedBytes()),
              boxed(r.memoryFreeBytes()),
              boxed(r.utilizationPercent()),
              boxed(r.temperatureC()),
              boxed(r.powerWatts()),
              processes == null ? null : processes.getOrDefault(r.uuid(), List.of())));
    }
  }

  /** Each GPU's compute processes, by GPU uuid; null when they cannot be read. */
  private static @Nullable Map<String, List<ProcessUsage>> processes(
      RemoteShell shell, ProbeFindings found) throws SshFailure {
    String out = found.tool(shell, HostProbe.NVIDIA_PROCESSES, "nvidia-smi");
    if (out == null) {
      return null;
    }
    List<NvidiaSmiComputeApps.App> apps;
    try {
      apps = NvidiaSmiComputeApps.parse(out);
    } catch (IllegalArgumentException e) {
      found.note("nvidia-smi", e.getMessage());
      return null;
    }
    Map<String, List<ProcessUsage>> byGpu = new HashMap<>();
    for (NvidiaSmiComputeApps.App a : apps) {
      if (a.pid() > 0) {
        byGpu
            .computeIfAbsent(a.gpuUuid(), u -> new ArrayList<>())
            .add(new ProcessUsage(a.pid(), a.usedMemoryBytes().orElse(0)));
      }
    }
    return byGpu;
  }
}
