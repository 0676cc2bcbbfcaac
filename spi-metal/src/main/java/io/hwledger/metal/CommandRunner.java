package io.hwledger.metal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool and returns its standard output; injectable for tests. */
@FunctionalInterface
public interface CommandRunner {

  /**
   * Runs {@code command} and returns what it printed on standard output.
   *
   * @param command the program and its arguments
   * @param timeout how long it may run before it is killed
   * @return its standard output, decoded as UTF-8
   * @throws IOException if it cannot start, exits non-zero, or runs past {@code timeout}
   */
  String run(List<String> command, Duration timeout) throws IOException;

  /**
   * Runs real processes.
   *
   * @return a runner that starts {@code command} with {@link ProcessBuilder}; standard error
   *     supplies the first line of a failure's message
   */
  static CommandRunner system() {
    return CommandRunner::runProcess;
  }

  private static String runProcess(List<String> command, Duration timeout) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    CompletableFuture<String> stdout =
        CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
    CompletableFuture<String> stderr =
        CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish within " + timeout);
      }
      String out = stdout.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (p.exitValue() != 0) {
        String err = stderr.get(timeout.toMillis(), TimeUnit.MILLISECONDS).strip();
        int nl = err.indexOf('\n');
        throw new IOException(
            command.get(0)
                + " exited with status "
                + p.exitValue()
                + (err.isEmpty() ? "" : ": " + (nl < 0 ? err : err.substring(0, nl))));
      }
      return out;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(command.get(0) + " was interrupted", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      p.destroyForcibly();
      throw new IOException("could not read the output of " + command.get(0), e);
    }
  }

  private static String drain(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
