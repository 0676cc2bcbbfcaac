package io.hwledger.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Merkle tree of a ledger as readers see it: roots and proofs read from the {@link TreeStore}
 * in O(log n), each checked against the root the records produce before it is returned.
 *
 * <p>The trusted root comes from a {@link ChainPoint} computed by hashing records, never from the
 * tree files. A root at an earlier size is returned only with a consistency proof from it to the
 * trusted root that verifies; a leaf hash or an inclusion proof only with an inclusion proof that
 * verifies against a checked root. So a damaged, truncated, deleted or rewritten tree file can
 * never make the ledger sign, match or prove a root its records do not have: the check fails, the
 * tree is rebuilt from the records ({@link Rebuilder}), and the request is answered from the
 * rebuilt tree. The checks cost O(log n) more node reads and hashes per request.
 *
 * <p>Thread-safe: the writer thread appends while other threads read; a rebuild excludes both.
 */
final class CheckedTree implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckedTree.class);

  /** Builds a tree from the records up to a given size. */
  interface Rebuilder {
    TreeStore rebuild(long size) throws IOException;
  }

  /** A tree size and the root the records produce at it (RFC 9162's "tree head"). */
  @SuppressWarnings("ArrayRecordComponent") // never compared; the array is never handed out
  record TreeHead(long size, byte[] root) {}

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Rebuilder rebuilder;
  private final String name;
  private TreeStore tree;
  private volatile TreeHead head;

  /**
   * A checked view of {@code tree}, whose first {@code point.size()} leaves the records produce
   * with {@code point}'s root.
   */
  CheckedTree(TreeStore tree, ChainPoint point, Rebuilder rebuilder, String name) {
    this.tree = tree;
    this.head = new TreeHead(point.size(), point.root());
    this.rebuilder = rebuilder;
    this.name = name;
  }

  /** The size and root the records produce now; one consistent pair while appends go on. */
  TreeHead head() {
    return head;
  }

  /**
   * Appends leaf hashes the writer computed from records it wrote, and trusts the root they give.
   *
   * @param lastHash the last leaf's hash, for the point returned
   * @return the point the tree has reached
   */
  ChainPoint append(List<byte[]> leaves, byte[] lastHash) throws IOException {
    lock.readLock().lock(); // appends write only new nodes; only a rebuild must wait
    try {
      tree.append(leaves);
      ChainPoint point = ChainPoint.of(tree.frontier(), lastHash);
      head = new TreeHead(point.size(), point.root());
      return point;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The root of the first {@code size} leaves, {@code 0 ≤ size ≤ size()}. */
  byte[] root(long size) {
    return checked(t -> rootFrom(t, size, head));
  }

  /** The hash of leaf {@code seq}, {@code 0 ≤ seq < size()}. */
  byte[] leafHash(long seq) {
    return checked(
        t -> {
          TreeHead at = head;
          byte[] leaf = t.node(0, seq);
          InclusionProof p = MerkleTree.inclusionProof(t, seq, at.size());
          return MerkleTree.verifyInclusion(leaf, seq, at.size(), p.path(), at.root())
              ? leaf.clone()
              : null;
        });
  }

  /** An inclusion proof of leaf {@code seq} in the tree of the first {@code size} leaves. */
  InclusionProof inclusionProof(long seq, long size) {
    return checked(
        t -> {
          byte[] root = rootFrom(t, size, head);
          if (root == null) {
            return null;
          }
          InclusionProof p = MerkleTree.inclusionProof(t, seq, size);
          return MerkleTree.verifyInclusion(t.node(0, seq), seq, size, p.path(), root) ? p : null;
        });
  }

  /** A consistency proof between the trees of the first {@code oldSize} and {@code newSize}. */
  ConsistencyProof consistencyProof(long oldSize, long newSize) {
    return checked(
        t -> {
          TreeHead at = head;
          byte[] oldRoot = rootFrom(t, oldSize, at);
          byte[] newRoot = rootFrom(t, newSize, at);
          if (oldRoot == null || newRoot == null) {
            return null;
          }
          ConsistencyProof p = MerkleTree.consistencyProof(t, oldSize, newSize);
          return MerkleTree.verifyConsistency(oldSize, newSize, oldRoot, newRoot, p.path())
              ? p
              : null;
        });
  }

  /** The point the first {@code size} leaves come to, {@code 0 ≤ size ≤ size()}. */
  ChainPoint pointAt(long size) {
    return checked(
        t -> {
          byte[] root = rootFrom(t, size, head);
          if (root == null) {
            return null;
          }
          if (size == 0) {
            return ChainPoint.genesis();
          }
          MerkleFrontier frontier = MerkleFrontier.resume(t, size);
          byte[] last = t.node(0, size - 1);
          InclusionProof p = MerkleTree.inclusionProof(t, size - 1, size);
          return MessageDigest.isEqual(frontier.root(), root)
                  && MerkleTree.verifyInclusion(last, size - 1, size, p.path(), root)
              ? ChainPoint.of(frontier, last)
              : null;
        });
  }

  /** The root at {@code size} read from {@code t}, or null if it does not prove out. */
  private static byte[] rootFrom(TreeStore t, long size, TreeHead at) {
    if (size == at.size()) {
      return at.root().clone();
    }
    if (size == 0) {
      return MerkleTree.emptyRoot();
    }
    byte[] root = MerkleTree.root(t, size);
    ConsistencyProof c = MerkleTree.consistencyProof(t, size, at.size());
    return MerkleTree.verifyConsistency(size, at.size(), root, at.root(), c.path()) ? root : null;
  }

  private interface Read<T> {
    /** The answer, or null when it does not check out. */
    T from(TreeStore t);
  }

  /**
   * Answers {@code read} from the tree; when the answer does not check out, rebuilds the tree from
   * the records once and answers again.
   */
  private <T> T checked(Read<T> read) {
    TreeStore seen;
    lock.readLock().lock();
    try {
      seen = tree;
      T answer = attempt(read, seen);
      if (answer != null) {
        return answer;
      }
    } finally {
      lock.readLock().unlock();
    }
    lock.writeLock().lock();
    try {
      if (tree == seen) {
        LOG.warn("the Merkle tree of {} disagrees with its records; rebuilding it from them", name);
        rebuild();
      }
      T answer = attempt(read, tree);
      if (answer == null) {
        throw new LedgerException(
            "the Merkle tree of "
                + name
                + " still disagrees with its records after a rebuild; run verify");
      }
      return answer;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Rebuilds the tree from the records now, whatever it holds. */
  void rebuild() {
    lock.writeLock().lock();
    try {
      TreeStore rebuilt = rebuilder.rebuild(head.size());
      tree.close();
      tree = rebuilt;
    } catch (IOException e) {
      throw new LedgerException("rebuilding the Merkle tree of " + name + " failed: " + e, e);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static <T> T attempt(Read<T> read, TreeStore t) {
    try {
      return read.from(t);
    } catch (LedgerException | UncheckedIOException | IllegalArgumentException e) {
      // A level file missing or shorter than it should be; the arguments were checked before.
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    lock.writeLock().lock();
    try {
      tree.close();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
