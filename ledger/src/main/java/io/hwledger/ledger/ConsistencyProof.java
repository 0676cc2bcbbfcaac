package io.hwledger.ledger;

import java.util.List;

/**
 * An RFC 9162 §2.1.4 consistency proof: the hashes that show the tree of the first {@code oldSize}
 * leaves is a prefix of the tree of the first {@code newSize} leaves. Empty when {@code oldSize} is
 * 0 or equals {@code newSize}.
 *
 * <p>Immutable: the path is copied on the way in and on the way out. Equality compares the hashes'
 * contents.
 *
 * @param oldSize leaves in the earlier tree
 * @param newSize leaves in the later tree, at least {@code oldSize}
 * @param path 32-byte hashes in the order RFC 9162's {@code PROOF} produces them
 */
public record ConsistencyProof(long oldSize, long newSize, List<byte[]> path) {

  /**
   * Validates and copies.
   *
   * @param oldSize leaves in the earlier tree, at least 0
   * @param newSize leaves in the later tree, at least {@code oldSize}
   * @param path 32-byte hashes in RFC 9162 {@code PROOF} order
   * @throws IllegalArgumentException if {@code oldSize} is negative or above {@code newSize}, or a
   *     path element is not 32 bytes
   * @throws NullPointerException if the path or an element is null
   */
  public ConsistencyProof {
    if (oldSize < 0) {
      throw new IllegalArgumentException("old size " + oldSize + " is negative");
    }
    if (oldSize > newSize) {
      throw new IllegalArgumentException("old size " + oldSize + " is above new size " + newSize);
    }
    path = Hashes.copyOf(path, "path");
  }

  /**
   * The path, in RFC 9162 {@code PROOF} order.
   *
   * @return a fresh copy of the list and of every hash, each call
   */
  @Override
  public List<byte[]> path() {
    return Hashes.cloneAll(path);
  }

  /**
   * The path as lower-case hex strings.
   *
   * @return 64 hex digits per hash, in path order
   */
  public List<String> pathHex() {
    return Hashes.hex(path);
  }

  /**
   * Whether this proof shows that {@code oldRoot} (of {@link #oldSize()} leaves) and {@code
   * newRoot} (of {@link #newSize()} leaves) belong to one append-only log; see {@link
   * MerkleTree#verifyConsistency}.
   *
   * @param oldRoot the 32-byte root of the earlier tree, from a trusted checkpoint
   * @param newRoot the 32-byte root of the later tree, from a trusted checkpoint
   * @return {@code false} for any proof that does not verify, including malformed roots
   * @throws NullPointerException if a root is null
   */
  public boolean verify(byte[] oldRoot, byte[] newRoot) {
    return MerkleTree.verifyConsistency(oldSize, newSize, oldRoot, newRoot, path);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConsistencyProof p
        && p.oldSize == oldSize
        && p.newSize == newSize
        && Hashes.equal(p.path, path);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(oldSize) * 31 + Long.hashCode(newSize)) * 31 + Hashes.hashCode(path);
  }

  @Override
  public String toString() {
    return "ConsistencyProof[oldSize="
        + oldSize
        + ", newSize="
        + newSize
        + ", path="
        + pathHex()
        + "]";
  }
}
