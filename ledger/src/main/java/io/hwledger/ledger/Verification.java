package io.hwledger.ledger;

import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The outcome of verifying a ledger ({@link Ledger#verify}, {@link LedgerStores#verify}): whether
 * every record's checksum, hash, chain link and Merkle leaf is right, and if not, the first record
 * that is wrong and why.
 *
 * @param ok whether everything verified
 * @param size records verified (when not ok: records before the first bad one)
 * @param root the Merkle root of the verified records (32 bytes)
 * @param firstBadSeq the first record that is wrong, when not ok
 * @param reason what is wrong with it, in one line, when not ok
 */
@SuppressWarnings("ArrayRecordComponent") // arrays copied in and out; equals compares contents
public record Verification(
    boolean ok, long size, byte[] root, OptionalLong firstBadSeq, Optional<String> reason) {

  /**
   * Copies the root, so later changes to the caller's array do not reach this result.
   *
   * @param ok whether everything verified
   * @param size records verified
   * @param root the Merkle root of the verified records, 32 bytes
   * @param firstBadSeq the first wrong record; empty when ok
   * @param reason what is wrong with it; empty when ok
   */
  public Verification {
    root = root.clone();
  }

  /**
   * The Merkle root of the verified records (of the first {@link #size()}).
   *
   * @return a fresh copy of the 32 bytes
   */
  @Override
  public byte[] root() {
    return root.clone();
  }

  /**
   * The root as lower-case hex.
   *
   * @return 64 hex digits
   */
  public String rootHex() {
    return HexFormat.of().formatHex(root);
  }

  /**
   * Everything verified.
   *
   * @param size records verified
   * @param root their Merkle root
   * @return an ok result
   */
  public static Verification good(long size, byte[] root) {
    return new Verification(true, size, root, OptionalLong.empty(), Optional.empty());
  }

  /**
   * Record {@code seq} is wrong; the records before it verified.
   *
   * @param seq the first wrong record
   * @param root the Merkle root of the records before it
   * @param reason what is wrong, in one line
   * @return a failed result
   */
  public static Verification bad(long seq, byte[] root, String reason) {
    return new Verification(false, seq, root, OptionalLong.of(seq), Optional.of(reason));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Verification verification
        && verification.ok == ok
        && verification.size == size
        && java.util.Arrays.equals(verification.root, root)
        && verification.firstBadSeq.equals(firstBadSeq)
        && verification.reason.equals(reason);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(ok, size, java.util.Arrays.hashCode(root), firstBadSeq, reason);
  }

  @Override
  public String toString() {
    return ok
        ? "Verification[ok, size=" + size + ", root=" + rootHex() + "]"
        : "Verification[bad at " + firstBadSeq.getAsLong() + ": " + reason.orElse("") + "]";
  }
}
