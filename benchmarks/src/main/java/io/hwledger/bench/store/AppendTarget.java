package io.hwledger.bench.store;

import io.hwledger.ledger.LedgerEvent;

/**
 * One store under test for one cell: opened for a number of appenders, appended to until the cell
 * ends, then closed and counted from what it holds durably.
 */
interface AppendTarget {
  /**
   * Appends one event and returns once the store acknowledges it as durable.
   *
   * @param appender the calling appender's number, 0 to the cell's appenders − 1
   * @param event the event
   * @throws Exception if the store refuses or fails
   */
  void append(int appender, LedgerEvent event) throws Exception;

  /**
   * Closes the store, opens it again and counts what it holds (verifying the records where the
   * store can).
   *
   * @return the records or rows found
   * @throws Exception if the store cannot be closed, reopened or verified
   */
  long closeAndCount() throws Exception;
}
