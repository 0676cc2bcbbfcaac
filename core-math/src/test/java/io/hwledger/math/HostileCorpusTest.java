package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the parsers' hostile corpus ({@link HostileCorpus}) in a child JVM with a 256 MiB heap:
 * every file must end in its one-line error, and the child must never run out of memory (it is
 * started with {@code -XX:+ExitOnOutOfMemoryError}, so an out-of-memory error ends it at once with
 * exit code 3 instead of being caught somewhere).
 */
@Verifies({"FR-HOSTILE-001", "FR-CONFIG-003"})
class HostileCorpusTest {
  @TempDir Path dir;

  @Test
  void everyHostileFileEndsInItsErrorWithin256MiB() throws IOException, InterruptedException {
    List<HostileCorpus.Case> cases = HostileCorpus.write(dir);
    List<String> manifest = new ArrayList<>();
    for (HostileCorpus.Case c : cases) {
      manifest.add(c.kind() + "\t" + c.path());
    }
    Path list = Files.write(dir.resolve("cases.tsv"), manifest, StandardCharsets.UTF_8);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                HostileCorpus.class.getName(),
                list.toString())
            .redirectErrorStream(true)
            .start();
    byte[] output;
    try (var in = child.getInputStream()) {
      output = in.readAllBytes();
    }
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("OutOfMemoryError");
    assertThat(child.exitValue()).as("child exit code; output:%n%s", text).isZero();

    List<String> lines = text.lines().toList();
    List<String> expected = new ArrayList<>();
    for (HostileCorpus.Case c : cases) {
      expected.add("REFUSED\t" + c.expected());
    }
    assertThat(lines).containsExactlyElementsOf(expected);
  }
}
