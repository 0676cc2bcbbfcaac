package io.hwledger.ledger;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/** Copying, comparing and printing lists of 32-byte hashes, for the proof value types. */
final class Hashes {
  private static final HexFormat HEX = HexFormat.of();

  private Hashes() {}

  /**
   * An unmodifiable deep copy of {@code hashes}.
   *
   * @throws NullPointerException if the list or an element is null
   * @throws IllegalArgumentException if an element is not 32 bytes, naming its position
   */
  static List<byte[]> copyOf(List<byte[]> hashes, String what) {
    Objects.requireNonNull(hashes, what);
    List<byte[]> copy = new ArrayList<>(hashes.size());
    for (int i = 0; i < hashes.size(); i++) {
      byte[] h = Objects.requireNonNull(hashes.get(i), what + " element");
      if (h.length != MerkleHash.SIZE) {
        throw new IllegalArgumentException(
            what + " element " + i + " has " + h.length + " bytes, not " + MerkleHash.SIZE);
      }
      copy.add(h.clone());
    }
    return Collections.unmodifiableList(copy);
  }

  /** A fresh list of fresh arrays, so that callers cannot change the original. */
  static List<byte[]> cloneAll(List<byte[]> hashes) {
    return hashes.stream().map(byte[]::clone).toList();
  }

  static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }

  static boolean equal(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!MessageDigest.isEqual(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  static int hashCode(List<byte[]> hashes) {
    int h = 1;
    for (byte[] e : hashes) {
      h = 31 * h + Arrays.hashCode(e);
    }
    return h;
  }
}
