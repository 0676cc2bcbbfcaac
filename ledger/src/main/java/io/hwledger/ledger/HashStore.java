package io.hwledger.ledger;

/**
 * Read access to the hashes of a Merkle tree over a log, as RFC 9162 §2.1 defines it: level 0 holds
 * the leaf hashes, and node {@code i} of level {@code k} is the hash of the complete, aligned
 * subtree over leaves {@code [i · 2^k, (i + 1) · 2^k)}. Only complete subtrees are stored; roots
 * and proofs of sizes that are not powers of two are assembled from them in O(log n) reads.
 *
 * <p>A {@link LedgerStore} implementation keeps one over its records and hands it to {@link
 * MerkleTree} for roots and proofs.
 */
public interface HashStore {

  /**
   * Leaves in the tree.
   *
   * @return the number of leaf hashes held
   */
  long size();

  /**
   * The hash of the complete subtree at {@code level} with index {@code index}: leaves {@code
   * [index · 2^level, (index + 1) · 2^level)}, all of which are below {@link #size()}.
   *
   * @param level 0 for a leaf hash
   * @param index the node's position within its level
   * @return 32 bytes; callers must not modify them
   */
  byte[] node(int level, long index);
}
