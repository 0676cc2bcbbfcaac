package io.hwledger.ledger;

import java.util.List;
import java.util.Objects;

/**
 * A {@link HashStore} held in memory: the leaf hashes it is given and every complete node above
 * them, built once. For tests and for trees small enough to rebuild (up to {@link
 * Integer#MAX_VALUE} leaves, though memory runs out long before).
 *
 * <p>Immutable and thread-safe once constructed.
 */
final class MemoryHashStore implements HashStore {

  /** {@code levels[k][i]} is the hash of leaves {@code [i · 2^k, (i + 1) · 2^k)}. */
  private final byte[][][] levels;

  /**
   * Builds the tree over {@code leafHashes}.
   *
   * @param leafHashes 32-byte leaf hashes (already {@code H(0x00 ‖ data)}), copied
   * @throws IllegalArgumentException if a hash is not 32 bytes
   */
  MemoryHashStore(List<byte[]> leafHashes) {
    int n = leafHashes.size();
    int height = 1;
    while ((n >>> height) > 0) {
      height++;
    }
    levels = new byte[height][][];
    levels[0] = new byte[n][];
    for (int i = 0; i < n; i++) {
      byte[] leaf = Objects.requireNonNull(leafHashes.get(i), "leaf hash");
      if (leaf.length != MerkleHash.SIZE) {
        throw new IllegalArgumentException(
            "leaf hash " + i + " has " + leaf.length + " bytes, not " + MerkleHash.SIZE);
      }
      levels[0][i] = leaf.clone();
    }
    for (int k = 1; k < height; k++) {
      byte[][] below = levels[k - 1];
      byte[][] level = new byte[below.length / 2][];
      for (int i = 0; i < level.length; i++) {
        level[i] = MerkleHash.node(below[2 * i], below[2 * i + 1]);
      }
      levels[k] = level;
    }
  }

  /** A store over the leaves {@code data}, each hashed as {@code H(0x00 ‖ data)}. */
  static MemoryHashStore ofLeafData(List<byte[]> data) {
    return new MemoryHashStore(data.stream().map(MerkleHash::leaf).toList());
  }

  @Override
  public long size() {
    return levels[0].length;
  }

  @Override
  public byte[] node(int level, long index) {
    if (level < 0 || level >= levels.length) {
      throw new IllegalArgumentException(
          "level " + level + " is outside [0, " + levels.length + ") for " + size() + " leaves");
    }
    if (index < 0 || index >= levels[level].length) {
      throw new IllegalArgumentException(
          "node index "
              + index
              + " is outside [0, "
              + levels[level].length
              + ") at level "
              + level
              + " for "
              + size()
              + " leaves");
    }
    return levels[level][(int) index];
  }
}
