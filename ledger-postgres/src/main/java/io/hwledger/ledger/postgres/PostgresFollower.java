package io.hwledger.ledger.postgres;

import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerFollower;
import io.hwledger.ledger.RecordedEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;

/**
 * Follows a PostgreSQL ledger: a read-only store whose snapshot moves when the writer's commit
 * notification ({@code NOTIFY hwledger_<schema>}) arrives on this follower's {@code LISTEN}
 * session. The size is read again after each wake-up (and at least every wait), so a notification
 * lost with a dropped session costs only a delay, never a record.
 *
 * <p>On a hot standby (a streaming replica in recovery) it polls instead, reading the size every
 * {@link #STANDBY_POLL_MILLIS} ms while it waits: a standby refuses {@code LISTEN} ("cannot execute
 * LISTEN during recovery"), and the primary's notifications are not replicated to it anyway. It
 * then follows the primary's appends as fast as the standby replays them, plus at most one poll.
 */
public final class PostgresFollower implements LedgerFollower {
  /**
   * How often a follower on a hot standby reads the size while it waits, milliseconds. Each look is
   * one index probe ({@code max(seq)}) on the standby: 100 ms keeps a follower to ten a second
   * while adding at most a tenth of a second to the replica's own lag (the directory follower,
   * whose look is local, polls every 50 ms).
   */
  static final long STANDBY_POLL_MILLIS = 100;

  private final PostgresLedgerStore store;

  /** The session that LISTENs for the writer's commits; null on a hot standby, which polls. */
  private final Connection listener;

  private PostgresFollower(PostgresLedgerStore store, Connection listener) {
    this.store = store;
    this.listener = listener;
  }

  /**
   * Starts following the ledger {@code settings} name.
   *
   * @param settings where the ledger is and how to connect
   * @return the follower, at the records committed now
   * @throws LedgerException if the schema holds no ledger or the database cannot be reached
   */
  public static PostgresFollower follow(PostgresSettings settings) {
    PostgresLedgerStore store = PostgresLedgerStore.openReadOnly(settings);
    Connection listener = null;
    try {
      listener = PostgresLedgerStore.connect(settings, "hwledger-follower");
      if (PostgresLedgerStore.inRecovery(listener)) {
        // A hot standby: LISTEN fails there (SQL state 25006) and no NOTIFY would reach it.
        listener.close();
        return new PostgresFollower(store, null);
      }
      try (Statement s = listener.createStatement()) {
        s.execute("LISTEN " + store.notifyChannel());
      }
      store.refresh(); // commits before LISTEN took effect are not notified: look once more
      return new PostgresFollower(store, listener);
    } catch (SQLException e) {
      closeQuietly(listener);
      store.close();
      throw Failures.of("following ledger " + settings.location(), e);
    } catch (RuntimeException e) {
      closeQuietly(listener);
      store.close();
      throw e;
    }
  }

  /** Whether this follower polls (it follows a hot standby) instead of listening. */
  boolean polls() {
    return listener == null;
  }

  @Override
  public long size() {
    return store.size();
  }

  @Override
  public long awaitGrowth(long known, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long size = store.refresh();
      long left = deadline - System.nanoTime();
      if (size > known || left <= 0) {
        return size;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (listener == null) {
        Thread.sleep(Math.min(STANDBY_POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        continue;
      }
      try {
        // returns on the first notification or when the time is up; the size says what changed
        listener
            .unwrap(PGConnection.class)
            .getNotifications((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (SQLException e) {
        throw Failures.of("waiting for commits to " + location(), e);
      }
    }
  }

  @Override
  public void forEach(long from, long limit, Consumer<RecordedEvent> visitor) {
    store.forEach(from, limit, visitor);
  }

  @Override
  public String location() {
    return store.location();
  }

  @Override
  public void close() {
    try {
      closeQuietly(listener);
    } finally {
      store.close();
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      // closing: nothing is left to lose
    }
  }
}
