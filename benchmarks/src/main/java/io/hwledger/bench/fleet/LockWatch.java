package io.hwledger.bench.fleet;

import io.hwledger.testpostgres.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * Watches, from the database's side, the PostgreSQL ledger writer's advisory lock of one schema
 * (ADR 0021: keys {@code "hwld"} and the CRC-32C of the schema's name): which server process holds
 * it, read from {@code pg_locks} every {@value #POLL_MILLIS} ms on a connection of its own. After a
 * kill it notes when the killed writer's session no longer holds it and when another session has
 * taken it — the store's part of a fleet server's failover, which the fleet's own work then
 * follows. Each time is taken when the query that saw the change returned.
 */
final class LockWatch implements AutoCloseable {
  /** How often {@code pg_locks} is read. */
  static final long POLL_MILLIS = 5;

  /** The first key of every hwLedger lock: {@code "hwld"} in ASCII (ledger-postgres's). */
  private static final int CLASS_ID = 0x68776c64;

  private static final String HOLDER =
      "SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.classid = ?::int::oid"
          + " AND l.objid = ?::int::oid AND l.objsubid = 2 AND l.granted";

  private final Connection connection;
  private final PreparedStatement query;
  private final Thread thread;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stop;
  private volatile int before;
  private volatile long freedAt;
  private volatile long takenAt;
  private long deadline;

  /**
   * Connects to {@code db}.
   *
   * @param db the database of the ledger
   * @param schema the ledger's schema
   * @throws SQLException if the database cannot be reached
   */
  LockWatch(TestDatabase db, String schema) throws SQLException {
    CRC32C crc = new CRC32C();
    crc.update(schema.getBytes(StandardCharsets.UTF_8));
    connection = db.connect("hwledger-bench-lock-watch");
    try {
      query = connection.prepareStatement(HOLDER);
      query.setInt(1, CLASS_ID);
      query.setInt(2, (int) crc.getValue());
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    thread = new Thread(this::watch, "failover-lock-watch");
    thread.setDaemon(true);
  }

  /**
   * The server process that holds the lock now.
   *
   * @return its pid, 0 when nobody holds it
   * @throws SQLException if the query fails
   */
  int holder() throws SQLException {
    try (ResultSet r = query.executeQuery()) {
      return r.next() ? r.getInt(1) : 0;
    }
  }

  /**
   * Starts watching for {@code holder} to lose the lock and another process to take it, for at most
   * {@code limit}.
   *
   * @param holder the pid that holds it now
   * @param limit the longest watch
   */
  void start(int holder, Duration limit) {
    before = holder;
    deadline = System.nanoTime() + limit.toNanos();
    thread.start();
  }

  private void watch() {
    long polls = deadline - System.nanoTime();
    long maxPolls = Math.max(1, polls / (POLL_MILLIS * 1_000_000L) + 1);
    try {
      for (long i = 0; i < maxPolls && !stop && System.nanoTime() - deadline < 0; i++) {
        int pid = holder();
        long now = System.nanoTime();
        if (pid != before && freedAt == 0) {
          freedAt = now;
        }
        if (pid != 0 && pid != before) {
          takenAt = now;
          return;
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      failure.set(e);
    }
  }

  /**
   * Waits for the watch to end.
   *
   * @param limit the longest wait
   * @throws InterruptedException if interrupted
   * @throws IllegalStateException if the watch failed
   */
  void await(Duration limit) throws InterruptedException {
    thread.join(Math.max(1, limit.toMillis()));
    if (failure.get() != null) {
      throw new IllegalStateException("watching the writer's lock failed", failure.get());
    }
  }

  /**
   * When the killed writer's session was first seen without the lock.
   *
   * @return {@link System#nanoTime()} then; 0 if not seen
   */
  long freedAt() {
    return freedAt;
  }

  /**
   * When another session was first seen holding the lock.
   *
   * @return {@link System#nanoTime()} then; 0 if not seen
   */
  long takenAt() {
    return takenAt;
  }

  @Override
  public void close() throws SQLException {
    stop = true;
    if (thread.isAlive()) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      query.close();
    } finally {
      connection.close();
    }
  }
}
