package io.hwledger.ledger;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Follows a ledger that another process writes: a standby fleet server keeps its state current with
 * one, so that taking over needs only the records since its last wake-up. Woken by the writer's
 * commits where the store can notify (PostgreSQL {@code LISTEN}), by polling otherwise. Not
 * thread-safe: one thread follows.
 */
public interface LedgerFollower extends AutoCloseable {

  /**
   * Records acknowledged when this follower last looked.
   *
   * @return the size seen
   */
  long size();

  /**
   * Waits until the ledger holds more than {@code known} records, or {@code timeout} passes.
   *
   * @param known records the caller has seen
   * @param timeout the longest wait
   * @return the size now, above {@code known} unless the wait timed out
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws LedgerException if the store cannot be read
   */
  long awaitGrowth(long known, Duration timeout) throws InterruptedException;

  /**
   * Hands the records {@code [from, min(from + limit, size()))} to {@code visitor} in order.
   *
   * @param from the first sequence number
   * @param limit the most records
   * @param visitor receives each record
   * @throws LedgerException if a record is damaged or missing
   */
  void forEach(long from, long limit, Consumer<RecordedEvent> visitor);

  /**
   * Where the records are, without credentials.
   *
   * @return a description safe to log
   */
  String location();

  /** Stops following and releases what it holds. */
  @Override
  void close();
}
