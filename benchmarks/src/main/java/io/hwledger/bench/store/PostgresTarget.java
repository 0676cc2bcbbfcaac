package io.hwledger.bench.store;

import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.Verification;
import io.hwledger.ledger.postgres.PostgresLedgerStore;
import io.hwledger.ledger.postgres.PostgresSettings;

/**
 * The PostgreSQL store with its default options: one writer, group commit on the advisory-lock
 * session, {@code synchronous_commit} on. Counted by {@link PostgresLedgerStore#verify}.
 */
final class PostgresTarget implements AppendTarget {
  private final PostgresSettings settings;
  private final PostgresLedgerStore store;

  /**
   * Opens a new ledger in its own schema.
   *
   * @param settings the database, with the cell's own schema
   */
  PostgresTarget(PostgresSettings settings) {
    this.settings = settings;
    this.store = PostgresLedgerStore.open(settings, LedgerOptions.defaults());
  }

  @Override
  public void append(int appender, LedgerEvent event) {
    store.append(event);
  }

  @Override
  public long closeAndCount() {
    store.close();
    Verification v = PostgresLedgerStore.verify(settings, n -> {});
    if (!v.ok()) {
      throw new IllegalStateException(
          "the PostgreSQL ledger does not verify at record "
              + v.firstBadSeq()
              + ": "
              + v.reason().orElse(""));
    }
    return v.size();
  }
}
