package io.hwledger.ledger;

/**
 * The right edge of a growing RFC 9162 tree: for each level, the root of the complete aligned
 * subtree still waiting for its right sibling. Appending a leaf completes at most one new node per
 * level; the root at the current size folds the waiting subtrees from the smallest up. Memory is
 * O(log n), so a stream of any length can be hashed into a root.
 */
final class MerkleFrontier {
  private final byte[][] waiting = new byte[64][];
  private long size;

  /** An empty frontier. */
  MerkleFrontier() {}

  /** Receives each completed node: its level, its index within the level, and its hash. */
  interface NodeSink {
    void node(int level, long index, byte[] hash);
  }

  /** Starts from a tree of {@code size} leaves whose waiting nodes are read from {@code store}. */
  static MerkleFrontier resume(HashStore store, long size) {
    MerkleFrontier f = new MerkleFrontier();
    f.size = size;
    for (int level = 0; level < 63; level++) {
      long count = size >>> level;
      if ((count & 1) == 1) {
        f.waiting[level] = store.node(level, count - 1);
      }
    }
    return f;
  }

  /**
   * A frontier over {@code size} leaves whose waiting nodes are {@code nodes}, largest subtree
   * first (one per set bit of {@code size}, as {@link #nodes()} lists them).
   */
  static MerkleFrontier of(long size, byte[][] nodes) {
    if (nodes.length != Long.bitCount(size)) {
      throw new IllegalArgumentException(
          nodes.length + " nodes for a frontier of " + size + " leaves");
    }
    MerkleFrontier f = new MerkleFrontier();
    f.size = size;
    int next = 0;
    for (int level = 63; level >= 0; level--) {
      if (((size >>> level) & 1) == 1) {
        f.waiting[level] = nodes[next++].clone();
      }
    }
    return f;
  }

  /** The waiting nodes, largest subtree first: copies. */
  byte[][] nodes() {
    byte[][] out = new byte[Long.bitCount(size)][];
    int next = 0;
    for (int level = 63; level >= 0; level--) {
      if (waiting[level] != null) {
        out[next++] = waiting[level].clone();
      }
    }
    return out;
  }

  /** An independent copy. */
  MerkleFrontier copy() {
    MerkleFrontier f = new MerkleFrontier();
    f.size = size;
    System.arraycopy(waiting, 0, f.waiting, 0, waiting.length);
    return f;
  }

  /** Leaves pushed so far (including those resumed). */
  long size() {
    return size;
  }

  /** Adds a leaf hash and reports every node it completes, the leaf itself first. */
  void push(byte[] leafHash, NodeSink sink) {
    long index = size;
    byte[] node = leafHash;
    int level = 0;
    sink.node(0, index, node);
    while ((index & 1) == 1) {
      node = MerkleHash.node(waiting[level], node);
      waiting[level] = null;
      index >>>= 1;
      level++;
      sink.node(level, index, node);
    }
    waiting[level] = node;
    size++;
  }

  /** The root hash of the leaves pushed so far ({@code SHA-256("")} for none). */
  byte[] root() {
    byte[] acc = null;
    for (int level = 0; level < 64; level++) {
      if (waiting[level] != null) {
        acc = acc == null ? waiting[level] : MerkleHash.node(waiting[level], acc);
      }
    }
    return acc == null ? MerkleHash.empty() : acc;
  }
}
