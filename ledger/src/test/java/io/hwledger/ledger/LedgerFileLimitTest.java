package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer under a file size limit below the 64 MiB it allocates ahead ({@code ulimit -f}, set by a
 * shell around a child JVM): appends still work, growing the segment with its writes.
 */
@Verifies("FR-LEDGER-001")
class LedgerFileLimitTest {
  @TempDir Path tmp;

  @Test
  void appendsWorkUnderAFileSizeLimitBelowTheSegmentSize() throws Exception {
    Path bash = Path.of("/bin/bash");
    assumeTrue(Files.isExecutable(bash), "needs /bin/bash for ulimit");
    Path dir = tmp.resolve("ledger");
    String java = ProcessHandle.current().info().command().orElse("java");
    // ulimit -f counts 1024-byte blocks: 4 MiB, a sixteenth of a segment
    Process child =
        new ProcessBuilder(
                bash.toString(),
                "-c",
                "ulimit -f 4096 && exec \"$0\" -cp \"$1\" "
                    + LimitedAppender.class.getName()
                    + " \"$2\" 200",
                java,
                System.getProperty("java.class.path"),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output).contains("appended 200");
    Verification v = Ledger.verify(dir);
    assertThat(v.ok()).as(v.toString()).isTrue();
    assertThat(v.size()).isEqualTo(200);
  }
}
