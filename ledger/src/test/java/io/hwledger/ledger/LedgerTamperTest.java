package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger damaged and forged on disk, part by part: no root is signed, matched or proven that the
 * records do not produce, and every deletion, truncation or damage is reported by {@code verify} at
 * the right record and never repaired by dropping acknowledged data. Expected roots come from the
 * RFC 9162 reference ({@link Rfc9162Reference}) over the hashes the appends returned.
 */
@Verifies({"FR-LEDGER-003", "FR-LEDGER-010"})
class LedgerTamperTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-05T09:00:00Z"), ZoneOffset.UTC);
  private static final LedgerOptions OPTIONS = LedgerOptions.defaults().withClock(CLOCK);

  /** For filling large ledgers quickly: forced once, on close. */
  private static final LedgerOptions BUFFERED = OPTIONS.withDurability(Durability.OS_BUFFERED);

  private static final NoteSigner SIGNER =
      NoteSigner.generate("audit.example/ledger", new SecureRandom());
  private static final NoteVerifier VERIFIER = SIGNER.verifier();

  @TempDir Path tmp;

  private static List<byte[]> fill(Path dir, LedgerOptions options, String prefix, int count) {
    List<byte[]> hashes = new ArrayList<>();
    try (Ledger ledger = Ledger.open(dir, options)) {
      for (int i = 0; i < count; i++) {
        // one at a time, so that small segments roll between records
        hashes.add(ledger.append(LedgerEvent.of("t", 1, "{\"" + prefix + "\":" + i + "}")).hash());
      }
    }
    return hashes;
  }

  private static byte[] root(List<byte[]> hashes, int size) {
    return Rfc9162Reference.rootOfLeafHashes(hashes, 0, size);
  }

  private static void assertProvable(Ledger ledger, List<byte[]> hashes, long seq, long size) {
    byte[] root = root(hashes, (int) size);
    assertThat(ledger.root(size)).isEqualTo(root);
    assertThat(ledger.leafHash(seq)).isEqualTo(hashes.get((int) seq));
    InclusionProof p = ledger.inclusionProof(seq, size);
    assertThat(Rfc9162Reference.verifyInclusion(hashes.get((int) seq), seq, size, p.path(), root))
        .isTrue();
  }

  private static void overwrite(Path file, long offset, byte[] bytes) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(bytes), offset);
    }
  }

  private static Path level(Path dir, int level) {
    return dir.resolve("tree").resolve(String.format("level-%02d.bin", level));
  }

  @Test
  void withTheTreeDeletedACheckpointSignsTheRecordsSizeAndRoot() throws Exception {
    Path dir = tmp.resolve("l");
    List<byte[]> hashes = fill(dir, BUFFERED, "i", 2000);
    TreeStore.deleteTree(dir.resolve("tree"));
    try (Ledger ledger = Ledger.openReadOnly(dir)) {
      Checkpoint signed = VERIFIER.verify(ledger.checkpoint("audit.example/ledger", SIGNER));
      assertThat(signed.treeSize()).isEqualTo(2000);
      assertThat(signed.rootHash()).isEqualTo(root(hashes, 2000));
      assertProvable(ledger, hashes, 1234, 2000); // from a private copy rebuilt from the records
      assertProvable(ledger, hashes, 3, 1000);
    }
    Verification missing = Ledger.verify(dir);
    assertThat(missing.ok()).isFalse();
    assertThat(missing.firstBadSeq()).hasValue(0);
    assertThat(missing.reason()).hasValueSatisfying(r -> assertThat(r).contains("tree ends"));
    // the head went too: still the records' root, from hashing them all
    Files.delete(dir.resolve("head"));
    try (Ledger ledger = Ledger.openReadOnly(dir)) {
      assertThat(ledger.size()).isEqualTo(2000);
      assertThat(ledger.root()).isEqualTo(root(hashes, 2000));
    }
    Ledger.open(dir, OPTIONS).close(); // writing rebuilds the tree
    assertThat(Ledger.verify(dir).ok()).isTrue();
  }

  @Test
  void anOverwrittenLeafNeverReachesARootOrProof() throws Exception {
    Path dir = tmp.resolve("l");
    List<byte[]> hashes = fill(dir, OPTIONS, "i", 300);
    overwrite(level(dir, 0), 5 * 32, new byte[32]);
    try (Ledger ledger = Ledger.openReadOnly(dir)) {
      assertThat(ledger.root()).isEqualTo(root(hashes, 300));
      assertProvable(ledger, hashes, 5, 300);
      assertProvable(ledger, hashes, 5, 7);
      ConsistencyProof c = ledger.consistencyProof(7, 300);
      assertThat(MerkleTree.verifyConsistency(7, 300, root(hashes, 7), root(hashes, 300), c.path()))
          .isTrue();
    }
    Verification v = Ledger.verify(dir);
    assertThat(v.firstBadSeq()).hasValue(5);
    assertThat(v.reason()).hasValueSatisfying(r -> assertThat(r).contains("Merkle leaf"));
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      ledger.rebuildTree();
    }
    assertThat(Ledger.verify(dir).ok()).isTrue();
  }

  @Test
  void aDamagedInnerNodeIsFoundByVerifyAndRepairedByTheFirstProofThatNeedsIt() throws Exception {
    Path dir = tmp.resolve("l");
    List<byte[]> hashes = fill(dir, BUFFERED, "i", 2000);
    // node 2 of level 3 covers leaves 16..23; 2000's own subtrees do not include it, so only a
    // proof through it, or verify, can notice
    overwrite(level(dir, 3), 2 * 32, new byte[32]);
    Verification v = Ledger.verify(dir);
    assertThat(v.ok()).isFalse();
    assertThat(v.firstBadSeq()).hasValue(16);
    assertThat(v.reason())
        .hasValueSatisfying(r -> assertThat(r).contains("node 2 of level 3 (leaves 16..23)"));
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      assertProvable(ledger, hashes, 17, 2000); // its path does not pass the damaged node
      assertProvable(ledger, hashes, 25, 2000); // its path does: rebuilds the tree, then proves
      assertProvable(ledger, hashes, 40, 2000);
    }
    assertThat(Ledger.verify(dir).ok()).isTrue();
  }

  @Test
  void historyRewrittenAfterACheckpointIsReportedByTheRecords() throws Exception {
    Path signedDir = tmp.resolve("signed");
    List<byte[]> original = fill(signedDir, OPTIONS, "i", 10);
    Checkpoint signed;
    try (Ledger ledger = Ledger.openReadOnly(signedDir)) {
      signed = VERIFIER.verify(ledger.checkpoint("audit.example/ledger", SIGNER));
    }
    // the same first five events, then five others: a valid chain, valid hashes and CRCs
    Path forged = tmp.resolve("forged");
    try (Ledger ledger = Ledger.open(forged, OPTIONS)) {
      for (int i = 0; i < 10; i++) {
        ledger.append(LedgerEvent.of("t", 1, i < 5 ? "{\"i\":" + i + "}" : "{\"x\":" + i + "}"));
      }
    }
    List<byte[]> rewritten;
    try (Ledger ledger = Ledger.openReadOnly(forged)) {
      rewritten = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        rewritten.add(ledger.leafHash(i));
      }
    }
    assertThat(rewritten.subList(0, 5)).containsExactlyElementsOf(original.subList(0, 5));

    // records, tree and head all rewritten: only the signed checkpoint can tell
    Verification alone = Ledger.verify(forged);
    assertThat(alone.ok()).isTrue();
    Verification against = Ledger.verify(forged, signed, n -> {});
    assertThat(against.ok()).isFalse();
    assertThat(against.firstBadSeq()).hasValue(10);
    assertThat(against.reason())
        .hasValueSatisfying(r -> assertThat(r).contains("history differs from what was signed"));

    // only the records rewritten, tree and head as signed: the records decide
    Path swapped = tmp.resolve("swapped");
    LedgerTest.copyTree(signedDir, swapped);
    TreeStore.deleteTree(swapped.resolve("segments"));
    LedgerTest.copyTree(forged.resolve("segments"), swapped.resolve("segments"));
    try (Ledger ledger = Ledger.openReadOnly(swapped)) {
      Checkpoint now = VERIFIER.verify(ledger.checkpoint("audit.example/ledger", SIGNER));
      assertThat(now.rootHash()).isEqualTo(root(rewritten, 10));
      assertProvable(ledger, rewritten, 7, 10);
    }
    Verification v = Ledger.verify(swapped, signed, n -> {});
    assertThat(v.ok()).isFalse();
    assertThat(v.firstBadSeq()).hasValue(5); // the tree still holds the signed leaf 5
  }

  @Test
  void deletingTheOldestSegmentIsReportedAndRefused() throws Exception {
    Path dir = tmp.resolve("l");
    fill(dir, BUFFERED.withSegmentBytes(1024), "i", 60);
    List<Path> segments = SegmentLog.list(dir.resolve("segments"));
    assertThat(segments.size()).isGreaterThan(3);
    long second = SegmentLog.firstSeq(segments.get(1));
    Files.delete(segments.get(0));
    Verification v = Ledger.verify(dir);
    assertThat(v.ok()).isFalse();
    assertThat(v.firstBadSeq()).hasValue(0);
    assertThat(v.reason())
        .hasValueSatisfying(
            r -> assertThat(r).contains("records 0.." + (second - 1) + " are missing"));
    assertThatThrownBy(() -> Ledger.open(dir, OPTIONS))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("records 0.." + (second - 1))
        .hasMessageContaining("nothing was changed");
    assertThatThrownBy(() -> Ledger.openReadOnly(dir))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("are missing");
  }

  @Test
  void deletingASegmentInTheMiddleIsReportedWhereItsRecordsWere() throws Exception {
    Path dir = tmp.resolve("l");
    fill(dir, BUFFERED.withSegmentBytes(1024), "i", 60);
    List<Path> segments = SegmentLog.list(dir.resolve("segments"));
    long gone = SegmentLog.firstSeq(segments.get(2));
    Files.delete(segments.get(2));
    Verification v = Ledger.verify(dir);
    assertThat(v.firstBadSeq()).hasValue(gone);
    try (Ledger ledger = Ledger.openReadOnly(dir)) {
      assertThatThrownBy(() -> ledger.read(0, 100))
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("records " + gone + "..");
    }
  }

  @Test
  void deletingTheNewestSegmentIsReportedAndRefused() throws Exception {
    Path dir = tmp.resolve("l");
    fill(dir, BUFFERED.withSegmentBytes(1024), "i", 60);
    List<Path> segments = SegmentLog.list(dir.resolve("segments"));
    long last = SegmentLog.firstSeq(segments.get(segments.size() - 1));
    Files.delete(segments.get(segments.size() - 1));
    Verification v = Ledger.verify(dir);
    assertThat(v.firstBadSeq()).hasValue(last);
    assertThat(v.reason())
        .hasValueSatisfying(r -> assertThat(r).contains("records " + last + "..59 are missing"));
    assertThatThrownBy(() -> Ledger.open(dir, OPTIONS))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("records " + last + "..59");
    assertThatThrownBy(() -> Ledger.openReadOnly(dir))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("records " + last + "..59");
    assertThat(SegmentLog.list(dir.resolve("segments"))).hasSize(segments.size() - 1);
  }

  @Test
  void aDamagedHeadSlotFallsBackToTheOtherAndAForgedHeadIsNotBelieved() throws Exception {
    Path dir = tmp.resolve("l");
    List<byte[]> hashes = fill(dir, OPTIONS, "i", 50);
    Path head = dir.resolve("head");
    byte[] slots = Files.readAllBytes(head);
    LedgerHead.Slot newest = LedgerHead.read(dir);
    // spoil the newest slot: the other one still names an earlier point the records confirm
    overwrite(head, (newest.generation() & 1) * 4096 + 100, new byte[] {42});
    assertThat(LedgerHead.read(dir).generation()).isEqualTo(newest.generation() - 1);
    try (Ledger ledger = Ledger.openReadOnly(dir)) {
      assertThat(ledger.root()).isEqualTo(root(hashes, 50));
    }
    assertThat(Ledger.verify(dir).ok()).isTrue();
    Files.write(head, slots);

    // a head with a valid checksum and a true last record, but a false frontier
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      assertThat(ledger.size()).isEqualTo(50);
    }
    LedgerHead.Slot slot = LedgerHead.read(dir);
    MerkleFrontier lie =
        MerkleFrontier.of(50, new byte[][] {new byte[32], new byte[32], hashes.get(49)});
    LedgerHead writer = LedgerHead.openForWrite(dir);
    writer.write(ChainPoint.of(lie, hashes.get(49)), slot.position(), 50, true);
    writer.close();
    try (Ledger ledger = Ledger.openReadOnly(dir)) {
      assertThat(ledger.root()).isEqualTo(root(hashes, 50)); // the tree disagreed: records hashed
    }
    Verification v = Ledger.verify(dir);
    assertThat(v.ok()).isFalse();
    assertThat(v.reason()).hasValueSatisfying(r -> assertThat(r).contains("head"));
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      assertThat(ledger.root()).isEqualTo(root(hashes, 50));
    }
    assertThat(Ledger.verify(dir).ok()).isTrue();
  }

  @Test
  void retentionAnchorsTheStartSoADroppedPrefixCannotGrowSilently() throws Exception {
    Path dir = tmp.resolve("l");
    LedgerOptions small = OPTIONS.withSegmentBytes(1024);
    List<byte[]> hashes = fill(dir, small, "i", 80);
    long kept;
    try (Ledger ledger = Ledger.open(dir, small)) {
      kept = ledger.dropBefore(30, ledger.checkpoint("o", SIGNER), VERIFIER, null);
      assertThatThrownBy(() -> ledger.read(0, 1))
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("dropped by retention");
    }
    assertThat(Ledger.verify(dir, VERIFIER, n -> {}).ok()).isTrue();
    // one more segment deleted behind retention's back
    List<Path> segments = SegmentLog.list(dir.resolve("segments"));
    long next = SegmentLog.firstSeq(segments.get(1));
    Files.delete(segments.get(0));
    Verification v = Ledger.verify(dir, VERIFIER, n -> {});
    assertThat(v.firstBadSeq()).hasValue(kept);
    assertThat(v.reason())
        .hasValueSatisfying(
            r -> assertThat(r).contains("records " + kept + ".." + (next - 1) + " are missing"));
    assertThatThrownBy(() -> Ledger.open(dir, small))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("after the retained start");
    // the retention record itself cannot be damaged silently
    Path retained = dir.resolve("retained");
    byte[] bytes = Files.readAllBytes(retained);
    bytes[20] ^= 1;
    Files.write(retained, bytes);
    assertThat(Ledger.verify(dir).reason())
        .hasValueSatisfying(r -> assertThat(r).contains("retention record"));
    assertThat(hashes).hasSize(80);
  }

  @Test
  void recordsAWriterMadeDurableButDiedBeforeRecordingInTheTreeAreKeptNotReported()
      throws Exception {
    // a writer killed between a batch's fsync and its tree and head writes: the segment holds 13
    // records, the head and the tree 10
    Path dir = tmp.resolve("l");
    fill(dir, OPTIONS, "i", 10);
    Path longer = tmp.resolve("longer");
    List<byte[]> hashes = fill(longer, OPTIONS, "i", 13);
    Path segment = Path.of("segments", SegmentLog.name(0));
    Files.copy(
        longer.resolve(segment),
        dir.resolve(segment),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Verification v = Ledger.verify(dir);
    assertThat(v.ok()).as(v.toString()).isTrue();
    assertThat(v.size()).isEqualTo(13);
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      assertThat(ledger.size()).isEqualTo(13);
      assertProvable(ledger, hashes, 12, 13);
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(30)
  void aFifoInPlaceOfALedgerFileIsRefusedNotReadForever() throws Exception {
    Path dir = tmp.resolve("l");
    fill(dir, OPTIONS, "i", 3);
    Path fifo = dir.resolve("segments").resolve(SegmentLog.name(3));
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        mkfifo.waitFor() == 0 && Files.exists(fifo), "needs mkfifo");
    // each would block forever reading the FIFO; the test's timeout would catch that
    for (Runnable open :
        List.<Runnable>of(
            () -> Ledger.verify(dir),
            () -> Ledger.openReadOnly(dir).close(),
            () -> Ledger.open(dir, OPTIONS).close())) {
      assertThatThrownBy(open::run)
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining(fifo + " is not a regular file");
    }
  }

  @Test
  void recoveryMovesAsideOnlyTheTornBytesNotTheSpaceAllocatedAhead() throws Exception {
    Path dir = tmp.resolve("l");
    fill(dir, OPTIONS, "i", 3);
    Path segment = dir.resolve("segments").resolve(SegmentLog.name(0));
    long end = Files.size(segment);
    // a 52-byte fragment of a frame that was never acknowledged, then 64 MiB allocated ahead
    byte[] fragment = new byte[52];
    Arrays.fill(fragment, (byte) 7);
    ByteBuffer.wrap(fragment).putInt(400);
    overwrite(segment, end, fragment);
    overwrite(segment, LedgerOptions.DEFAULT_SEGMENT_BYTES - 1, new byte[1]);
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      assertThat(ledger.size()).isEqualTo(3);
    }
    try (Stream<Path> files = Files.list(dir.resolve("segments"))) {
      Path torn = files.filter(f -> f.toString().contains(".torn-")).findFirst().orElseThrow();
      assertThat(Files.size(torn)).isEqualTo(52);
    }
  }
}
