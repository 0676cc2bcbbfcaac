package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * RFC 9162 roots and proofs against published vectors and against {@link Rfc9162Reference}.
 *
 * <p>The vectors are the transparency-dev/merkle test data (docs/REFERENCES.md §5), taken from
 * github.com/transparency-dev/merkle {@code proof/verify_test.go}: the leaves, {@code roots} (sizes
 * 1 to 8), {@code inclusionProofs} (whose leaf numbers there count from 1) and {@code
 * consistencyProofs}.
 */
@Verifies("FR-LEDGER-004")
class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  static final List<byte[]> LEAVES =
      hexes(
          "",
          "00",
          "10",
          "2021",
          "3031",
          "40414243",
          "5051525354555657",
          "606162636465666768696a6b6c6d6e6f");

  /** Roots of the first 1..8 leaves (verify_test.go {@code roots}). */
  static final List<String> ROOTS =
      List.of(
          "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
          "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
          "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
          "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
          "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
          "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  private static final String EMPTY_ROOT =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private final MemoryHashStore store = MemoryHashStore.ofLeafData(LEAVES);

  static List<byte[]> hexes(String... hex) {
    return java.util.Arrays.stream(hex).map(HEX::parseHex).toList();
  }

  private static byte[] root(int size) {
    return HEX.parseHex(ROOTS.get(size - 1));
  }

  private static byte[] leaf(int index) {
    return MerkleTree.leafHash(LEAVES.get(index));
  }

  @Test
  void emptyTreeHashesToSha256OfNothing() {
    assertThat(HEX.formatHex(MerkleTree.root(store, 0))).isEqualTo(EMPTY_ROOT);
    assertThat(HEX.formatHex(MerkleTree.emptyRoot())).isEqualTo(EMPTY_ROOT);
    assertThat(HEX.formatHex(MerkleTree.root(new MemoryHashStore(List.of()), 0)))
        .isEqualTo(EMPTY_ROOT);
  }

  @Test
  void rootsMatchPublishedVectors() {
    for (int size = 1; size <= 8; size++) {
      assertThat(HEX.formatHex(MerkleTree.root(store, size)))
          .as("size %d", size)
          .isEqualTo(ROOTS.get(size - 1));
    }
  }

  @Test
  void inclusionProofsMatchPublishedVectors() {
    // REFERENCES.md §5 and verify_test.go {1, 8}: leaf 0 of 8.
    assertInclusion(
        0,
        8,
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    // verify_test.go {6, 8}: leaf 5 of 8.
    assertInclusion(
        5,
        8,
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
    // verify_test.go {3, 3}: leaf 2 of 3.
    assertInclusion(2, 3, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
    // verify_test.go {2, 5}: leaf 1 of 5.
    assertInclusion(
        1,
        5,
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
    // verify_test.go {1, 1}: the only leaf of a one-leaf tree has an empty path.
    assertInclusion(0, 1);
  }

  private void assertInclusion(int index, int size, String... expected) {
    InclusionProof proof = MerkleTree.inclusionProof(store, index, size);
    assertThat(proof.index()).isEqualTo(index);
    assertThat(proof.treeSize()).isEqualTo(size);
    assertThat(proof.pathHex()).as("leaf %d of %d", index, size).containsExactly(expected);
    assertThat(MerkleTree.verifyInclusion(leaf(index), index, size, hexes(expected), root(size)))
        .isTrue();
    assertThat(proof.verify(leaf(index), root(size))).isTrue();
  }

  @Test
  void consistencyProofsMatchPublishedVectors() {
    // REFERENCES.md §5: 4 -> 8.
    assertConsistency(4, 8, "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    // verify_test.go consistencyProofs.
    assertConsistency(
        1,
        8,
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    assertConsistency(
        6,
        8,
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
    assertConsistency(
        2,
        5,
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
    assertConsistency(
        6,
        7,
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
    assertConsistency(1, 1);
    assertConsistency(8, 8);
  }

  private void assertConsistency(int oldSize, int newSize, String... expected) {
    ConsistencyProof proof = MerkleTree.consistencyProof(store, oldSize, newSize);
    assertThat(proof.pathHex()).as("%d -> %d", oldSize, newSize).containsExactly(expected);
    assertThat(
            MerkleTree.verifyConsistency(
                oldSize, newSize, root(oldSize), root(newSize), hexes(expected)))
        .isTrue();
    assertThat(proof.verify(root(oldSize), root(newSize))).isTrue();
  }

  /** The corruptions of verify_test.go's {@code corruptInclusionProof}, on every vector. */
  @Test
  void corruptedInclusionProofsFail() {
    byte[] someHash =
        HEX.parseHex("abacaba000000000000000000000000000000000000000000060061e00123456");
    byte[] emptyRoot = HEX.parseHex(EMPTY_ROOT);
    int[][] cases = {{0, 8}, {5, 8}, {2, 3}, {1, 5}};
    for (int[] c : cases) {
      int i = c[0];
      int n = c[1];
      List<byte[]> path = MerkleTree.inclusionProof(store, i, n).path();
      byte[] leaf = leaf(i);
      byte[] root = root(n);
      List<Boolean> results = new ArrayList<>();
      results.add(MerkleTree.verifyInclusion(leaf, i - 1L, n, path, root));
      results.add(MerkleTree.verifyInclusion(leaf, i + 1L, n, path, root));
      results.add(MerkleTree.verifyInclusion(leaf, i ^ 2L, n, path, root));
      results.add(MerkleTree.verifyInclusion(leaf, i, n * 2L, path, root));
      results.add(MerkleTree.verifyInclusion(leaf, i, n / 2L, path, root));
      results.add(MerkleTree.verifyInclusion("WrongLeaf".getBytes(UTF8), i, n, path, root));
      results.add(MerkleTree.verifyInclusion(leaf, i, n, path, emptyRoot));
      results.add(MerkleTree.verifyInclusion(leaf, i, n, path, someHash));
      results.add(
          MerkleTree.verifyInclusion(leaf, i, n, with(path, path.size(), new byte[0]), root));
      results.add(MerkleTree.verifyInclusion(leaf, i, n, with(path, path.size(), root), root));
      results.add(MerkleTree.verifyInclusion(leaf, i, n, with(path, 0, new byte[0]), root));
      results.add(MerkleTree.verifyInclusion(leaf, i, n, with(path, 0, root), root));
      for (int k = 0; k < path.size(); k++) {
        List<byte[]> flipped = new ArrayList<>(path);
        byte[] e = flipped.get(k).clone();
        e[0] ^= 8;
        flipped.set(k, e);
        results.add(MerkleTree.verifyInclusion(leaf, i, n, flipped, root));
      }
      results.add(MerkleTree.verifyInclusion(leaf, i, n, path.subList(0, path.size() - 1), root));
      results.add(MerkleTree.verifyInclusion(leaf, i, n, with(path, 1, someHash), root));
      assertThat(results).as("leaf %d of %d", i, n).containsOnly(false);
    }
  }

  /** The corruptions of verify_test.go's {@code corruptConsistencyProof}, on every vector. */
  @Test
  void corruptedConsistencyProofsFail() {
    byte[] wrong = "WrongRoot".getBytes(UTF8);
    int[][] cases = {{4, 8}, {1, 8}, {6, 8}, {2, 5}, {6, 7}};
    for (int[] c : cases) {
      int m = c[0];
      int n = c[1];
      List<byte[]> p = MerkleTree.consistencyProof(store, m, n).path();
      byte[] r1 = root(m);
      byte[] r2 = root(n);
      List<Boolean> results = new ArrayList<>();
      results.add(MerkleTree.verifyConsistency(m - 1L, n, r1, r2, p));
      results.add(MerkleTree.verifyConsistency(m + 1L, n, r1, r2, p));
      results.add(MerkleTree.verifyConsistency(m ^ 2L, n, r1, r2, p));
      results.add(MerkleTree.verifyConsistency(m, n * 2L, r1, r2, p));
      results.add(MerkleTree.verifyConsistency(m, n / 2L, r1, r2, p));
      results.add(MerkleTree.verifyConsistency(m, n, wrong, r2, p));
      results.add(MerkleTree.verifyConsistency(m, n, r1, wrong, p));
      results.add(MerkleTree.verifyConsistency(m, n, r2, r1, p));
      results.add(MerkleTree.verifyConsistency(m, n, r1, r2, List.of()));
      results.add(MerkleTree.verifyConsistency(m, n, r1, r2, with(p, p.size(), new byte[0])));
      results.add(MerkleTree.verifyConsistency(m, n, r1, r2, with(p, p.size(), r1)));
      results.add(MerkleTree.verifyConsistency(m, n, r1, r2, with(p, p.size(), r2)));
      results.add(MerkleTree.verifyConsistency(m, n, r1, r2, with(p, 0, new byte[0])));
      results.add(MerkleTree.verifyConsistency(m, n, r1, r2, with(p, 0, r1)));
      results.add(MerkleTree.verifyConsistency(m, n, r1, r2, with(p, 0, r2)));
      results.add(MerkleTree.verifyConsistency(m, n, r1, r2, with(p, 0, p.get(0))));
      results.add(MerkleTree.verifyConsistency(m, n, r1, r2, p.subList(0, p.size() - 1)));
      for (int k = 0; k < p.size(); k++) {
        List<byte[]> flipped = new ArrayList<>(p);
        byte[] e = flipped.get(k).clone();
        e[0] ^= 16;
        flipped.set(k, e);
        results.add(MerkleTree.verifyConsistency(m, n, r1, r2, flipped));
      }
      assertThat(results).as("%d -> %d", m, n).containsOnly(false);
    }
  }

  /** verify_test.go {@code TestVerifyConsistency}'s edge cases, with this library's rules. */
  @Test
  void trivialConsistencyCases() {
    byte[] a = Rfc9162Reference.sha256("a".getBytes(UTF8));
    byte[] b = Rfc9162Reference.sha256("b".getBytes(UTF8));
    byte[] empty = HEX.parseHex(EMPTY_ROOT);
    assertThat(MerkleTree.verifyConsistency(0, 0, empty, empty, List.of())).isTrue();
    assertThat(MerkleTree.verifyConsistency(0, 1, empty, a, List.of())).isTrue();
    assertThat(MerkleTree.verifyConsistency(1, 1, a, a, List.of())).isTrue();
    assertThat(MerkleTree.verifyConsistency(0, 0, a, b, List.of())).isFalse();
    assertThat(MerkleTree.verifyConsistency(1, 1, a, b, List.of())).isFalse();
    assertThat(MerkleTree.verifyConsistency(0, 1, a, b, List.of()))
        .as("old root not empty")
        .isFalse();
    assertThat(MerkleTree.verifyConsistency(1, 0, a, b, List.of())).isFalse();
    assertThat(MerkleTree.verifyConsistency(2, 1, a, b, List.of())).isFalse();
    assertThat(MerkleTree.verifyConsistency(1, 2, a, b, List.of())).isFalse();
    assertThat(MerkleTree.verifyConsistency(0, 0, empty, empty, List.of(empty))).isFalse();
    assertThat(MerkleTree.verifyConsistency(0, 1, empty, empty, List.of(empty))).isFalse();
    assertThat(MerkleTree.verifyConsistency(1, 1, empty, empty, List.of(empty))).isFalse();
    assertThat(MerkleTree.verifyConsistency(-1, 1, empty, empty, List.of())).isFalse();
    assertThat(MerkleTree.verifyConsistency(1, 1, new byte[31], new byte[31], List.of())).isFalse();
  }

  @Test
  void inclusionEdgeCases() {
    byte[] h = MerkleTree.leafHash("data".getBytes(UTF8));
    // verify_test.go TestVerifyInclusionSingleEntry: a one-leaf tree's root is its leaf hash.
    assertThat(MerkleTree.verifyInclusion(h, 0, 1, List.of(), h)).isTrue();
    assertThat(MerkleTree.verifyInclusion(h, 0, 1, List.of(), new byte[0])).isFalse();
    assertThat(MerkleTree.verifyInclusion(new byte[0], 0, 1, List.of(), h)).isFalse();
    assertThat(MerkleTree.verifyInclusion(new byte[0], 0, 1, List.of(), new byte[0])).isFalse();
    // TestVerifyInclusion probes: index not below size.
    for (long[] p : new long[][] {{0, 0}, {1, 0}, {2, 1}, {-1, 1}, {Long.MAX_VALUE, 1}}) {
      assertThat(MerkleTree.verifyInclusion(h, p[0], p[1], List.of(), h)).isFalse();
    }
    List<byte[]> withNull = new ArrayList<>();
    withNull.add(null);
    assertThat(MerkleTree.verifyInclusion(h, 0, 2, withNull, h)).isFalse();
    assertThat(MerkleTree.verifyConsistency(1, 2, h, h, withNull)).isFalse();
    assertThatThrownBy(() -> MerkleTree.verifyInclusion(null, 0, 1, List.of(), h))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> MerkleTree.verifyConsistency(0, 0, h, h, null))
        .isInstanceOf(NullPointerException.class);
  }

  /**
   * Every root, inclusion proof and consistency proof of every tree of 1 to 64 leaves equals the
   * RFC's recursive definition, and verifies.
   */
  @Test
  void matchesRecursiveDefinitionUpTo64Leaves() {
    List<byte[]> data = IntStream.range(0, 64).mapToObj(i -> new byte[] {(byte) i, 7}).toList();
    MemoryHashStore big = MemoryHashStore.ofLeafData(data);
    byte[][] roots = new byte[65][];
    for (int n = 0; n <= 64; n++) {
      roots[n] = Rfc9162Reference.mth(data, 0, n);
      assertThat(MerkleTree.root(big, n)).as("root %d", n).isEqualTo(roots[n]);
    }
    for (int n = 1; n <= 64; n++) {
      for (int i = 0; i < n; i++) {
        List<byte[]> expected = Rfc9162Reference.path(data, i, 0, n);
        InclusionProof proof = MerkleTree.inclusionProof(big, i, n);
        assertThat(proof.pathHex()).as("path %d of %d", i, n).isEqualTo(Hashes.hex(expected));
        assertThat(proof.verify(Rfc9162Reference.leafHash(data.get(i)), roots[n])).isTrue();
      }
      for (int m = 0; m <= n; m++) {
        List<byte[]> expected = m == 0 || m == n ? List.of() : Rfc9162Reference.proof(data, m, n);
        ConsistencyProof proof = MerkleTree.consistencyProof(big, m, n);
        assertThat(proof.pathHex()).as("proof %d -> %d", m, n).isEqualTo(Hashes.hex(expected));
        assertThat(proof.verify(roots[m], roots[n])).as("verify %d -> %d", m, n).isTrue();
      }
    }
  }

  /**
   * For trees of up to 16 leaves, presenting any proof as a proof for any other index and sizes
   * gives the same answer as rebuilding the root by the RFC's recursion. This pins down the only
   * other statements a proof can "prove": those the RFC's own definition cannot tell apart.
   */
  @Test
  void otherStatementsAgreeWithRecursiveVerifier() {
    List<byte[]> data = IntStream.range(0, 16).mapToObj(i -> new byte[] {(byte) i}).toList();
    MemoryHashStore small = MemoryHashStore.ofLeafData(data);
    for (int n = 1; n <= 16; n++) {
      byte[] root = Rfc9162Reference.mth(data, 0, n);
      for (int i = 0; i < n; i++) {
        List<byte[]> path = MerkleTree.inclusionProof(small, i, n).path();
        byte[] leaf = Rfc9162Reference.leafHash(data.get(i));
        for (int n2 = 0; n2 <= 17; n2++) {
          for (int i2 = -1; i2 <= n2; i2++) {
            boolean actual = MerkleTree.verifyInclusion(leaf, i2, n2, path, root);
            boolean expected = Rfc9162Reference.verifyInclusion(leaf, i2, n2, path, root);
            assertThat(actual).as("path(%d, %d) as (%d, %d)", i, n, i2, n2).isEqualTo(expected);
          }
        }
      }
      for (int m = 0; m <= n; m++) {
        List<byte[]> proof = MerkleTree.consistencyProof(small, m, n).path();
        byte[] oldRoot = Rfc9162Reference.mth(data, 0, m);
        for (int n2 = 0; n2 <= 17; n2++) {
          for (int m2 = -1; m2 <= n2 + 1; m2++) {
            boolean actual = MerkleTree.verifyConsistency(m2, n2, oldRoot, root, proof);
            boolean expected = Rfc9162Reference.verifyConsistency(m2, n2, oldRoot, root, proof);
            assertThat(actual).as("proof(%d, %d) as (%d, %d)", m, n, m2, n2).isEqualTo(expected);
          }
        }
      }
    }
  }

  /**
   * What the previous test allows, spelled out: RFC 9162 proofs do not bind the index or the sizes
   * beyond the shape of the path, so both verifiers (the RFC's and the recursive one) accept these.
   * The signed checkpoint is what binds a root to a size.
   */
  @Test
  void proofsDoNotBindSizesBeyondTheirShape() {
    List<byte[]> path08 = MerkleTree.inclusionProof(store, 0, 8).path();
    for (int n = 5; n <= 8; n++) {
      assertThat(MerkleTree.verifyInclusion(leaf(0), 0, n, path08, root(8))).isTrue();
    }
    assertThat(MerkleTree.verifyInclusion(leaf(0), 0, 4, path08, root(8))).isFalse();
    assertThat(MerkleTree.verifyInclusion(leaf(0), 0, 9, path08, root(8))).isFalse();
    // Leaf 4 of 5 hangs right of the subtree [0, 4), just as leaf 1 of 2 hangs right of leaf 0.
    List<byte[]> path45 = MerkleTree.inclusionProof(store, 4, 5).path();
    assertThat(MerkleTree.verifyInclusion(leaf(4), 1, 2, path45, root(5))).isTrue();
    List<byte[]> proof48 = MerkleTree.consistencyProof(store, 4, 8).path();
    for (int n = 5; n <= 8; n++) {
      assertThat(MerkleTree.verifyConsistency(4, n, root(4), root(8), proof48)).isTrue();
    }
  }

  /** Roots and proofs of a 2^50-leaf tree cost O(log n) reads, without materialising anything. */
  @Test
  void readsAreLogarithmic() {
    CountingStore huge = new CountingStore((1L << 50) + 12345);
    long n = huge.size();
    MerkleTree.root(huge, n);
    assertThat(huge.reads).isEqualTo(Long.bitCount(n));
    huge.reads = 0;
    MerkleTree.inclusionProof(huge, 777, n);
    assertThat(huge.reads).isLessThanOrEqualTo(2 * 51);
    huge.reads = 0;
    MerkleTree.inclusionProof(huge, n - 1, n);
    assertThat(huge.reads).isLessThanOrEqualTo(2 * 51);
    huge.reads = 0;
    MerkleTree.consistencyProof(huge, (1L << 49) + 3, n);
    assertThat(huge.reads).isLessThanOrEqualTo(3 * 51);
    huge.reads = 0;
    MerkleTree.consistencyProof(huge, n - 1, n);
    assertThat(huge.reads).isLessThanOrEqualTo(3 * 51);
  }

  @Test
  void argumentsAreValidated() {
    assertThatThrownBy(() -> MerkleTree.inclusionProof(store, 9, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("index 9 is not below tree size 8");
    assertThatThrownBy(() -> MerkleTree.inclusionProof(store, 8, 8))
        .hasMessage("index 8 is not below tree size 8");
    assertThatThrownBy(() -> MerkleTree.inclusionProof(store, -1, 8))
        .hasMessage("index -1 is negative");
    assertThatThrownBy(() -> MerkleTree.inclusionProof(store, 0, 9))
        .hasMessage("tree size 9 is above the 8 leaves stored");
    assertThatThrownBy(() -> MerkleTree.root(store, -1)).hasMessage("tree size -1 is negative");
    assertThatThrownBy(() -> MerkleTree.root(store, 9))
        .hasMessage("tree size 9 is above the 8 leaves stored");
    assertThatThrownBy(() -> MerkleTree.consistencyProof(store, 5, 4))
        .hasMessage("old size 5 is above new size 4");
    assertThatThrownBy(() -> MerkleTree.consistencyProof(store, -2, 4))
        .hasMessage("old size -2 is negative");
    assertThatThrownBy(() -> MerkleTree.consistencyProof(store, 1, 9))
        .hasMessage("tree size 9 is above the 8 leaves stored");
    assertThatThrownBy(() -> new InclusionProof(3, 3, List.of()))
        .hasMessage("index 3 is not below tree size 3");
    assertThatThrownBy(() -> new InclusionProof(0, 3, List.of(new byte[31])))
        .hasMessage("path element 0 has 31 bytes, not 32");
    assertThatThrownBy(() -> new ConsistencyProof(4, 3, List.of()))
        .hasMessage("old size 4 is above new size 3");
  }

  @Test
  void proofsAreValuesAndDefensivelyCopied() {
    byte[] h = leaf(1);
    List<byte[]> path = new ArrayList<>(List.of(h));
    InclusionProof p = new InclusionProof(0, 2, path);
    path.clear();
    h[0] ^= 1;
    assertThat(p.path()).hasSize(1);
    assertThat(p.path().get(0)).isEqualTo(leaf(1));
    p.path().get(0)[0] ^= 1;
    assertThat(p.path().get(0)).isEqualTo(leaf(1));
    assertThat(p).isEqualTo(MerkleTree.inclusionProof(store, 0, 2));
    assertThat(p).hasSameHashCodeAs(MerkleTree.inclusionProof(store, 0, 2));
    assertThat(p.toString()).contains(HEX.formatHex(leaf(1)));
    assertThat(MerkleTree.consistencyProof(store, 4, 8))
        .isEqualTo(
            new ConsistencyProof(
                4, 8, hexes("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")));
  }

  private static List<byte[]> with(List<byte[]> list, int at, byte[] element) {
    List<byte[]> copy = new ArrayList<>(list);
    copy.add(at, element);
    return copy;
  }

  private static final java.nio.charset.Charset UTF8 = java.nio.charset.StandardCharsets.UTF_8;

  /** A store of any size whose nodes are made up on demand, counting reads. */
  private static final class CountingStore implements HashStore {
    private final long size;
    long reads;

    CountingStore(long size) {
      this.size = size;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public byte[] node(int level, long index) {
      assertThat(level).isBetween(0, 62);
      assertThat(index).isNotNegative();
      assertThat((index + 1) << level)
          .as("node (%d, %d) is complete", level, index)
          .isLessThanOrEqualTo(size);
      reads++;
      return Rfc9162Reference.sha256(
          new byte[] {(byte) level}, Long.toString(index).getBytes(UTF8));
    }
  }
}
