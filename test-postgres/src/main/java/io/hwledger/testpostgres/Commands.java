package io.hwledger.testpostgres;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs PostgreSQL's programs: tools to completion, the server from a thread that owns it. */
final class Commands {
  /** How many of a log's last lines a failure's message quotes. */
  static final int TAIL_LINES = 20;

  private Commands() {}

  /**
   * A process builder for {@code command}, its output appended to {@code log}, in the C locale and
   * without the caller's {@code PG*} variables (which would change ports, users or files).
   */
  static ProcessBuilder builder(List<String> command, Path log) {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.toUpperCase(Locale.ROOT).startsWith("PG"));
    pb.environment().put("LC_ALL", "C");
    return pb;
  }

  /**
   * Runs a tool to completion.
   *
   * @param what the tool, for messages ({@code "initdb"})
   * @throws IllegalStateException when it fails or outlasts {@code limit}, with the log's tail
   */
  static void run(String what, List<String> command, Path log, Duration limit) {
    try {
      Process p = builder(command, log).start();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            what + " did not finish within " + limit.toSeconds() + " s" + tail(log));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(what + " exited " + p.exitValue() + tail(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("interrupted running " + what));
    }
  }

  /**
   * Starts {@code pb} from a new daemon thread that waits for the process and ends with it.
   * PR_SET_PDEATHSIG (setpriv's {@code --pdeathsig}) fires when the thread that forked the child
   * ends, not the JVM, so the server must not be forked by a test's thread, which may end first.
   */
  static Process startOwned(ProcessBuilder pb, String threadName) {
    CompletableFuture<Process> started = new CompletableFuture<>();
    Thread owner =
        new Thread(
            () -> {
              Process p;
              try {
                p = pb.start();
              } catch (IOException | RuntimeException e) {
                started.completeExceptionally(e);
                return;
              }
              started.complete(p);
              try {
                p.waitFor();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            threadName);
    owner.setDaemon(true);
    owner.start();
    try {
      return started.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new UncheckedIOException(
          "cannot start " + pb.command().get(0),
          e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
    } catch (TimeoutException e) {
      throw new IllegalStateException("the thread starting " + pb.command().get(0) + " hung", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("interrupted starting postgres"));
    }
  }

  /** What {@code log} holds after its first {@code offset} bytes; empty when unreadable. */
  static String textSince(Path log, long offset) {
    try {
      byte[] all = Files.readAllBytes(log);
      int from = (int) Math.min(Math.max(offset, 0), all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The last {@link #TAIL_LINES} lines of {@code log} as the end of a message ({@code "; last lines
   * of LOG:\n..."}), or an empty string when there are none.
   */
  static String tail(Path log) {
    try {
      if (!Files.isRegularFile(log)) {
        return "";
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return "";
      }
      return "; last lines of "
          + log
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "; " + log + " unreadable: " + e.getMessage();
    }
  }
}
