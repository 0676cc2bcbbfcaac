/**
 * hwLedger's event store: hash-chained segments, the Merkle tree, proofs, signed checkpoints, typed
 * events and projections.
 */
module io.hwledger.ledger {
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports io.hwledger.ledger;
  exports io.hwledger.ledger.events;

  uses io.hwledger.ledger.LedgerStoreProvider;
}
