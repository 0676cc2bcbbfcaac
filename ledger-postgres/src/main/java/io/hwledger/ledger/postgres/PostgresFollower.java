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
 */
public final class PostgresFollower implements LedgerFollower {
  private final PostgresLedgerStore store;
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
    try {
      Connection listener = PostgresLedgerStore.connect(settings, "hwledger-follower");
      try (Statement s = listener.createStatement()) {
        s.execute("LISTEN " + store.notifyChannel());
      }
      store.refresh(); // commits before LISTEN took effect are not notified: look once more
      return new PostgresFollower(store, listener);
    } catch (SQLException e) {
      store.close();
      throw Failures.of("following ledger " + settings.location(), e);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
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
      listener.close();
    } catch (SQLException e) {
      // closing: nothing is left to lose
    } finally {
      store.close();
    }
  }
}
