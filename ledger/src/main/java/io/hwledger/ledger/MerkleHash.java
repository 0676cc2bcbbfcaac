package io.hwledger.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The RFC 9162 §2.1.1 hash functions over SHA-256: leaves are hashed as {@code H(0x00 ‖ data)},
 * interior nodes as {@code H(0x01 ‖ left ‖ right)}, and the empty tree as {@code H("")}. The
 * distinct prefixes keep a leaf from ever being mistaken for a node (second-preimage resistance).
 *
 * <p>Thread-safe: each thread hashes with its own {@link MessageDigest}.
 */
final class MerkleHash {

  /** Bytes in every hash. */
  static final int SIZE = 32;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(MerkleHash::newSha256);

  private static final byte[] EMPTY = SHA256.get().digest();

  private MerkleHash() {}

  /** {@code SHA-256(0x00 ‖ data)}. */
  static byte[] leaf(byte[] data) {
    MessageDigest md = digest();
    md.update(LEAF_PREFIX);
    md.update(data);
    return md.digest();
  }

  /** {@code SHA-256(0x00 ‖ data[offset, offset + length))}, without copying the range. */
  static byte[] leaf(byte[] data, int offset, int length) {
    MessageDigest md = digest();
    md.update(LEAF_PREFIX);
    md.update(data, offset, length);
    return md.digest();
  }

  /** {@code SHA-256(0x01 ‖ left ‖ right)}. */
  static byte[] node(byte[] left, byte[] right) {
    MessageDigest md = digest();
    md.update(NODE_PREFIX);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** The hash of the empty tree, {@code SHA-256("")}; a fresh copy each call. */
  static byte[] empty() {
    return EMPTY.clone();
  }

  /** Plain {@code SHA-256(data)}, for key hashes and other non-tree uses. */
  static byte[] sha256(byte[]... parts) {
    MessageDigest md = digest();
    for (byte[] part : parts) {
      md.update(part);
    }
    return md.digest();
  }

  /** This thread's digest, reset in case an earlier call was interrupted by an exception. */
  private static MessageDigest digest() {
    MessageDigest md = SHA256.get();
    md.reset();
    return md;
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java SE implementation is required to provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
