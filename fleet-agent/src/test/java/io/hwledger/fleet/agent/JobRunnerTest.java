package io.hwledger.fleet.agent;

import static io.hwledger.fleet.agent.FakeEngine.alive;
import static io.hwledger.fleet.agent.FakeEngine.await;
import static io.hwledger.fleet.agent.FakeEngine.awaitText;
import static io.hwledger.fleet.agent.FakeEngine.nvidia;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.fleet.protocol.Assignment;
import io.hwledger.fleet.protocol.JobState;
import io.hwledger.fleet.protocol.JobStatus;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job runner with real processes: the fake engine ({@code src/test/c/fake_engine.c}) echoes its
 * arguments and environment and writes the files the fake NVML reads, so each test checks what the
 * process really got and did. Every wait is bounded ({@link FakeEngine#WAIT}); nothing asserts on
 * timing.
 */
@Verifies({"FR-FLEET-020", "FR-FLEET-021"})
class JobRunnerTest {

  private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");

  @TempDir Path data;
  @TempDir Path gpus;

  private final FakeEngine.Reports reports = new FakeEngine.Reports();
  private final Map<String, String> env = new HashMap<>();
  private JobRunner runner;

  private JobRunner runner(JobRunner.Builder builder) throws IOException {
    env.putIfAbsent("HWLEDGER_FAKE_NVML_DIR", gpus.toString());
    runner = builder.listener(reports).environment(env).build();
    return runner;
  }

  private JobRunner runner() throws IOException {
    return runner(JobRunner.builder(FakeEngine.allowlist(), data));
  }

  @AfterEach
  void close() {
    if (runner != null) {
      runner.close();
    }
  }

  private Path logOf(String jobId) {
    return data.resolve("jobs").resolve(jobId + ".log");
  }

  private static long heldBytes(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).strip());
  }

  @Test
  void startsTheAllowlistedEngineWithItsPlacementAndArgumentsAsGiven() throws IOException {
    env.put("FAKE_ENGINE_HOLD_BYTES", "123456789");
    env.put("CUDA_VISIBLE_DEVICES", "7");
    runner();
    Assignment job =
        nvidia("job-1", List.of(1, 3), "serve", "my model", "--x=$(touch /tmp/pwned)", "a;b|c");
    runner.converge(List.of(job), T0);

    JobStatus started = reports.await("job-1", JobState.RUNNING);
    long pid = started.pids().get(0);
    String out = awaitText(logOf("job-1"), "ready");
    assertThat(out)
        .contains("fake-engine pid " + pid + "\n")
        .contains("argv[0]=" + FakeEngine.path() + "\n")
        .contains("argv[1]=serve\n")
        .contains("argv[2]=my model\n")
        .contains("argv[3]=--x=$(touch /tmp/pwned)\n")
        .contains("argv[4]=a;b|c\n")
        .doesNotContain("argv[5]")
        .contains("env CUDA_VISIBLE_DEVICES=1,3\n")
        .contains("env CUDA_DEVICE_ORDER=PCI_BUS_ID\n")
        .contains("env HIP_VISIBLE_DEVICES=(unset)\n")
        .contains("env ROCR_VISIBLE_DEVICES=(unset)\n")
        .contains("holding 123456789 bytes on GPU 1\n")
        .contains("holding 123456789 bytes on GPU 3\n");
    assertThat(heldBytes(gpus.resolve("gpu1").resolve(Long.toString(pid)))).isEqualTo(123456789L);
    assertThat(heldBytes(gpus.resolve("gpu3").resolve(Long.toString(pid)))).isEqualTo(123456789L);
    assertThat(runner.pids("job-1")).containsExactly(pid);
    assertThat(runner.jobIds()).containsExactly("job-1");
    assertThat(runner.status("job-1").orElseThrow().logTail()).contains("ready");

    assertThat(runner.remove("job-1")).isTrue();
    JobStatus cancelled = reports.await("job-1", JobState.CANCELLED);
    assertThat(cancelled.exitCode()).isZero();
    assertThat(cancelled.message()).isEqualTo("cancelled");
    assertThat(cancelled.logTail()).endsWith("terminated\n");
    assertThat(gpus.resolve("gpu1").resolve(Long.toString(pid))).doesNotExist();
    assertThat(reports.of("job-1"))
        .extracting(JobStatus::state)
        .containsExactly(JobState.RUNNING, JobState.CANCELLED);
    assertThat(runner.jobIds()).isEmpty();
    assertThat(runner.pids("job-1")).isEmpty();
  }

  @Test
  void amdPlacementSetsRocrToTheIndexesAndHipToPositionsWithinThem() throws IOException {
    env.put("FAKE_ENGINE_HOLD_BYTES", "1000");
    runner();
    runner.converge(List.of(FakeEngine.assignment("amd-1", "amd", List.of(2, 5))), T0);
    long pid = reports.await("amd-1", JobState.RUNNING).pids().get(0);
    assertThat(awaitText(logOf("amd-1"), "ready"))
        .contains("env ROCR_VISIBLE_DEVICES=2,5\n")
        .contains("env HIP_VISIBLE_DEVICES=0,1\n")
        .contains("env CUDA_VISIBLE_DEVICES=0,1\n")
        .contains("env CUDA_DEVICE_ORDER=(unset)\n");
    assertThat(heldBytes(gpus.resolve("gpu2").resolve(Long.toString(pid)))).isEqualTo(1000L);
    assertThat(heldBytes(gpus.resolve("gpu5").resolve(Long.toString(pid)))).isEqualTo(1000L);
  }

  @Test
  void executableNotOnTheAllowlistIsRefusedAndNothingRuns() throws IOException {
    runner();
    Assignment rm =
        new Assignment(
            "job-rm", List.of(0), List.of("GPU-0"), "nvidia", List.of("rm", "-rf", "/"), 1);
    Assignment absolute =
        new Assignment(
            "job-abs",
            List.of(0),
            List.of("GPU-0"),
            "nvidia",
            List.of(FakeEngine.path().toString()),
            1);
    runner.converge(List.of(rm, absolute), T0);

    JobStatus refused = reports.await("job-rm", JobState.REFUSED);
    assertThat(refused.message()).isEqualTo("executable 'rm' is not on this agent's allowlist");
    assertThat(refused.pids()).isEmpty();
    assertThat(reports.await("job-abs", JobState.REFUSED).message())
        .contains("'" + FakeEngine.path() + "'");
    assertThat(runner.jobIds()).isEmpty();
    try (Stream<Path> logs = Files.list(data.resolve("jobs"))) {
      assertThat(logs).isEmpty();
    }

    runner.converge(List.of(rm, absolute), T0.plusSeconds(30));
    assertThat(reports.all()).hasSize(2);
  }

  @Test
  void jobIdThatIsNotAFileNameIsRefused() throws IOException {
    runner();
    runner.converge(List.of(nvidia("../x", List.of(0)), nvidia("a.b", List.of(0))), T0);
    assertThat(reports.await("../x", JobState.REFUSED).message()).contains("job id '../x'");
    assertThat(reports.await("a.b", JobState.REFUSED).message()).contains("job id 'a.b'");
    assertThat(runner.jobIds()).isEmpty();
    assertThat(data.resolve("x.log")).doesNotExist();
    try (Stream<Path> logs = Files.list(data.resolve("jobs"))) {
      assertThat(logs).isEmpty();
    }
  }

  @Test
  void vendorWithoutVisibilityVariableIsRefused() throws IOException {
    runner();
    runner.converge(List.of(FakeEngine.assignment("apple-1", "apple", List.of(0))), T0);
    assertThat(reports.await("apple-1", JobState.REFUSED).message()).contains("vendor 'apple'");
    assertThat(runner.jobIds()).isEmpty();
  }

  @Test
  void exitStatusIsReported() throws IOException {
    env.put("FAKE_ENGINE_EXIT_CODE", "3");
    runner();
    runner.converge(List.of(nvidia("fails", List.of(0))), T0);
    JobStatus failed = reports.await("fails", JobState.FAILED);
    assertThat(failed.exitCode()).isEqualTo(3);
    assertThat(failed.message()).isEqualTo("exited with status 3");
    assertThat(failed.logTail()).endsWith("exiting with code 3\n");
    assertThat(failed.pids()).isEmpty();
  }

  @Test
  void exitStatusZeroIsExited() throws IOException {
    env.put("FAKE_ENGINE_RUN_MS", "0");
    runner();
    runner.converge(List.of(nvidia("done", List.of(0))), T0);
    JobStatus exited = reports.await("done", JobState.EXITED);
    assertThat(exited.exitCode()).isZero();
    assertThat(exited.message()).isNull();
    assertThat(exited.logTail()).endsWith("exiting with code 0\n");
  }

  @Test
  void anEndedJobIsNotStartedAgainWhileListedButIsOnceListedAnew() throws IOException {
    env.put("FAKE_ENGINE_RUN_MS", "0");
    runner();
    Assignment job = nvidia("once", List.of(0));
    runner.converge(List.of(job), T0);
    reports.await("once", JobState.EXITED);
    await("the runner forgets the ended job", () -> runner.jobIds().isEmpty());
    runner.converge(List.of(job), T0.plusSeconds(1));
    assertThat(reports.of("once")).hasSize(2);

    runner.converge(List.of(), T0.plusSeconds(2));
    runner.converge(List.of(job), T0.plusSeconds(3));
    await("a second run", () -> reports.of("once").size() == 4);
    assertThat(reports.of("once"))
        .extracting(JobStatus::state)
        .containsExactly(JobState.RUNNING, JobState.EXITED, JobState.RUNNING, JobState.EXITED);
    assertThat(data.resolve("jobs").resolve("once.log.1")).exists();
  }

  @Test
  void aChangedLaunchRestartsTheJob() throws IOException {
    runner();
    runner.converge(List.of(nvidia("moved", List.of(0))), T0);
    reports.await("moved", JobState.RUNNING);
    Assignment moved = nvidia("moved", List.of(1));
    runner.converge(List.of(moved), T0.plusSeconds(1));
    assertThat(reports.await("moved", JobState.CANCELLED).message()).contains("assignment changed");
    await("the old run is forgotten", () -> runner.jobIds().isEmpty());
    runner.converge(List.of(moved), T0.plusSeconds(2));
    await("the new run reports", () -> reports.of("moved").size() == 3);
    assertThat(awaitText(logOf("moved"), "ready")).contains("env CUDA_VISIBLE_DEVICES=1\n");
  }

  @Test
  void anExecutableThatVanishedFailsToStart() throws IOException {
    Path script = Files.writeString(data.resolve("engine.sh"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    runner(JobRunner.builder(Allowlist.of(Map.of("vllm", script)), data));
    Files.delete(script);
    runner.converge(List.of(nvidia("gone", List.of(0))), T0);
    JobStatus failed = reports.await("gone", JobState.FAILED);
    assertThat(failed.message()).startsWith("could not start " + script);
    assertThat(failed.exitCode()).isNull();
    assertThat(runner.jobIds()).isEmpty();
  }

  @Test
  void stoppingReachesTheWholeProcessTree() throws IOException {
    env.put("FAKE_ENGINE_CHILD", "1");
    env.put("FAKE_ENGINE_HOLD_BYTES", "4096");
    runner();
    runner.converge(List.of(nvidia("tree", List.of(0))), T0);
    long pid = reports.await("tree", JobState.RUNNING).pids().get(0);
    awaitText(logOf("tree"), "child");
    await("the runner sees the child", () -> runner.pids("tree").size() == 2);
    long child = runner.pids("tree").get(1);
    awaitText(logOf("tree"), "child " + child + " holding 4096 bytes on GPU 0");
    assertThat(gpus.resolve("gpu0").resolve(Long.toString(child))).exists();

    runner.remove("tree");
    JobStatus cancelled = reports.await("tree", JobState.CANCELLED);
    assertThat(cancelled.exitCode()).isZero();
    // not the child's "terminated" line: the JDK's process reaper drains and closes the output
    // pipe when the job's own process exits, so what a descendant prints after that is lost
    assertThat(alive(pid)).isFalse();
    assertThat(alive(child)).isFalse();
    // The engine does not pass SIGTERM on: the child removed its file because the runner told it.
    assertThat(gpus.resolve("gpu0").resolve(Long.toString(child))).doesNotExist();
  }

  @Test
  void aTreeIgnoringSigtermIsKilledAfterTheGrace() throws IOException {
    env.put("FAKE_ENGINE_CHILD", "1");
    env.put("FAKE_ENGINE_IGNORE_TERM", "1");
    env.put("FAKE_ENGINE_HOLD_BYTES", "4096");
    runner(JobRunner.builder(FakeEngine.allowlist(), data).stopGrace(Duration.ofMillis(500)));
    runner.converge(List.of(nvidia("stubborn", List.of(0))), T0);
    long pid = reports.await("stubborn", JobState.RUNNING).pids().get(0);
    await("the runner sees the child", () -> runner.pids("stubborn").size() == 2);
    long child = runner.pids("stubborn").get(1);
    awaitText(logOf("stubborn"), "child " + child + " holding");

    runner.remove("stubborn");
    JobStatus cancelled = reports.await("stubborn", JobState.CANCELLED);
    assertThat(cancelled.exitCode()).isEqualTo(128 + 9);
    assertThat(cancelled.message()).isEqualTo("cancelled; SIGKILL after 500 ms without exiting");
    assertThat(cancelled.logTail()).doesNotContain("terminated");
    assertThat(alive(pid)).isFalse();
    await("the child is killed too", () -> !alive(child));
    // Killed, so neither process could remove its files.
    assertThat(gpus.resolve("gpu0").resolve(Long.toString(pid))).exists();
    assertThat(gpus.resolve("gpu0").resolve(Long.toString(child))).exists();
  }

  @Test
  void whatTheJobLeftBehindIsStoppedWhenItsProcessEnds() throws IOException {
    env.put("FAKE_ENGINE_CHILD", "1");
    runner();
    runner.converge(List.of(nvidia("leaves", List.of(0))), T0);
    long pid = reports.await("leaves", JobState.RUNNING).pids().get(0);
    await("the runner sees the child", () -> runner.pids("leaves").size() == 2);
    long child = runner.pids("leaves").get(1);
    awaitText(logOf("leaves"), "ready");

    // SIGTERM to the engine alone: it exits 0 and leaves its child (and the pipe) behind.
    ProcessHandle.of(pid).orElseThrow().destroy();
    JobStatus exited = reports.await("leaves", JobState.EXITED);
    assertThat(exited.exitCode()).isZero();
    assertThat(exited.message()).isEqualTo("stopped 1 process(es) it left running");
    assertThat(alive(child)).isFalse();
  }

  @Test
  void logTailAndLogFileAreBounded() throws IOException {
    env.put("FAKE_ENGINE_FLOOD", "1");
    env.put("FAKE_ENGINE_RUN_MS", "0");
    long cap = 64 * 1024;
    runner(JobRunner.builder(FakeEngine.allowlist(), data).logCapBytes(cap));
    runner.converge(List.of(nvidia("flood", List.of(0))), T0);
    JobStatus exited = reports.await("flood", JobState.EXITED);

    // 20000 filler lines of 83 bytes and more: far past the cap and the tail.
    String tail = exited.logTail();
    assertThat(tail)
        .hasSize(JobStatus.MAX_LOG_TAIL)
        .endsWith("flood done\nready\nexiting with code 0\n");
    byte[] file = Files.readAllBytes(logOf("flood"));
    String marker = "\n[hwledger: log capped at 65536 bytes; further output dropped]\n";
    assertThat(file.length).isEqualTo(cap + marker.length());
    String text = new String(file, StandardCharsets.UTF_8);
    assertThat(text).startsWith("fake-engine pid ").endsWith(marker).doesNotContain("flood done");
  }

  @Test
  void anUnlistedJobIsStoppedOnlyAfterTheOrphanGrace() throws IOException {
    runner();
    Assignment job = nvidia("orphan", List.of(0));
    runner.converge(List.of(job), T0);
    reports.await("orphan", JobState.RUNNING);

    Instant missing = T0.plusSeconds(10);
    runner.converge(List.of(), missing);
    runner.converge(List.of(), missing.plusSeconds(299));
    // Listed again: the grace starts over when it next goes missing.
    runner.converge(List.of(job), missing.plusSeconds(300));
    Instant again = missing.plusSeconds(400);
    runner.converge(List.of(), again);
    runner.converge(List.of(), again.plusSeconds(299));
    assertThat(runner.jobIds()).containsExactly("orphan");
    assertThat(reports.of("orphan")).hasSize(1);
    assertThat(runner.pids("orphan")).hasSize(1);

    runner.converge(List.of(), again.plusSeconds(300));
    JobStatus stopped = reports.await("orphan", JobState.CANCELLED);
    assertThat(stopped.message()).isEqualTo("no longer assigned to this agent since " + again);
  }

  @Test
  void orphanGraceIsConfigurable() throws IOException {
    runner(JobRunner.builder(FakeEngine.allowlist(), data).orphanGrace(Duration.ZERO));
    runner.converge(List.of(nvidia("brief", List.of(0))), T0);
    reports.await("brief", JobState.RUNNING);
    runner.converge(List.of(), T0.plusSeconds(1));
    reports.await("brief", JobState.CANCELLED);

    // Stopped by the runner, not ended by itself: listed again, it runs again.
    await("the runner forgets the stopped job", () -> runner.jobIds().isEmpty());
    runner.converge(List.of(nvidia("brief", List.of(0))), T0.plusSeconds(2));
    await("a second run", () -> reports.of("brief").size() == 3);
    assertThat(reports.of("brief").get(2).state()).isEqualTo(JobState.RUNNING);
  }

  @Test
  void closeStopsEveryJobAndReportsBeforeReturning() throws IOException {
    runner();
    runner.converge(List.of(nvidia("a", List.of(0)), nvidia("b", List.of(1))), T0);
    reports.await("a", JobState.RUNNING);
    reports.await("b", JobState.RUNNING);
    long a = runner.pids("a").get(0);
    long b = runner.pids("b").get(0);

    runner.close();
    assertThat(reports.all())
        .extracting(JobStatus::state)
        .containsOnly(JobState.RUNNING, JobState.CANCELLED)
        .hasSize(4);
    assertThat(reports.of("a").get(1).message()).isEqualTo("the agent is shutting down");
    assertThat(alive(a)).isFalse();
    assertThat(alive(b)).isFalse();
    assertThatThrownBy(() -> runner.converge(List.of(), T0))
        .isInstanceOf(IllegalStateException.class);
    runner.close();
  }

  @Test
  void builderRefusesBadSettings() {
    JobRunner.Builder b = JobRunner.builder(FakeEngine.allowlist(), data);
    assertThatThrownBy(() -> b.stopGrace(Duration.ofSeconds(-1))).hasMessageContaining("stopGrace");
    assertThatThrownBy(() -> b.orphanGrace(Duration.ofSeconds(-1)))
        .hasMessageContaining("orphanGrace");
    assertThatThrownBy(() -> b.logCapBytes(-1)).hasMessageContaining("logCapBytes");
    assertThatThrownBy(() -> b.environment(Map.of("A=B", "c"))).hasMessageContaining("A=B");
  }
}
