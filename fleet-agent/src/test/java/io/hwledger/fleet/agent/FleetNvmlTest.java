package io.hwledger.fleet.agent;

import static io.hwledger.fleet.agent.FakeEngine.await;
import static io.hwledger.fleet.agent.FakeEngine.awaitText;
import static io.hwledger.fleet.agent.FakeEngine.nvidia;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.hwledger.fleet.protocol.JobState;
import io.hwledger.nvidia.NvmlBackendProvider;
import io.hwledger.nvidia.NvmlLoad;
import io.hwledger.nvidia.jna.NvmlLoader;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.ProcessMemory;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on one host: a job runs the fake engine, which holds memory on its placed GPU as
 * files, and the real NVML backend, loaded through the production lookup from the fake NVML in
 * fleet mode ({@code hwledger.nvml.library} and {@code HWLEDGER_FAKE_NVML_DIR}, both set by
 * Surefire), lists the engine's processes with their bytes. The engine finds the directory in the
 * environment it inherits, as a real engine inherits the agent's.
 */
@Verifies("FR-FLEET-022")
class FleetNvmlTest {

  private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
  private static final long HOLD = 3_000_000_000L;

  @TempDir Path data;

  /** The C library's environment calls, which the fake NVML reads when it is loaded. */
  interface LibC extends Library {
    int setenv(String name, String value, int overwrite);

    int unsetenv(String name);
  }

  private static List<ProcessMemory> processes(GpuBackend nvml, int index) {
    GpuDevice device = nvml.devices().get(index);
    return nvml.sample(device).processes().orElseThrow();
  }

  @Test
  void theJobsProcessesAndTheirBytesShowInNvml() throws IOException {
    assertThat(System.getenv("HWLEDGER_FAKE_NVML_DIR"))
        .as("HWLEDGER_FAKE_NVML_DIR (set by Surefire)")
        .isNotBlank();
    FakeEngine.Reports reports = new FakeEngine.Reports();
    try (JobRunner runner =
            JobRunner.builder(FakeEngine.allowlist(), data)
                .listener(reports)
                .environment(
                    Map.of("FAKE_ENGINE_HOLD_BYTES", Long.toString(HOLD), "FAKE_ENGINE_CHILD", "1"))
                .build();
        GpuBackend nvml = new NvmlBackendProvider().open(Clock.fixed(T0, ZoneOffset.UTC))) {
      runner.converge(List.of(nvidia("nvml-1", List.of(1))), T0);
      long pid = reports.await("nvml-1", JobState.RUNNING).pids().get(0);
      await("the runner sees the child", () -> runner.pids("nvml-1").size() == 2);
      long child = runner.pids("nvml-1").get(1);
      Path log = data.resolve("jobs").resolve("nvml-1.log");
      awaitText(log, "\nholding " + HOLD + " bytes on GPU 1\n");
      awaitText(log, "child " + child + " holding " + HOLD + " bytes on GPU 1\n");

      GpuDevice a100 = nvml.devices().get(1);
      assertThat(a100.name()).isEqualTo("NVIDIA A100-SXM4-40GB");
      TelemetrySample sample = nvml.sample(a100);
      assertThat(sample.processes().orElseThrow())
          .containsExactlyInAnyOrder(
              new ProcessMemory(pid, OptionalLong.of(HOLD)),
              new ProcessMemory(child, OptionalLong.of(HOLD)));
      // The scripted A100 uses nothing itself: 0 + 2 × 3 000 000 000 bytes.
      assertThat(sample.memory().usedBytes()).hasValue(6_000_000_000L);
      // 42 949 672 960 total − 419 430 400 reserved − 6 000 000 000 used.
      assertThat(sample.memory().freeBytes()).hasValue(36_530_242_560L);

      // What the agent's reconciliation does: NVML's processes that belong to the job.
      Set<Long> jobPids = Set.copyOf(runner.pids("nvml-1"));
      long measured =
          sample.processes().orElseThrow().stream()
              .filter(p -> jobPids.contains(p.pid()))
              .mapToLong(p -> p.usedBytes().orElseThrow())
              .sum();
      assertThat(measured).isEqualTo(2 * HOLD);
      assertThat(processes(nvml, 0)).extracting(ProcessMemory::pid).doesNotContain(pid, child);

      runner.remove("nvml-1");
      reports.await("nvml-1", JobState.CANCELLED);
      assertThat(processes(nvml, 1)).extracting(ProcessMemory::pid).doesNotContain(pid, child);
      assertThat(nvml.sample(a100).memory().usedBytes()).hasValue(0L);
    }
  }

  @Test
  void eightGpusWhenAskedEachWithItsOwnIdentity(@TempDir Path tmp) throws IOException {
    // HWLEDGER_FAKE_NVML_GPUS is read when the library loads: set it in the C environment, then
    // load a copy (a fresh dlopen, so its constructor runs again), then take it away again.
    Path copy =
        Files.copy(
            Path.of(System.getProperty("hwledger.nvml.library")), tmp.resolve("libnvml-8.so"));
    LibC libc = Native.load("c", LibC.class);
    NvmlLoad load;
    assertThat(libc.setenv("HWLEDGER_FAKE_NVML_GPUS", "8", 1)).isZero();
    try {
      load = NvmlLoader.load(List.of(copy.toString()));
    } finally {
      libc.unsetenv("HWLEDGER_FAKE_NVML_GPUS");
    }
    FakeEngine.Reports reports = new FakeEngine.Reports();
    try (JobRunner runner =
            JobRunner.builder(FakeEngine.allowlist(), data)
                .listener(reports)
                .environment(Map.of("FAKE_ENGINE_HOLD_BYTES", "5000"))
                .build();
        GpuBackend nvml =
            new NvmlBackendProvider(() -> load).open(Clock.fixed(T0, ZoneOffset.UTC))) {
      List<GpuDevice> devices = nvml.devices();
      assertThat(devices).hasSize(8).allMatch(d -> d.name().equals("NVIDIA H100 80GB HBM3"));
      assertThat(devices)
          .extracting(GpuDevice::uuid)
          .containsExactlyElementsOf(
              IntStream.range(0, 8)
                  .mapToObj(i -> "GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e0" + i)
                  .toList());
      // Bus 0x1B + 0x10 × index: 1B, 2B, ... 8B.
      assertThat(devices.get(7).pciBusId()).contains("00000000:8B:00.0");

      runner.converge(List.of(nvidia("eight", List.of(6))), T0);
      long pid = reports.await("eight", JobState.RUNNING).pids().get(0);
      awaitText(data.resolve("jobs").resolve("eight.log"), "holding 5000 bytes on GPU 6\n");
      assertThat(processes(nvml, 6)).contains(new ProcessMemory(pid, OptionalLong.of(5000)));
      assertThat(processes(nvml, 5)).extracting(ProcessMemory::pid).doesNotContain(pid);
    }
  }
}
