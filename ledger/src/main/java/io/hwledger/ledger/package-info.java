/**
 * An embedded, append-only event store for a GPU fleet: {@link io.hwledger.ledger.Ledger} keeps
 * hash-chained records in segment files, each record also a leaf of an RFC 9162 Merkle tree, with
 * group-committed appends, crash recovery that never cuts off an acknowledged record, inclusion and
 * consistency proofs ({@link io.hwledger.ledger.MerkleTree}), C2SP signed checkpoints ({@link
 * io.hwledger.ledger.NoteSigner}, {@link io.hwledger.ledger.NoteVerifier}), streaming verification
 * and retention. Payloads are RFC 8785 canonical JSON ({@link io.hwledger.ledger.CanonicalJson});
 * {@link io.hwledger.ledger.Projection}s replay the records into state. The design is in {@code
 * docs/adr/0005-ledger-storage.md} and {@code docs/adr/0011-records-are-the-truth.md}.
 */
package io.hwledger.ledger;
