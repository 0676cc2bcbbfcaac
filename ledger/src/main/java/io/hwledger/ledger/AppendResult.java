package io.hwledger.ledger;

import java.util.HexFormat;

/**
 * An acknowledged append: the record's sequence number (also its Merkle leaf index) and its hash.
 *
 * @param seq 0-based sequence number
 * @param hash the record hash, SHA-256 of {@code 0x00 ‖ record bytes} (its RFC 9162 leaf hash)
 */
@SuppressWarnings("ArrayRecordComponent") // arrays copied in and out; equals compares contents
public record AppendResult(long seq, byte[] hash) {

  /**
   * Copies the hash, so later changes to the caller's array do not reach this result.
   *
   * @param seq 0-based sequence number
   * @param hash the record's leaf hash, 32 bytes
   */
  public AppendResult {
    hash = hash.clone();
  }

  /**
   * The record hash, SHA-256 of {@code 0x00 ‖ record bytes}.
   *
   * @return a fresh copy of the 32 bytes
   */
  @Override
  public byte[] hash() {
    return hash.clone();
  }

  /**
   * The hash as lower-case hex.
   *
   * @return 64 hex digits
   */
  public String hashHex() {
    return HexFormat.of().formatHex(hash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AppendResult appendResult
        && appendResult.seq == seq
        && java.util.Arrays.equals(appendResult.hash, hash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq) * 31 + java.util.Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "AppendResult[seq=" + seq + ", hash=" + hashHex() + "]";
  }
}
