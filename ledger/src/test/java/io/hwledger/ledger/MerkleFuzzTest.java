package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random mutations of valid proofs over random trees: flipped bits, dropped, appended,
 * duplicated, inserted and reordered elements, resized hashes, swapped roots, and indexes and sizes
 * moved by one. None may throw; none that changes a hash or the proof's elements may verify; and a
 * changed index or size verifies exactly when the RFC's recursive definition ({@link
 * Rfc9162Reference}) cannot tell it apart (see {@code
 * MerkleTreeTest.proofsDoNotBindSizesBeyondTheirShape}).
 *
 * <p>The seed is printed and can be fixed with {@code -Dhwledger.seed=N}.
 */
@Verifies("FR-LEDGER-004")
class MerkleFuzzTest {
  static final long SEED = Long.getLong("hwledger.seed", System.nanoTime());
  private static final int CASES = 150;
  private static final int ROUNDS = 20;

  static {
    System.out.println(
        "MerkleFuzzTest seed: " + SEED + " (rerun with -Dhwledger.seed=" + SEED + ")");
  }

  /** A random tree and a random leaf and old size in it. */
  record Tree(int caseNumber, long seed, List<byte[]> data, int index, int oldSize) {
    @Override
    public String toString() {
      return "case "
          + caseNumber
          + ": "
          + data.size()
          + " leaves, index "
          + index
          + ", old size "
          + oldSize;
    }
  }

