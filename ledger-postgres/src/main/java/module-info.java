/**
 * The PostgreSQL ledger store: the records, hashes, roots, proofs and checkpoints of {@code
 * io.hwledger.ledger}, held in PostgreSQL with one writer at a time (ADR 0021).
 */
module io.hwledger.ledger.postgres {
  requires io.hwledger.ledger;
  requires java.sql;
  requires org.postgresql.jdbc;
  requires com.zaxxer.hikari;
  requires flyway.core;
  requires org.slf4j;

  exports io.hwledger.ledger.postgres;

  provides io.hwledger.ledger.LedgerStoreProvider with
      io.hwledger.ledger.postgres.PostgresStoreProvider;
}
