package io.hwledger.bench.fleet;

import io.hwledger.fleet.server.FleetHome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A {@link FailoverServer} in a JVM of its own (this JVM's {@code java.home} and class path, at
 * most 256 MiB of heap), on any free port of 127.0.0.1, and what it printed: its URL and role once
 * it listens, and when its {@code LEADS} line was read ({@link System#nanoTime()}). Its standard
 * error is appended to a log file.
 */
final class ServerProcess {
  private final Process process;
  private final Path log;
  private final Thread reader;
  private volatile URI url;
  private volatile String role;
  private volatile long leadsAt;

  private ServerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.reader = new Thread(this::read, "failover-server-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts one.
   *
   * @param home the fleet directory
   * @param passphrase the CA key's passphrase (into the child's environment)
   * @param jdbcUrl the shared store, without a password
   * @param dbEnv the store's role, password and schema ({@code HWLEDGER_DB_*})
   * @param poll the standby poll
   * @param log where its standard error is appended
   * @return the running process
   * @throws IOException if it cannot be started
   */
  static ServerProcess start(
      FleetHome home,
      char[] passphrase,
      String jdbcUrl,
      Map<String, String> dbEnv,
      Duration poll,
      Path log)
      throws IOException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            FailoverServer.class.getName(),
            home.dir().toString(),
            "0",
            jdbcUrl,
            Long.toString(poll.toMillis()));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("HWLEDGER_"));
    env.putAll(dbEnv);
    env.put(FailoverServer.ENV_PASSPHRASE, new String(passphrase));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new ServerProcess(pb.start(), log);
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith(FailoverServer.LEADS)) {
          leadsAt = System.nanoTime();
        } else if (line.startsWith(FailoverServer.LISTENING)) {
          String[] f = line.split(" ", 3);
          role = f.length > 2 ? f[2] : "";
          url = URI.create(f[1]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until it listens.
   *
   * @param limit the longest wait
   * @return its URL
   * @throws InterruptedException if interrupted
   * @throws IllegalStateException if it exits first or the limit passes
   */
  URI awaitListening(Duration limit) throws InterruptedException {
    await(limit, "listen", () -> url != null);
    return url;
  }

  /**
   * Waits until it leads.
   *
   * @param limit the longest wait
   * @throws InterruptedException if interrupted
   * @throws IllegalStateException if it exits first or the limit passes
   */
  void awaitLeads(Duration limit) throws InterruptedException {
    await(limit, "lead", () -> leadsAt != 0);
  }

  private void await(Duration limit, String what, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    long spins = 2 * limit.toMillis() + 1_000;
    for (long i = 0; !done.getAsBoolean(); i++) {
      if (!process.isAlive()) {
        reader.join(1_000);
        if (done.getAsBoolean()) {
          return;
        }
        throw new IllegalStateException(
            "the server exited " + process.exitValue() + " before it did " + what + "; see " + log);
      }
      if (System.nanoTime() - deadline > 0 || i > spins) {
        throw new IllegalStateException(
            "the server did not " + what + " within " + limit.toSeconds() + " s; see " + log);
      }
      Thread.sleep(1);
    }
  }

  /**
   * The role it printed when it started listening.
   *
   * @return {@code leader} or {@code follower}; null before it listens
   */
  String role() {
    return role;
  }

  /**
   * When its {@code LEADS} line was read.
   *
   * @return {@link System#nanoTime()} then; 0 if not yet
   */
  long leadsAt() {
    return leadsAt;
  }

  /** Whether it still runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGKILL ({@link Process#destroyForcibly()} on Linux). */
  void kill() {
    process.destroyForcibly();
  }

  /**
   * Waits for it to exit and its output to be read.
   *
   * @param limit the longest wait
   * @return whether it exited
   * @throws InterruptedException if interrupted
   */
  boolean awaitExit(Duration limit) throws InterruptedException {
    boolean exited = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (exited) {
      reader.join(limit.toMillis());
    }
    return exited;
  }
}