  static Stream<Tree> trees() {
    SplittableRandom r = new SplittableRandom(SEED);
    return IntStream.range(0, CASES)
        .mapToObj(
            c -> {
              int n = 1 + r.nextInt(1 << r.nextInt(0, 11));
              List<byte[]> data = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                byte[] d = new byte[r.nextInt(0, 9)];
                r.nextBytes(d);
                data.add(d);
              }
              return new Tree(c, r.nextLong(), data, r.nextInt(n), r.nextInt(n + 1));
            });
  }

  /** A claim that a leaf is in a tree (a class, not a record: it holds arrays). */
  private static final class Inclusion {
    private final byte[] leaf;
    private final long index;
    private final long size;
    private final List<byte[]> path;
    private final byte[] root;

    Inclusion(byte[] leaf, long index, long size, List<byte[]> path, byte[] root) {
      this.leaf = leaf;
      this.index = index;
      this.size = size;
      this.path = path;
      this.root = root;
    }

    byte[] leaf() {
      return leaf;
    }

    long index() {
      return index;
    }

    long size() {
      return size;
    }

    List<byte[]> path() {
      return path;
    }

    byte[] root() {
      return root;
    }
  }

  /** A claim that one tree extends another. */
  private static final class Consistency {
    private final long oldSize;
    private final long newSize;
    private final byte[] oldRoot;
    private final byte[] newRoot;
    private final List<byte[]> path;

    Consistency(long oldSize, long newSize, byte[] oldRoot, byte[] newRoot, List<byte[]> path) {
      this.oldSize = oldSize;
      this.newSize = newSize;
      this.oldRoot = oldRoot;
      this.newRoot = newRoot;
      this.path = path;
    }

    long oldSize() {
      return oldSize;
    }

    long newSize() {
      return newSize;
    }

    byte[] oldRoot() {
      return oldRoot;
    }

    byte[] newRoot() {
      return newRoot;
    }

    List<byte[]> path() {
      return path;
    }
  }

  @ParameterizedTest
  @MethodSource("trees")
  void mutatedInclusionProofsDoNotVerify(Tree t) {
    MemoryHashStore store = MemoryHashStore.ofLeafData(t.data());
    int n = t.data().size();
    Inclusion valid =
        new Inclusion(
            MerkleTree.leafHash(t.data().get(t.index())),
            t.index(),
            n,
            MerkleTree.inclusionProof(store, t.index(), n).path(),
            MerkleTree.root(store, n));
    assertThat(verify(valid)).isTrue();
    SplittableRandom r = new SplittableRandom(t.seed());
    for (int round = 0; round < ROUNDS; round++) {
      for (Function<Inclusion, Inclusion> hashMutation : hashMutations(r)) {
        Inclusion m = hashMutation.apply(valid);
        boolean noOp = same(m, valid);
        assertThat(verify(m)).as("%s, round %d: %s", t, round, describe(m)).isEqualTo(noOp);
      }
      for (Inclusion m : positionMutations(valid, r)) {
        assertThat(verify(m))
            .as("%s, round %d: index %d size %d", t, round, m.index(), m.size())
            .isEqualTo(
                Rfc9162Reference.verifyInclusion(
                    m.leaf(), m.index(), m.size(), m.path(), m.root()));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("trees")
  void mutatedConsistencyProofsDoNotVerify(Tree t) {
    MemoryHashStore store = MemoryHashStore.ofLeafData(t.data());
    int n = t.data().size();
    Consistency valid =
        new Consistency(
            t.oldSize(),
            n,
            MerkleTree.root(store, t.oldSize()),
            MerkleTree.root(store, n),
            MerkleTree.consistencyProof(store, t.oldSize(), n).path());
    assertThat(verify(valid)).isTrue();
    SplittableRandom r = new SplittableRandom(t.seed());
    for (int round = 0; round < ROUNDS; round++) {
      for (Function<Consistency, Consistency> hashMutation : consistencyHashMutations(r)) {
        Consistency m = hashMutation.apply(valid);
        // Every tree extends the empty one: from size 0 the new root is not checked.
        boolean noOp =
            same(m, valid)
                || (valid.oldSize() == 0
                    && same(
                        m,
                        new Consistency(
                            0, valid.newSize(), valid.oldRoot(), m.newRoot(), valid.path())));
        assertThat(verify(m)).as("%s, round %d: %s", t, round, describe(m)).isEqualTo(noOp);
      }
      for (Consistency m : sizeMutations(valid, r)) {
        assertThat(verify(m))
            .as("%s, round %d: %d -> %d", t, round, m.oldSize(), m.newSize())
            .isEqualTo(
                Rfc9162Reference.verifyConsistency(
                    m.oldSize(), m.newSize(), m.oldRoot(), m.newRoot(), m.path()));
      }
    }
  }

  private static boolean verify(Inclusion c) {
    return MerkleTree.verifyInclusion(c.leaf(), c.index(), c.size(), c.path(), c.root());
  }

  private static boolean verify(Consistency c) {
    return MerkleTree.verifyConsistency(
        c.oldSize(), c.newSize(), c.oldRoot(), c.newRoot(), c.path());
  }

  private static List<Function<Inclusion, Inclusion>> hashMutations(SplittableRandom r) {
    long choice = r.nextLong();
    return List.of(
        c -> new Inclusion(c.leaf(), c.index(), c.size(), mutatePath(c.path(), r), c.root()),
        c -> new Inclusion(flip(c.leaf(), r), c.index(), c.size(), c.path(), c.root()),
        c -> new Inclusion(c.leaf(), c.index(), c.size(), c.path(), flip(c.root(), r)),
        c -> new Inclusion(c.root(), c.index(), c.size(), c.path(), c.leaf()),
        c -> new Inclusion(resize(c.leaf(), choice), c.index(), c.size(), c.path(), c.root()),
        c -> new Inclusion(c.leaf(), c.index(), c.size(), c.path(), resize(c.root(), choice)));
  }

  private static List<Function<Consistency, Consistency>> consistencyHashMutations(
      SplittableRandom r) {
    long choice = r.nextLong();
    return List.of(
        c ->
            new Consistency(
                c.oldSize(), c.newSize(), c.oldRoot(), c.newRoot(), mutatePath(c.path(), r)),
        c -> new Consistency(c.oldSize(), c.newSize(), flip(c.oldRoot(), r), c.newRoot(), c.path()),
        c -> new Consistency(c.oldSize(), c.newSize(), c.oldRoot(), flip(c.newRoot(), r), c.path()),
        c -> new Consistency(c.oldSize(), c.newSize(), c.newRoot(), c.oldRoot(), c.path()),
        c ->
            new Consistency(
                c.oldSize(), c.newSize(), resize(c.oldRoot(), choice), c.newRoot(), c.path()),
        c ->
            new Consistency(
                c.oldSize(),
                c.newSize(),
                c.oldRoot(),
                c.newRoot(),
                with(c.path(), r.nextInt(c.path().size() + 1), c.oldRoot())),
        c ->
            new Consistency(
                c.oldSize(),
                c.newSize(),
                c.oldRoot(),
                c.newRoot(),
                with(c.path(), r.nextInt(c.path().size() + 1), c.newRoot())));
  }

  /** One random change to the list of elements. */
  private static List<byte[]> mutatePath(List<byte[]> path, SplittableRandom r) {
    List<byte[]> p = new ArrayList<>(path);
    int kind = r.nextInt(8);
    if (p.isEmpty() && kind != 2 && kind != 6) {
      kind = 2;
    }
    switch (kind) {
      case 0 -> {
        int i = r.nextInt(p.size());
        p.set(i, flip(p.get(i), r));
      }
      case 1 -> p.remove(r.nextInt(p.size()));
      case 2 -> p.add(r.nextInt(p.size() + 1), random(r));
      case 3 -> {
        int i = r.nextInt(p.size());
        p.add(i, p.get(i));
      }
      case 4 -> {
        int i = r.nextInt(p.size());
        int j = r.nextInt(p.size());
        byte[] e = p.get(i);
        p.set(i, p.get(j));
        p.set(j, e);
      }
      case 5 -> {
        int i = r.nextInt(p.size());
        p.set(i, resize(p.get(i), r.nextLong()));
      }
      case 6 -> p.add(p.isEmpty() ? random(r) : p.get(p.size() - 1));
      default -> p.remove(p.size() - 1);
    }
    return p;
  }

  private static List<Inclusion> positionMutations(Inclusion c, SplittableRandom r) {
    List<Inclusion> out = new ArrayList<>();
    for (long di = -1; di <= 1; di++) {
      for (long ds = -1; ds <= 1; ds++) {
        out.add(new Inclusion(c.leaf(), c.index() + di, c.size() + ds, c.path(), c.root()));
      }
    }
    out.add(new Inclusion(c.leaf(), c.index(), c.size() * 2, c.path(), c.root()));
    out.add(new Inclusion(c.leaf(), c.index(), c.size() / 2, c.path(), c.root()));
    out.add(
        new Inclusion(c.leaf(), c.index() ^ (1L << r.nextInt(12)), c.size(), c.path(), c.root()));
    out.add(new Inclusion(c.leaf(), Long.MAX_VALUE, Long.MAX_VALUE, c.path(), c.root()));
    out.add(new Inclusion(c.leaf(), Long.MIN_VALUE, c.size(), c.path(), c.root()));
    out.add(new Inclusion(c.leaf(), c.index(), Long.MIN_VALUE, c.path(), c.root()));
    return out;
  }

  private static List<Consistency> sizeMutations(Consistency c, SplittableRandom r) {
    List<Consistency> out = new ArrayList<>();
    for (long d1 = -1; d1 <= 1; d1++) {
      for (long d2 = -1; d2 <= 1; d2++) {
        out.add(
            new Consistency(
                c.oldSize() + d1, c.newSize() + d2, c.oldRoot(), c.newRoot(), c.path()));
      }
    }
    out.add(new Consistency(c.oldSize(), c.newSize() * 2, c.oldRoot(), c.newRoot(), c.path()));
    out.add(
        new Consistency(
            c.oldSize() ^ (1L << r.nextInt(12)), c.newSize(), c.oldRoot(), c.newRoot(), c.path()));
    out.add(new Consistency(c.newSize(), c.oldSize(), c.oldRoot(), c.newRoot(), c.path()));
    out.add(
        new Consistency(Long.MAX_VALUE - 1, Long.MAX_VALUE, c.oldRoot(), c.newRoot(), c.path()));
    out.add(new Consistency(Long.MIN_VALUE, c.newSize(), c.oldRoot(), c.newRoot(), c.path()));
    return out;
  }

  private static byte[] flip(byte[] h, SplittableRandom r) {
    byte[] copy = h.clone();
    int bit = r.nextInt(copy.length * 8);
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }

  /** A hash made one byte shorter or longer, or emptied. */
  private static byte[] resize(byte[] h, long choice) {
    return switch (Math.floorMod(choice, 3)) {
      case 0 -> java.util.Arrays.copyOf(h, h.length - 1);
      case 1 -> java.util.Arrays.copyOf(h, h.length + 1);
      default -> new byte[0];
    };
  }

  private static byte[] random(SplittableRandom r) {
    byte[] b = new byte[32];
    r.nextBytes(b);
    return b;
  }

  private static List<byte[]> with(List<byte[]> list, int at, byte[] element) {
    List<byte[]> copy = new ArrayList<>(list);
    copy.add(at, element);
    return copy;
  }

  private static boolean same(Inclusion a, Inclusion b) {
    return a.index() == b.index()
        && a.size() == b.size()
        && MessageDigest.isEqual(a.leaf(), b.leaf())
        && MessageDigest.isEqual(a.root(), b.root())
        && samePath(a.path(), b.path());
  }

  private static boolean same(Consistency a, Consistency b) {
    return a.oldSize() == b.oldSize()
        && a.newSize() == b.newSize()
        && MessageDigest.isEqual(a.oldRoot(), b.oldRoot())
        && MessageDigest.isEqual(a.newRoot(), b.newRoot())
        && samePath(a.path(), b.path());
  }

  private static boolean samePath(List<byte[]> a, List<byte[]> b) {
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

  private static String describe(Inclusion c) {
    return "index " + c.index() + " size " + c.size() + " path " + Hashes.hex(c.path());
  }

  private static String describe(Consistency c) {
    return c.oldSize() + " -> " + c.newSize() + " path " + Hashes.hex(c.path());
  }
}
