package io.hwledger.ledger;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * RFC 9162 §2.1 Merkle tree hashes, inclusion proofs and consistency proofs over SHA-256.
 *
 * <p>Roots and proofs are read from a {@link HashStore} in O(log n) node reads: any range the RFC's
 * recursion visits is split into complete, aligned subtrees (one stored node each) and folded right
 * to left, which is what splitting at the largest power of two strictly below the range size
 * amounts to.
 *
 * <p>The verifiers need no store. They follow RFC 9162 §2.1.3.2 and §2.1.4.2 step by step, never
 * throw on a malformed proof, and return {@code false} for it: wrong sizes, an index not below the
 * size, an old size above the new one, hashes that are not 32 bytes, or a path with an extra,
 * missing or modified element. Null arguments are programming errors and throw {@link
 * NullPointerException}; a null <em>element</em> of a path is bad input and gives {@code false}.
 *
 * <p>A proof binds hashes, not positions: the root is what ties a tree to a size. The RFC's audit
 * path only records on which side each sibling hangs, so the path that proves leaf 0 of the tree of
 * 8 leaves also verifies, against the same root, as a proof for sizes 5 to 7, and the path of leaf
 * 4 of 5 as one for leaf 1 of 2. Take the size and root from a signed {@link Checkpoint}, never
 * from the prover, and the index from the record the leaf hash was computed from.
 *
 * <p>Stateless and thread-safe.
 */
public final class MerkleTree {

  private MerkleTree() {}

  /**
   * The RFC 9162 hash of a leaf whose content is {@code data}.
   *
   * @param data the leaf's bytes: for a ledger record, its canonical record bytes
   * @return {@code SHA-256(0x00 ‖ data)}, a fresh 32-byte array
   */
  public static byte[] leafHash(byte[] data) {
    return MerkleHash.leaf(Objects.requireNonNull(data, "data"));
  }

  /**
   * The RFC 9162 root of the empty tree.
   *
   * @return {@code SHA-256("")}, a fresh 32-byte array
   */
  public static byte[] emptyRoot() {
    return MerkleHash.empty();
  }

  /**
   * The root hash (RFC 9162 {@code MTH}) of the first {@code size} leaves in {@code store}.
   *
   * @param store the stored tree
   * @param size leaves to include, {@code 0 ≤ size ≤ store.size()}; 0 gives {@code SHA-256("")}
   * @return a fresh 32-byte array
   * @throws IllegalArgumentException if {@code size} is out of range
   */
  public static byte[] root(HashStore store, long size) {
    checkTreeSize(store, size);
    return size == 0 ? MerkleHash.empty() : range(store, 0, size).clone();
  }

  /**
   * The inclusion proof (RFC 9162 {@code PATH}) of leaf {@code index} in the tree of the first
   * {@code size} leaves.
   *
   * @param store the stored tree
   * @param index the leaf
   * @param size leaves in the tree
   * @return the proof
   * @throws IllegalArgumentException if {@code size} exceeds the store or {@code index} is not in
   *     {@code [0, size)}
   */
  public static InclusionProof inclusionProof(HashStore store, long index, long size) {
    checkTreeSize(store, size);
    if (index < 0) {
      throw new IllegalArgumentException("index " + index + " is negative");
    }
    if (index >= size) {
      throw new IllegalArgumentException("index " + index + " is not below tree size " + size);
    }
    // Walk from the root down to the leaf; the RFC lists the siblings from the leaf up.
    List<byte[]> path = new ArrayList<>();
    long start = 0;
    long end = size;
    while (end - start > 1) {
      long k = Long.highestOneBit(end - start - 1);
      if (index < start + k) {
        path.add(range(store, start + k, end));
        end = start + k;
      } else {
        path.add(range(store, start, start + k));
        start += k;
      }
    }
    Collections.reverse(path);
    return new InclusionProof(index, size, path);
  }

  /**
   * The consistency proof (RFC 9162 {@code PROOF}) from the tree of the first {@code oldSize}
   * leaves to the tree of the first {@code newSize}; empty when {@code oldSize} is 0 or equals
   * {@code newSize}.
   *
   * @param store the stored tree
   * @param oldSize leaves in the earlier tree
   * @param newSize leaves in the later tree
   * @return the proof
   * @throws IllegalArgumentException unless {@code 0 ≤ oldSize ≤ newSize ≤ store.size()}
   */
  public static ConsistencyProof consistencyProof(HashStore store, long oldSize, long newSize) {
    checkTreeSize(store, newSize);
    if (oldSize < 0) {
      throw new IllegalArgumentException("old size " + oldSize + " is negative");
    }
    if (oldSize > newSize) {
      throw new IllegalArgumentException("old size " + oldSize + " is above new size " + newSize);
    }
    List<byte[]> path = new ArrayList<>();
    if (oldSize > 0 && oldSize < newSize) {
      // SUBPROOF(m, D[start:end], onOldEdge), unrolled; m is relative to start.
      long start = 0;
      long end = newSize;
      long m = oldSize;
      boolean onOldEdge = true;
      while (m != end - start) {
        long k = Long.highestOneBit(end - start - 1);
        if (m <= k) {
          path.add(range(store, start + k, end));
          end = start + k;
        } else {
          path.add(range(store, start, start + k));
          start += k;
          m -= k;
          onOldEdge = false;
        }
      }
      if (!onOldEdge) {
        path.add(range(store, start, end));
      }
      Collections.reverse(path);
    }
    return new ConsistencyProof(oldSize, newSize, path);
  }

