package io.hwledger.fleet.agent;

import static io.hwledger.fleet.agent.FakeEngine.await;
import static io.hwledger.fleet.agent.FakeEngine.awaitText;
import static io.hwledger.fleet.agent.FakeEngine.nvidia;
import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.fleet.protocol.JobState;
import io.hwledger.nvidia.NvmlBackendProvider;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.ProcessMemory;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
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
}
