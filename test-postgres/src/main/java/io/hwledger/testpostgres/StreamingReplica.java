package io.hwledger.testpostgres;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming replica (hot standby) of an {@link EmbeddedPostgres}: a second server that replays
 * the primary's write-ahead log as the primary writes it and answers read-only queries meanwhile,
 * for tests of readers on a database that lags its writer.
 *
 * <p>{@link #start(EmbeddedPostgres)} takes a base backup of the primary without stopping it (the
 * bundled build has no {@code pg_basebackup}, so the data directory is copied between {@code
 * pg_start_backup} and {@code pg_stop_backup}, as PostgreSQL 14 names them), into a run directory
 * of its own next to the primary's, owned by the same unprivileged user; then starts it with {@code
 * standby.signal} and {@code hot_standby = on} on its own free port of 127.0.0.1. The standby
 * streams as the role {@value #ROLE} (created on the primary, password chosen by the primary's
 * {@link EmbeddedPostgres} and kept in a 0600 password file in the replica's run directory, never
 * in a URL, a log or a configuration file), through a physical replication slot, so the primary
 * keeps every WAL segment the standby has not received yet. The primary's {@code pg_hba.conf}
 * admits replication from 127.0.0.1 only.
 *
 * <p>{@link #pauseReplay()} and {@link #resumeReplay()} hold and release the standby's replay
 * ({@code pg_wal_replay_pause()}, {@code pg_wal_replay_resume()}): while paused, it still receives
 * WAL but its readers see the database as it was. {@link #awaitReplayed(Duration)} waits until it
 * has replayed everything the primary had written when called. Every wait is bounded and fails with
 * a one-line message.
 *
 * <p>{@link #close()} stops the standby, deletes its run directory and drops its slot on the
 * primary. Thread-safe.
 */
public final class StreamingReplica implements AutoCloseable {
  /**
   * The role standbys stream the primary's WAL as; {@code pg_hba.conf} admits it from 127.0.0.1.
   */
  public static final String ROLE = "hwledger_replication";

  /** The longest {@link #awaitReplayed(Duration)} accepts. */
  public static final Duration MAX_WAIT = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(StreamingReplica.class);
  private static final Duration PAUSE_LIMIT = Duration.ofSeconds(30);
  private static final Duration SLOT_DROP_LIMIT = Duration.ofSeconds(30);
  private static final long POLL_MILLIS = 10;
  private static final String PASSFILE = "replication.pgpass";
  private static final String DUPLICATE_OBJECT = "42710";
  private static final String UNDEFINED_OBJECT = "42704";
  private static final String OBJECT_IN_USE = "55006";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final EmbeddedPostgres primary;
  private final EmbeddedPostgres standby;
  private final String slot;
  private final Object lock = new Object();
  private volatile boolean closed;

  private StreamingReplica(EmbeddedPostgres primary, EmbeddedPostgres standby, String slot) {
    this.primary = primary;
    this.standby = standby;
    this.slot = slot;
  }

  /**
   * Starts a streaming replica of {@code primary}, which keeps running and accepting writes
   * throughout. Returns once the replica accepts connections, that is once it has replayed the
   * primary's WAL up to the end of the base backup.
   *
   * @param primary a running server
   * @return the running replica
   * @throws IllegalStateException when the primary is not running or has {@code wal_level=minimal},
   *     or the replica does not come up (with the last lines of its log)
   * @throws UncheckedIOException when the data directory cannot be copied
   */
  public static StreamingReplica start(EmbeddedPostgres primary) {
    Objects.requireNonNull(primary, "primary");
    if (!primary.isRunning()) {
      throw new IllegalStateException("start: the primary " + primary + " is not running");
    }
    String slot = "hwledger_replica_" + HexFormat.of().formatHex(randomBytes(6));
    RunDir run = RunDir.create(primary.workRoot());
    boolean slotMade = false;
    try {
      try (Connection c = primary.connect()) {
        requireReplicaWal(c);
        ensureRole(c, primary.replicationPassword());
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_create_physical_replication_slot(CAST(? AS name), true)")) {
          s.setString(1, slot);
          s.executeQuery().close();
        }
        slotMade = true;
        baseBackup(c, primary.dataDirectory(), run.data(), slot);
      }
      configure(run, primary.port(), slot, primary.replicationPassword());
      primary.user().handOver(run.path());
    } catch (SQLException | RuntimeException e) {
      run.delete();
      if (slotMade) {
        dropSlotQuietly(primary, slot, e);
      }
      if (e instanceof SQLException s) {
        throw new IllegalStateException(
            "cannot take a base backup of " + primary + ": " + firstLine(s.getMessage()), s);
      }
      throw (RuntimeException) e;
    }
    EmbeddedPostgres standby;
    try {
      standby = EmbeddedPostgres.startOn(primary, run); // deletes run if it fails
    } catch (RuntimeException e) {
      dropSlotQuietly(primary, slot, e);
      throw e;
    }
    LOG.info("streaming replica on 127.0.0.1:{} of 127.0.0.1:{}", standby.port(), primary.port());
    return new StreamingReplica(primary, standby, slot);
  }

  /**
   * The TCP port the replica listens on, on 127.0.0.1.
   *
   * @return the port, never the primary's
   */
  public int port() {
    return standby.port();
  }

  /**
   * A database on the replica reached as the superuser (the primary's, whose catalog it copies);
   * every transaction on it is read-only.
   *
   * @param name the database
   * @return its URL and credentials
   */
  public TestDatabase database(String name) {
    return standby.database(name);
  }

  /**
   * Opens a connection to the replica's {@value EmbeddedPostgres#SUPERUSER} database as the
   * superuser.
   *
   * @return the connection
   * @throws SQLException when the replica refuses it or is not running
   */
  public Connection connect() throws SQLException {
    return standby.connect();
  }

  /**
   * Pauses the replica's replay ({@code pg_wal_replay_pause()}) and waits until it has stopped: its
   * readers then see the database as of the last record replayed, however far the primary goes on.
   * The replica still receives and keeps the WAL. Nothing when already paused.
   *
   * @throws IllegalStateException when the replica is closed, or its replay has not stopped within
   *     30 s
   */
  public void pauseReplay() {
    requireOpen("pauseReplay");
    try (Connection c = standby.connect()) {
      query(c, "SELECT pg_wal_replay_pause()");
      long deadline = System.nanoTime() + PAUSE_LIMIT.toNanos();
      String state;
      while (!(state = pauseState(c)).equals("paused")) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "replay on the replica at 127.0.0.1:"
                  + port()
                  + " did not pause within "
                  + PAUSE_LIMIT.toSeconds()
                  + " s (state: "
                  + state
                  + ")");
        }
        sleep("pausing replay");
      }
    } catch (SQLException e) {
      throw failed("pauseReplay", e);
    }
  }

  /**
   * Resumes the replica's replay ({@code pg_wal_replay_resume()}); nothing when it is not paused.
   *
   * @throws IllegalStateException when the replica is closed or refuses
   */
  public void resumeReplay() {
    requireOpen("resumeReplay");
    try (Connection c = standby.connect()) {
      query(c, "SELECT pg_wal_replay_resume()");
    } catch (SQLException e) {
      throw failed("resumeReplay", e);
    }
  }

  /**
   * Whether the replica's replay is paused or a pause was asked for.
   *
   * @return false while it replays
   * @throws IllegalStateException when the replica is closed or refuses
   */
  public boolean isReplayPaused() {
    requireOpen("isReplayPaused");
    try (Connection c = standby.connect()) {
      return !pauseState(c).equals("not paused");
    } catch (SQLException e) {
      throw failed("isReplayPaused", e);
    }
  }

  /**
   * Waits until the replica has replayed the primary's WAL up to the position the primary had
   * written when called ({@code pg_current_wal_lsn()}): then every transaction committed on the
   * primary before the call with {@code synchronous_commit} on (PostgreSQL's default) is visible on
   * the replica.
   *
   * @param limit the longest wait, positive and at most {@link #MAX_WAIT}
   * @return the primary's WAL position waited for, as PostgreSQL prints it ({@code 0/3000148})
   * @throws IllegalArgumentException when {@code limit} is not positive or above {@link #MAX_WAIT}
   * @throws IllegalStateException when the replica is closed, its replay is paused (it would never
   *     get there), or it has not got there within {@code limit}, with the positions in one line
   */
  public String awaitReplayed(Duration limit) {
    Objects.requireNonNull(limit, "limit");
    if (limit.isNegative() || limit.isZero() || limit.compareTo(MAX_WAIT) > 0) {
      throw new IllegalArgumentException(
          "limit must be positive and at most " + MAX_WAIT.toMinutes() + " min, was " + limit);
    }
    requireOpen("awaitReplayed");
    String target;
    try (Connection c = primary.connect()) {
      target = query(c, "SELECT CAST(pg_current_wal_lsn() AS text)");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "awaitReplayed: cannot read the primary's WAL position: " + firstLine(e.getMessage()), e);
    }
    try (Connection c = standby.connect();
        PreparedStatement replayed =
            c.prepareStatement(
                "SELECT coalesce(pg_last_wal_replay_lsn() >= CAST(? AS pg_lsn), false),"
                    + " CAST(pg_last_wal_replay_lsn() AS text)")) {
      if (!pauseState(c).equals("not paused")) {
        throw new IllegalStateException(
            "awaitReplayed: replay on the replica at 127.0.0.1:"
                + port()
                + " is paused, so it would never reach the primary's "
                + target
                + "; call resumeReplay() first");
      }
      replayed.setString(1, target);
      long deadline = System.nanoTime() + limit.toNanos();
      while (true) {
        String at;
        try (ResultSet r = replayed.executeQuery()) {
          r.next();
          if (r.getBoolean(1)) {
            return target;
          }
          at = r.getString(2);
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "the replica at 127.0.0.1:"
                  + port()
                  + " replayed the primary's WAL up to "
                  + at
                  + ", not "
                  + target
                  + ", within "
                  + limit.toMillis()
                  + " ms");
        }
        sleep("waiting for replay");
      }
    } catch (SQLException e) {
      throw failed("awaitReplayed", e);
    }
  }

  /**
   * Stops the replica ({@code pg_ctl stop -m fast}), deletes its run directory and drops its
   * replication slot on the primary when the primary still runs; nothing when already closed.
   *
   * @throws IllegalStateException when pg_ctl failed or the slot could not be dropped (the rest is
   *     done all the same)
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    RuntimeException failure = null;
    try {
      standby.close();
    } catch (RuntimeException e) {
      failure = e;
    }
    if (primary.isRunning()) {
      try {
        dropSlot(primary, slot);
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The replica's port, its primary's and its slot; never a password. */
  @Override
  public String toString() {
    return "StreamingReplica[127.0.0.1:"
        + standby.port()
        + ", standby of 127.0.0.1:"
        + primary.port()
        + ", slot "
        + slot
        + "]";
  }

  /** The replica's run directory; for tests of this class. */
  Path runDirectory() {
    return standby.runDirectory();
  }

  /** The replica's replication slot on the primary; for tests of this class. */
  String slot() {
    return slot;
  }

  private static void requireReplicaWal(Connection c) throws SQLException {
    String level = query(c, "SHOW wal_level");
    if (level.equals("minimal")) {
      throw new IllegalStateException(
          "the primary has wal_level=minimal, which a streaming replica cannot follow");
    }
  }

  /** Makes {@link #ROLE} on the primary unless it is there, and gives it the primary's password. */
  private static void ensureRole(Connection c, String password) throws SQLException {
    boolean exists;
    try (PreparedStatement s =
        c.prepareStatement("SELECT count(*) FROM pg_roles WHERE rolname = ?")) {
      s.setString(1, ROLE);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        exists = r.getLong(1) > 0;
      }
    }
    if (!exists) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE ROLE " + ROLE + " WITH LOGIN REPLICATION");
      } catch (SQLException e) {
        if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
          throw e; // else made meanwhile by a replica started beside this one
        }
      }
    }
    // the driver sends the SCRAM verifier, never the password itself
    c.unwrap(PGConnection.class).alterUserPassword(ROLE, password.toCharArray(), "scram-sha-256");
  }

  /**
   * Copies the primary's data directory between {@code pg_start_backup} and {@code pg_stop_backup}
   * (non-exclusive: both on {@code c}'s session) and writes the backup label the standby starts
   * from.
   */
  private static void baseBackup(Connection c, Path from, Path to, String label)
      throws SQLException {
    try (PreparedStatement start = c.prepareStatement("SELECT pg_start_backup(?, true, false)")) {
      start.setString(1, label);
      start.executeQuery().close();
    }
    BaseBackup.copy(from, to);
    String backupLabel;
    String tablespaceMap;
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)")) {
      r.next();
      backupLabel = r.getString(1);
      tablespaceMap = r.getString(2);
    }
    try {
      Files.writeString(to.resolve("backup_label"), backupLabel, StandardCharsets.UTF_8);
      if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
        Files.writeString(to.resolve("tablespace_map"), tablespaceMap, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the backup label into " + to, e);
    }
  }

  /**
   * Makes the copy a standby of 127.0.0.1:{@code primaryPort}: {@code standby.signal}, and in
   * {@code postgresql.auto.conf} (where {@code pg_basebackup -R} writes them) the connection, the
   * slot and hot standby. The password is in a 0600 password file in the run directory.
   */
  private static void configure(RunDir run, int primaryPort, String slot, String password) {
    Path data = run.data();
    Path passfile = run.path().resolve(PASSFILE);
    String conninfo =
        "host=127.0.0.1 port="
            + primaryPort
            + " user="
            + ROLE
            + " passfile="
            + conninfoValue(passfile.toString())
            + " application_name="
            + slot
            + " sslmode=disable connect_timeout=10";
    try {
      Files.createFile(
          passfile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          passfile,
          "127.0.0.1:" + primaryPort + ":replication:" + ROLE + ":" + password + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.WRITE);
      Files.createFile(data.resolve("standby.signal"));
      Files.writeString(
          data.resolve("postgresql.auto.conf"),
          "# A streaming replica of 127.0.0.1:"
              + primaryPort
              + ", made by hwLedger's StreamingReplica\n"
              + "primary_conninfo = "
              + configValue(conninfo)
              + "\nprimary_slot_name = "
              + configValue(slot)
              + "\nhot_standby = on\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + data + " a standby", e);
    }
  }

  /** A value quoted for a libpq connection string: {@code '...'} with \ and ' escaped. */
  private static String conninfoValue(String s) {
    requirePrintable(s);
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** A string quoted for postgresql.conf: {@code '...'} with \ and ' escaped. */
  private static String configValue(String s) {
    requirePrintable(s);
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  private static void requirePrintable(String s) {
    if (s.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalStateException(
          "a streaming replica's setting cannot hold a control character: " + s.strip());
    }
  }

  private static void dropSlot(EmbeddedPostgres primary, String slot) {
    long deadline = System.nanoTime() + SLOT_DROP_LIMIT.toNanos();
    try (Connection c = primary.connect();
        PreparedStatement drop =
            c.prepareStatement("SELECT pg_drop_replication_slot(CAST(? AS name))")) {
      drop.setString(1, slot);
      while (true) {
        try {
          drop.executeQuery().close();
          return;
        } catch (SQLException e) {
          if (UNDEFINED_OBJECT.equals(e.getSQLState())) {
            return; // already gone
          }
          // the primary's WAL sender for the stopped standby has not exited yet
          if (!OBJECT_IN_USE.equals(e.getSQLState()) || System.nanoTime() - deadline > 0) {
            throw e;
          }
        }
        sleep("dropping a replication slot");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot drop the replication slot "
              + slot
              + " on "
              + primary
              + ": "
              + firstLine(e.getMessage()),
          e);
    }
  }

  private static void dropSlotQuietly(EmbeddedPostgres primary, String slot, Exception cause) {
    try {
      dropSlot(primary, slot);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private static String pauseState(Connection c) throws SQLException {
    return query(c, "SELECT pg_get_wal_replay_pause_state()");
  }

  /** The first column of the first row; the statements here are constants. */
  private static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      String value = r.getString(1);
      return value == null ? "" : value;
    }
  }

  private void requireOpen(String what) {
    if (closed) {
      throw new IllegalStateException(what + ": this streaming replica is closed");
    }
  }

  private IllegalStateException failed(String what, SQLException e) {
    return new IllegalStateException(
        what
            + ": the replica at 127.0.0.1:"
            + port()
            + " failed: "
            + firstLine(e.getMessage())
            + " (SQL state "
            + e.getSQLState()
            + ")",
        e);
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "no message";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static void sleep(String doing) {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("interrupted " + doing));
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