  /**
   * Whether {@code path} proves that {@code leafHash} is leaf {@code index} of the tree of {@code
   * size} leaves whose root is {@code root} (RFC 9162 §2.1.3.2).
   *
   * @param leafHash the leaf's hash, {@code SHA-256(0x00 ‖ data)}, not the data
   * @param index the leaf's position, from 0
   * @param size leaves in the tree, from a trusted checkpoint
   * @param path the audit path, leaf end first
   * @param root the tree's 32-byte root, from a trusted checkpoint
   * @return {@code false} for any proof that does not verify, including malformed ones
   * @throws NullPointerException if an argument (not a path element) is null
   */
  public static boolean verifyInclusion(
      byte[] leafHash, long index, long size, List<byte[]> path, byte[] root) {
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(root, "root");
    if (index < 0 || index >= size || !isHash(leafHash) || !isHash(root)) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : path) {
      if (sn == 0 || !isHash(p)) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleHash.node(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        r = MerkleHash.node(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * Whether {@code proof} shows that {@code oldRoot}, the root of a tree of {@code oldSize} leaves,
   * and {@code newRoot}, of {@code newSize} leaves, are two states of one append-only log (RFC 9162
   * §2.1.4.2).
   *
   * <p>RFC 9162 defines proofs for {@code 0 < oldSize < newSize}; the two trivial cases are
   * accepted only with an empty proof: {@code oldSize == newSize} when the roots are equal, and
   * {@code oldSize == 0} when {@code oldRoot} is {@code SHA-256("")}, the empty tree's root.
   *
   * @param oldSize leaves in the earlier tree
   * @param newSize leaves in the later tree
   * @param oldRoot the earlier tree's 32-byte root
   * @param newRoot the later tree's 32-byte root
   * @param proof the consistency proof, RFC 9162 {@code PROOF} order
   * @return {@code false} for any proof that does not verify, including malformed ones
   * @throws NullPointerException if an argument (not a proof element) is null
   */
  public static boolean verifyConsistency(
      long oldSize, long newSize, byte[] oldRoot, byte[] newRoot, List<byte[]> proof) {
    Objects.requireNonNull(oldRoot, "oldRoot");
    Objects.requireNonNull(newRoot, "newRoot");
    Objects.requireNonNull(proof, "proof");
    if (oldSize < 0 || oldSize > newSize || !isHash(oldRoot) || !isHash(newRoot)) {
      return false;
    }
    if (oldSize == newSize) {
      return proof.isEmpty() && MessageDigest.isEqual(oldRoot, newRoot);
    }
    if (oldSize == 0) {
      return proof.isEmpty() && MessageDigest.isEqual(oldRoot, MerkleHash.empty());
    }
    // Step 1: an empty proof fails.
    if (proof.isEmpty()) {
      return false;
    }
    for (byte[] c : proof) {
      if (!isHash(c)) {
        return false;
      }
    }
    // Step 2: a power-of-two old tree is a subtree of the new one; its root starts the path.
    boolean oldIsSubtree = Long.bitCount(oldSize) == 1;
    int next = oldIsSubtree ? 0 : 1;
    byte[] seed = oldIsSubtree ? oldRoot : proof.get(0);
    // Steps 3 and 4.
    long fn = oldSize - 1;
    long sn = newSize - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    // Step 5.
    byte[] fr = seed;
    byte[] sr = seed;
    // Step 6.
    for (int i = next; i < proof.size(); i++) {
      byte[] c = proof.get(i);
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = MerkleHash.node(c, fr);
        sr = MerkleHash.node(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        sr = MerkleHash.node(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    // Step 7.
    return sn == 0 && MessageDigest.isEqual(fr, oldRoot) && MessageDigest.isEqual(sr, newRoot);
  }

  /**
   * The hash of leaves {@code [start, end)}, where {@code start} is a multiple of the largest power
   * of two not above {@code end - start} (true of every range RFC 9162's recursion visits). The
   * binary digits of {@code end - start} give the complete aligned subtrees, largest first; folding
   * them right to left is the RFC's split rule. The result may be the store's own array.
   */
  private static byte[] range(HashStore store, long start, long end) {
    long n = end - start;
    byte[] acc = null;
    long pos = end;
    for (int level = 0; level < Long.SIZE - 1; level++) {
      if (((n >>> level) & 1) == 1) {
        pos -= 1L << level;
        byte[] subtree = store.node(level, pos >>> level);
        acc = acc == null ? subtree : MerkleHash.node(subtree, acc);
      }
    }
    return acc;
  }

  private static void checkTreeSize(HashStore store, long size) {
    Objects.requireNonNull(store, "store");
    if (size < 0) {
      throw new IllegalArgumentException("tree size " + size + " is negative");
    }
    long available = store.size();
    if (size > available) {
      throw new IllegalArgumentException(
          "tree size " + size + " is above the " + available + " leaves stored");
    }
  }

  private static boolean isHash(byte[] h) {
    return h != null && h.length == MerkleHash.SIZE;
  }
}
