package io.hwledger.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9162 §2.1 written out as the RFC states it, recursively over a list of leaf data, with its
 * own SHA-256: {@code MTH}, {@code PATH} and {@code PROOF}, and verifiers that rebuild the roots by
 * following the same recursions. Slow and obviously right; the tests compare the O(log n) code and
 * the RFC's iterative verifiers against it.
 */
final class Rfc9162Reference {
  private Rfc9162Reference() {}

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] leafHash(byte[] data) {
    return sha256(new byte[] {0}, data);
  }

  static byte[] nodeHash(byte[] left, byte[] right) {
    return sha256(new byte[] {1}, left, right);
  }

  /** The largest power of two strictly below {@code n}, for n ≥ 2. */
  static int split(int n) {
    int k = 1;
    while (k * 2 < n) {
      k *= 2;
    }
    return k;
  }

  /** MTH over leaves given by their hashes (the record hashes a ledger returns). */
  static byte[] rootOfLeafHashes(List<byte[]> leafHashes, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return sha256();
    }
    if (n == 1) {
      return leafHashes.get(from);
    }
    int k = split(n);
    return nodeHash(
        rootOfLeafHashes(leafHashes, from, from + k), rootOfLeafHashes(leafHashes, from + k, to));
  }

  /** MTH(D[from:to]). */
  static byte[] mth(List<byte[]> d, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return sha256();
    }
    if (n == 1) {
      return leafHash(d.get(from));
    }
    int k = split(n);
    return nodeHash(mth(d, from, from + k), mth(d, from + k, to));
  }

  /** PATH(m, D[from:to]), m relative to from. */
  static List<byte[]> path(List<byte[]> d, int m, int from, int to) {
    int n = to - from;
    List<byte[]> out = new ArrayList<>();
    if (n == 1) {
      return out;
    }
    int k = split(n);
    if (m < k) {
      out.addAll(path(d, m, from, from + k));
      out.add(mth(d, from + k, to));
    } else {
      out.addAll(path(d, m - k, from + k, to));
      out.add(mth(d, from, from + k));
    }
    return out;
  }

  /** PROOF(m, D[0:n]). */
  static List<byte[]> proof(List<byte[]> d, int m, int n) {
    return subproof(d, m, 0, n, true);
  }

  private static List<byte[]> subproof(List<byte[]> d, int m, int from, int to, boolean b) {
    int n = to - from;
    List<byte[]> out = new ArrayList<>();
    if (m == n) {
      if (!b) {
        out.add(mth(d, from, to));
      }
      return out;
    }
    int k = split(n);
    if (m <= k) {
      out.addAll(subproof(d, m, from, from + k, b));
      out.add(mth(d, from + k, to));
    } else {
      out.addAll(subproof(d, m - k, from + k, to, false));
      out.add(mth(d, from, from + k));
    }
    return out;
  }

  /**
   * Whether {@code path} is a PATH for leaf {@code m} of a tree of {@code n} leaves with root
   * {@code root}: rebuild the root by the PATH recursion, using the path's last element as the
   * top-level sibling.
   */
  static boolean verifyInclusion(byte[] leaf, long m, long n, List<byte[]> path, byte[] root) {
    if (m < 0 || m >= n || n > Integer.MAX_VALUE) {
      return false;
    }
    byte[] r = rootFromPath(leaf, m, n, path, path.size());
    return r != null && MessageDigest.isEqual(r, root);
  }

  private static byte[] rootFromPath(byte[] leaf, long m, long n, List<byte[]> path, int len) {
    if (n == 1) {
      return len == 0 ? leaf : null;
    }
    if (len == 0) {
      return null;
    }
    int k = split((int) n);
    byte[] top = path.get(len - 1);
    if (m < k) {
      byte[] left = rootFromPath(leaf, m, k, path, len - 1);
      return left == null ? null : nodeHash(left, top);
    }
    byte[] right = rootFromPath(leaf, m - k, n - k, path, len - 1);
    return right == null ? null : nodeHash(top, right);
  }

  /**
   * Whether {@code proof} is a PROOF from a tree of {@code m} leaves with root {@code oldRoot} to
   * one of {@code n} leaves with root {@code newRoot}, by the SUBPROOF recursion; with the trivial
   * cases that the library documents (m = n: empty proof, equal roots; m = 0: empty proof, old root
   * SHA-256("")).
   */
  static boolean verifyConsistency(
      long m, long n, byte[] oldRoot, byte[] newRoot, List<byte[]> proof) {
    if (m < 0 || m > n || n > Integer.MAX_VALUE) {
      return false;
    }
    if (m == n) {
      return proof.isEmpty() && MessageDigest.isEqual(oldRoot, newRoot);
    }
    if (m == 0) {
      return proof.isEmpty() && MessageDigest.isEqual(oldRoot, sha256());
    }
    byte[][] roots = rootsFromProof(m, n, true, oldRoot, proof, proof.size());
    return roots != null
        && MessageDigest.isEqual(roots[0], oldRoot)
        && MessageDigest.isEqual(roots[1], newRoot);
  }

  /** {old root, new root} of SUBPROOF(m, D[n], b) using the first {@code len} elements. */
  private static byte[][] rootsFromProof(
      long m, long n, boolean b, byte[] oldRoot, List<byte[]> proof, int len) {
    if (m == n) {
      if (b) {
        return len == 0 ? new byte[][] {oldRoot, oldRoot} : null;
      }
      return len == 1 ? new byte[][] {proof.get(0), proof.get(0)} : null;
    }
    if (len == 0) {
      return null;
    }
    int k = split((int) n);
    byte[] top = proof.get(len - 1);
    if (m <= k) {
      byte[][] sub = rootsFromProof(m, k, b, oldRoot, proof, len - 1);
      return sub == null ? null : new byte[][] {sub[0], nodeHash(sub[1], top)};
    }
    byte[][] sub = rootsFromProof(m - k, n - k, false, oldRoot, proof, len - 1);
    return sub == null ? null : new byte[][] {nodeHash(top, sub[0]), nodeHash(top, sub[1])};
  }
}
