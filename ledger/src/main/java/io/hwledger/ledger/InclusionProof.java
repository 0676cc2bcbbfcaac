package io.hwledger.ledger;

import java.util.List;

/**
 * An RFC 9162 §2.1.3 inclusion proof: the audit path that links the leaf at {@code index} to the
 * root of the tree of its first {@code treeSize} leaves, ordered from the leaf's sibling up to the
 * root's child.
 *
 * <p>Immutable: the path is copied on the way in and on the way out. Equality compares the hashes'
 * contents.
 *
 * @param index the leaf's position, from 0
 * @param treeSize leaves in the tree the proof is for
 * @param path 32-byte hashes, leaf end first
 */
public record InclusionProof(long index, long treeSize, List<byte[]> path) {

  /**
   * Validates and copies.
   *
   * @param index the leaf's position, from 0
   * @param treeSize leaves in the tree, above {@code index}
   * @param path 32-byte hashes, leaf end first
   * @throws IllegalArgumentException if {@code index} is negative or not below {@code treeSize}, or
   *     a path element is not 32 bytes
   * @throws NullPointerException if the path or an element is null
   */
  public InclusionProof {
    if (index < 0) {
      throw new IllegalArgumentException("index " + index + " is negative");
    }
    if (index >= treeSize) {
      throw new IllegalArgumentException("index " + index + " is not below tree size " + treeSize);
    }
    path = Hashes.copyOf(path, "path");
  }

  /**
   * The audit path, leaf end first.
   *
   * @return a fresh copy of the list and of every hash, each call
   */
  @Override
  public List<byte[]> path() {
    return Hashes.cloneAll(path);
  }

  /**
   * The path as lower-case hex strings, leaf end first.
   *
   * @return 64 hex digits per hash
   */
  public List<String> pathHex() {
    return Hashes.hex(path);
  }

  /**
   * Whether this proof shows that {@code leafHash} is leaf {@link #index()} of the tree of {@link
   * #treeSize()} leaves whose root is {@code root}; see {@link MerkleTree#verifyInclusion}.
   *
   * @param leafHash the leaf's hash, {@code SHA-256(0x00 ‖ data)}, not the data
   * @param root the 32-byte root of that tree, from a trusted checkpoint
   * @return {@code false} for any proof that does not verify, including malformed hashes
   * @throws NullPointerException if an argument is null
   */
  public boolean verify(byte[] leafHash, byte[] root) {
    return MerkleTree.verifyInclusion(leafHash, index, treeSize, path, root);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InclusionProof p
        && p.index == index
        && p.treeSize == treeSize
        && Hashes.equal(p.path, path);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(index) * 31 + Long.hashCode(treeSize)) * 31 + Hashes.hashCode(path);
  }

  @Override
  public String toString() {
    return "InclusionProof[index=" + index + ", treeSize=" + treeSize + ", path=" + pathHex() + "]";
  }
}
