package io.hwledger.ledger;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * What the first {@code size} records of a ledger come to: the hash of record {@code size − 1} (the
 * chain link record {@code size} must store; {@link RecordCodec#GENESIS} for none) and the Merkle
 * frontier over their leaf hashes (the roots of the complete aligned subtrees of {@code [0, size)},
 * largest first, which give the RFC 9162 root at {@code size} and let the tree grow).
 *
 * <p>O(log n) bytes stand for the whole history before {@code size}: anyone who hashes records
 * {@code size, size + 1, …} from here gets the same roots as hashing every record from genesis. The
 * ledger keeps one in {@code head} (the newest it computed, {@link LedgerHead}) and, after old
 * segments are dropped, one in {@code retained} (where the retained records start, {@link
 * RetainedStart}).
 *
 * <p>Immutable.
 */
final class ChainPoint {
  /** Largest encoding: size, last hash, node count, 64 nodes. */
  static final int MAX_BYTES = 8 + 32 + 1 + 64 * 32;

  private static final ChainPoint GENESIS = new ChainPoint(0, RecordCodec.GENESIS, new byte[0][]);

  private final long size;
  private final byte[] lastHash;
  private final byte[][] nodes;

  private ChainPoint(long size, byte[] lastHash, byte[][] nodes) {
    this.size = size;
    this.lastHash = lastHash;
    this.nodes = nodes;
  }

  /** The point before the first record. */
  static ChainPoint genesis() {
    return GENESIS;
  }

  /** The point a frontier has reached, with {@code lastHash} the hash of its last leaf. */
  static ChainPoint of(MerkleFrontier frontier, byte[] lastHash) {
    return new ChainPoint(frontier.size(), lastHash.clone(), frontier.nodes());
  }

  /** Records before this point. */
  long size() {
    return size;
  }

  /** The hash of record {@code size − 1}, or {@link RecordCodec#GENESIS} at size 0. */
  byte[] lastHash() {
    return lastHash.clone();
  }

  /** A frontier positioned here, to which the records from {@code size} on can be pushed. */
  MerkleFrontier frontier() {
    return MerkleFrontier.of(size, nodes);
  }

  /** The RFC 9162 root of the first {@code size} records. */
  byte[] root() {
    return frontier().root();
  }

  /** Whether the point is the same as {@code other}'s. */
  boolean sameAs(ChainPoint other) {
    return size == other.size
        && MessageDigest.isEqual(lastHash, other.lastHash)
        && Arrays.deepEquals(nodes, other.nodes);
  }

  /** Writes {@code size:u64 lastHash:32 count:u8 nodes:count×32}. */
  void writeTo(ByteBuffer out) {
    out.putLong(size);
    out.put(lastHash);
    out.put((byte) nodes.length);
    for (byte[] node : nodes) {
      out.put(node);
    }
  }

  /**
   * Reads what {@link #writeTo} wrote.
   *
   * @throws IllegalArgumentException if the bytes cannot be a chain point
   */
  static ChainPoint readFrom(ByteBuffer in) {
    long size = in.getLong();
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    byte[] last = new byte[32];
    in.get(last);
    int count = Byte.toUnsignedInt(in.get());
    if (count != Long.bitCount(size)) {
      throw new IllegalArgumentException(
          count + " frontier nodes for size " + size + ", expected " + Long.bitCount(size));
    }
    byte[][] nodes = new byte[count][32];
    for (byte[] node : nodes) {
      in.get(node);
    }
    if (size == 0 && !Arrays.equals(last, RecordCodec.GENESIS)) {
      throw new IllegalArgumentException("size 0 with a last hash other than genesis");
    }
    return new ChainPoint(size, last, nodes);
  }

  @Override
  public String toString() {
    return "ChainPoint[size=" + size + "]";
  }
}
