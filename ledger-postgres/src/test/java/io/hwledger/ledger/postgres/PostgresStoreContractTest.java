package io.hwledger.ledger.postgres;

import io.hwledger.ledger.LedgerFollower;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.Verification;
import io.hwledger.testpostgres.TestDatabase;
import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.Verifies;

/** The store contract on PostgreSQL: a fresh database per store, started by the tests. */
@Verifies("FR-STORE-002")
class PostgresStoreContractTest extends LedgerStoreContract {

  static PostgresSettings settings(TestDatabase db) {
    return PostgresSettings.of(db.jdbcUrl()).withCredentials(db.user(), db.password());
  }

  @Override
  StoreUnderTest newStore() throws Exception {
    PostgresSettings settings = settings(TestPostgres.newDatabase());
    return new StoreUnderTest() {
      @Override
      public LedgerStore open(LedgerOptions options) {
        return PostgresLedgerStore.open(settings, options);
      }

      @Override
      public LedgerStore openReadOnly() {
        return PostgresLedgerStore.openReadOnly(settings);
      }

      @Override
      public Verification verify() {
        return PostgresLedgerStore.verify(settings, n -> {});
      }

      @Override
      public LedgerFollower follow() {
        return PostgresFollower.follow(settings);
      }
    };
  }
}
