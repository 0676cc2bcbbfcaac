package io.hwledger.fleet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.fleet.protocol.Assignment;
import io.hwledger.fleet.protocol.JobState;
import io.hwledger.fleet.protocol.JobStatus;
import io.hwledger.testsupport.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Test fixtures: the fake engine built from {@code src/test/c/fake_engine.c} (Surefire passes its
 * path as {@code hwledger.test.fakeEngine}), assignments that run it, a listener that records
 * reports, and bounded waits.
 */
final class FakeEngine {

  /** Every wait in these tests ends after this long, with a message saying what did not happen. */
  static final Duration WAIT = Duration.ofSeconds(30);

  private FakeEngine() {}

  static Path path() {
    String path = System.getProperty("hwledger.test.fakeEngine");
    assertThat(path).as("system property hwledger.test.fakeEngine (set by Surefire)").isNotNull();
    return Path.of(path);
  }

  /** An allowlist naming the fake engine {@code vllm}, as a server would send it. */
  static Allowlist allowlist() {
    return Allowlist.of(Map.of("vllm", path()));
  }

  static Assignment nvidia(String jobId, List<Integer> gpus, String... args) {
    return assignment(jobId, "nvidia", gpus, args);
  }

  static Assignment assignment(String jobId, String vendor, List<Integer> gpus, String... args) {
    List<String> uuids = new ArrayList<>();
    gpus.forEach(i -> uuids.add("GPU-test-" + i));
    List<String> command = new ArrayList<>();
    command.add("vllm");
    command.addAll(List.of(args));
    return new Assignment(jobId, gpus, uuids, vendor, command, 1L << 30);
  }

  static void await(String what, BooleanSupplier condition) {
    Await.until(what, WAIT, condition);
  }

  /** Waits until a file holds a text, and returns the file's content. */
  static String awaitText(Path file, String text) {
    String[] content = {""};
    await(
        file + " to contain '" + text + "'",
        () -> {
          try {
            content[0] =
                Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
          } catch (IOException e) {
            return false;
          }
          return content[0].contains(text);
        });
    return content[0];
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Records every report, in order. */
  static final class Reports implements Consumer<JobStatus> {
    private final List<JobStatus> all = new ArrayList<>();

    @Override
    public synchronized void accept(JobStatus status) {
      all.add(status);
    }

    synchronized List<JobStatus> all() {
      return List.copyOf(all);
    }

    synchronized List<JobStatus> of(String jobId) {
      return all.stream().filter(s -> s.jobId().equals(jobId)).toList();
    }

    /** Waits for the job's first report in a state, and returns it. */
    JobStatus await(String jobId, JobState state) {
      FakeEngine.await(
          "job " + jobId + " reported " + state + " (reports so far: " + of(jobId) + ")",
          () -> of(jobId).stream().anyMatch(s -> s.state() == state));
      return of(jobId).stream().filter(s -> s.state() == state).findFirst().orElseThrow();
    }
  }
}
