package io.hwledger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a Java program in a child JVM of this JDK and returns what it printed. */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * Runs {@code java ARGS}, asserts that it exits with status 0 within 60 s, and returns its
   * standard output and error, interleaved.
   */
  static String run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(exited).as("the child JVM exits within 60 s; output:%n%s", out).isTrue();
    assertThat(p.exitValue()).as("exit status of %s; output:%n%s", command, out).isZero();
    return out;
  }

  /** This test JVM's class path, for a child that runs the same classes. */
  static String classPath() {
    return System.getProperty("java.class.path");
  }
}
