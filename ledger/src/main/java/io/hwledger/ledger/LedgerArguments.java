package io.hwledger.ledger;

/**
 * The argument rules of {@link LedgerStore}'s reads and proofs, with their one-line messages, for
 * every store implementation to apply alike.
 */
public final class LedgerArguments {
  private LedgerArguments() {}

  /**
   * Checks a tree size against the records held.
   *
   * @param size the size asked for
   * @param current the records held
   * @throws IllegalArgumentException if {@code size} is outside {@code [0, current]}
   */
  public static void checkTreeSize(long size, long current) {
    if (size < 0 || size > current) {
      throw new IllegalArgumentException(
          "tree size " + size + " is outside the ledger's 0.." + current);
    }
  }

  /**
   * Checks that record {@code seq} is held.
   *
   * @param seq the record asked for
   * @param current the records held
   * @throws IllegalArgumentException if {@code seq} is outside {@code [0, current)}
   */
  public static void checkRecord(long seq, long current) {
    if (seq < 0 || seq >= current) {
      throw new IllegalArgumentException("no record " + seq + " in a ledger of " + current);
    }
  }

  /**
   * Checks the arguments of an inclusion proof.
   *
   * @param seq the record to prove
   * @param size the tree it is proved in
   * @param current the records held
   * @throws IllegalArgumentException if {@code size} is outside {@code [0, current]} or {@code seq}
   *     outside {@code [0, size)}
   */
  public static void checkInclusion(long seq, long size, long current) {
    checkTreeSize(size, current);
    if (seq < 0 || seq >= size) {
      throw new IllegalArgumentException("no record " + seq + " in a tree of " + size);
    }
  }

  /**
   * Checks the arguments of a consistency proof.
   *
   * @param oldSize the earlier tree
   * @param newSize the later tree
   * @param current the records held
   * @throws IllegalArgumentException unless {@code 0 ≤ oldSize ≤ newSize ≤ current}
   */
  public static void checkConsistency(long oldSize, long newSize, long current) {
    checkTreeSize(newSize, current);
    if (oldSize < 0 || oldSize > newSize) {
      throw new IllegalArgumentException(
          "old size " + oldSize + " is outside 0.." + newSize + " (the new size)");
    }
  }

  /**
   * Checks a read's range and returns where it ends.
   *
   * @param from the first record to read
   * @param limit the most records to read
   * @param current the records held
   * @return the end of the range, exclusive: {@code min(current, from + limit)} without overflow
   * @throws IllegalArgumentException if {@code from} or {@code limit} is negative
   */
  public static long readEnd(long from, long limit, long current) {
    if (from < 0) {
      throw new IllegalArgumentException("from must not be negative, was " + from);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    return Math.min(current, from + Math.min(limit, Long.MAX_VALUE - from));
  }
}
