package io.hwledger.math;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Special files for reader tests, made with the system's own tools. */
public final class TestFiles {
  private TestFiles() {}

  /**
   * Makes a FIFO at {@code path} with {@code mkfifo}; the calling test is skipped (an assumption
   * fails) where there is no {@code mkfifo}. Nothing ever writes to it: a reader that opens it
   * blocks forever.
   */
  public static Path fifo(Path path) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "no mkfifo on this system: " + e.getMessage());
      throw e;
    }
    assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
    assumeTrue(Files.exists(path) && !Files.isRegularFile(path), "mkfifo made no FIFO");
    return path;
  }
}
