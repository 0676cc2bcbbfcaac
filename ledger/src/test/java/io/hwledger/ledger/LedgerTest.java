package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies({"FR-LEDGER-001", "FR-LEDGER-002", "FR-LEDGER-003", "FR-LEDGER-004", "FR-LEDGER-007"})
class LedgerTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-28T10:00:00.123456Z"), ZoneOffset.UTC);
  private static final LedgerOptions OPTIONS = LedgerOptions.defaults().withClock(CLOCK);

  @TempDir Path tmp;

  private static LedgerEvent event(int i) {
    return LedgerEvent.of("test.event", 1, "{\"i\":" + i + ",\"note\":\"n" + i + "\"}");
  }

  private static List<AppendResult> fill(Path dir, int count) {
    List<AppendResult> out = new ArrayList<>();
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      for (int i = 0; i < count; i++) {
        out.add(ledger.append(event(i)));
      }
    }
    return out;
  }

  @Test
  void recordBytesFollowTheDocumentedFormat() throws Exception {
    Path dir = tmp.resolve("l");
    AppendResult result = fill(dir, 1).get(0);
    byte[] file = Files.readAllBytes(dir.resolve("segments").resolve("00000000000000000000.seg"));
    byte[] payload = "{\"i\":0,\"note\":\"n0\"}".getBytes(StandardCharsets.UTF_8);
    byte[] type = "test.event".getBytes(StandardCharsets.UTF_8);
    byte[] genesis =
        MessageDigest.getInstance("SHA-256")
            .digest("hwledger genesis v1".getBytes(StandardCharsets.US_ASCII));
    // body: version 1, seq 0, micros of 2026-11-28T10:00:00.123456Z, type, schema 1, payload, prev
    ByteBuffer body =
        ByteBuffer.allocate(1 + 8 + 8 + 2 + type.length + 4 + 4 + payload.length + 32);
    body.put((byte) 1).putLong(0).putLong(1_795_860_000_123_456L);
    body.putShort((short) type.length).put(type).putInt(1).putInt(payload.length).put(payload);
    body.put(genesis);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update((byte) 0);
    byte[] hash = sha.digest(body.array());
    assertThat(result.seq()).isZero();
    assertThat(result.hash()).isEqualTo(hash);
    assertThat(file.length).isEqualTo(4 + body.capacity() + 32 + 4);
    assertThat(ByteBuffer.wrap(file).getInt()).isEqualTo(body.capacity());
    assertThat(Arrays.copyOfRange(file, 4, 4 + body.capacity())).isEqualTo(body.array());
    assertThat(Arrays.copyOfRange(file, 4 + body.capacity(), file.length - 4)).isEqualTo(hash);
  }

  @Test
  void appendsChainAndReadBack() {
    Path dir = tmp.resolve("l");
    List<AppendResult> results = fill(dir, 10);
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      assertThat(ledger.size()).isEqualTo(10);
      List<RecordedEvent> events = ledger.read(0, 100);
      assertThat(events).hasSize(10);
      for (int i = 0; i < 10; i++) {
        RecordedEvent e = events.get(i);
        assertThat(e.seq()).isEqualTo(i);
        assertThat(e.type()).isEqualTo("test.event");
        assertThat(e.payloadJson()).isEqualTo("{\"i\":" + i + ",\"note\":\"n" + i + "\"}");
        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-11-28T10:00:00.123456Z"));
        assertThat(e.hash()).isEqualTo(results.get(i).hash());
        assertThat(ledger.leafHash(i)).isEqualTo(results.get(i).hash());
      }
      assertThat(ledger.read(7, 2)).extracting(RecordedEvent::seq).containsExactly(7L, 8L);
      // The root is the RFC 9162 root over the record hashes.
      List<byte[]> leaves = results.stream().map(AppendResult::hash).toList();
      assertThat(ledger.root()).isEqualTo(MerkleTree.root(new MemoryHashStore(leaves), 10));
      assertThat(ledger.root(4)).isEqualTo(MerkleTree.root(new MemoryHashStore(leaves), 4));
    }
    Verification v = Ledger.verify(dir);
    assertThat(v.ok()).isTrue();
    assertThat(v.size()).isEqualTo(10);
  }

  @Test
  void reopeningContinuesTheChainAcrossSegments() {
    Path dir = tmp.resolve("l");
    LedgerOptions small = OPTIONS.withSegmentBytes(1024);
    List<AppendResult> all = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      try (Ledger ledger = Ledger.open(dir, small)) {
        for (int i = 0; i < 20; i++) {
          all.add(ledger.append(event(round * 100 + i)));
        }
      }
    }
    assertThat(all)
        .extracting(AppendResult::seq)
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 60).boxed().toList());
    assertThat(SegmentLogFiles.count(dir)).isGreaterThan(3);
    Verification v = Ledger.verify(dir);
    assertThat(v.ok()).as(v.toString()).isTrue();
    assertThat(v.size()).isEqualTo(60);
  }

  @Test
  @SuppressWarnings("try") // the first writer is held open, not used
  void aSecondWriterIsRefused() {
    Path dir = tmp.resolve("l");
    try (Ledger first = Ledger.open(dir, OPTIONS)) {
      assertThatThrownBy(() -> Ledger.open(dir, OPTIONS))
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("in use by another writer");
    }
    Ledger.open(dir, OPTIONS).close(); // released on close
  }

  @Test
  void manyThreadsProduceAGapFreeVerifiableChain() throws Exception {
    Path dir = tmp.resolve("l");
    int threads = 8;
    int each = 300;
    ConcurrentHashMap<Long, byte[]> seen = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < each; i++) {
                    AppendResult r = ledger.append(event(thread * 10_000 + i));
                    assertThat(seen.put(r.seq(), r.hash())).isNull();
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(ledger.size()).isEqualTo((long) threads * each);
    } finally {
      pool.shutdownNow();
    }
    assertThat(seen.keySet())
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.LongStream.range(0, (long) threads * each).boxed().toList());
    Verification v = Ledger.verify(dir);
    assertThat(v.ok()).as(v.toString()).isTrue();
    assertThat(v.size()).isEqualTo((long) threads * each);
  }

  /**
   * Leaves in {@code dir} what a writer killed while writing record {@code acknowledged} leaves:
   * the segments, head and tree of {@code acknowledged} records (head and tree are written only
   * after a batch is durable); returns the bytes the segment has once that record is complete.
   */
  private byte[] crashedWhileWriting(Path dir, int acknowledged) throws IOException {
    Path complete = tmp.resolve("complete-" + dir.getFileName());
    fill(complete, acknowledged + 1);
    fill(dir, acknowledged);
    byte[] bytes = Files.readAllBytes(complete.resolve("segments").resolve(FIRST_SEGMENT));
    byte[] prefix = Files.readAllBytes(dir.resolve("segments").resolve(FIRST_SEGMENT));
    assertThat(Arrays.copyOf(bytes, prefix.length)).isEqualTo(prefix); // same clock, same events
    return bytes;
  }

  private static final String FIRST_SEGMENT = "00000000000000000000.seg";

  @Test
  void aRecordTornAtEveryOffsetIsMovedAsideAndEveryAcknowledgedOneKept() throws Exception {
    Path original = tmp.resolve("original");
    byte[] withFifth = crashedWhileWriting(original, 4);
    Path segment = original.resolve("segments").resolve(FIRST_SEGMENT);
    long lastStart = Files.size(segment);
    byte[] rootOfFour;
    byte[] hashOfThree;
    try (Ledger ledger = Ledger.open(original, OPTIONS)) {
      rootOfFour = ledger.root();
      hashOfThree = ledger.leafHash(3);
    }
    for (long cut = lastStart + 1; cut < withFifth.length; cut++) {
      Path copy = tmp.resolve("cut-" + cut);
      copyTree(original, copy);
      Path torn = copy.resolve("segments").resolve(FIRST_SEGMENT);
      Files.write(torn, Arrays.copyOf(withFifth, (int) cut));
      try (Ledger ledger = Ledger.open(copy, OPTIONS)) {
        assertThat(ledger.size()).as("cut at %d", cut).isEqualTo(4);
        assertThat(ledger.root()).isEqualTo(rootOfFour);
        assertThat(ledger.leafHash(3)).isEqualTo(hashOfThree);
        AppendResult again = ledger.append(event(99));
        assertThat(again.seq()).isEqualTo(4);
      }
      // exactly the torn bytes were moved aside (up to the last non-zero one: zeros are what a
      // segment allocated ahead holds anyway)
      byte[] tornBytes = Arrays.copyOfRange(withFifth, (int) lastStart, (int) cut);
      int nonZero = tornBytes.length;
      while (nonZero > 0 && tornBytes[nonZero - 1] == 0) {
        nonZero--;
      }
      assertThat(Files.readAllBytes(torn.resolveSibling(FIRST_SEGMENT + ".torn-" + lastStart)))
          .isEqualTo(Arrays.copyOf(tornBytes, nonZero));
      Verification v = Ledger.verify(copy);
      assertThat(v.ok()).as("cut at %d: %s", cut, v).isTrue();
      assertThat(v.size()).isEqualTo(5);
    }
  }

  @Test
  void truncatingAnAcknowledgedRecordAtEveryOffsetIsRefusedAndChangesNothing() throws Exception {
    Path original = tmp.resolve("original");
    fill(original, 5);
    Path segment = original.resolve("segments").resolve(FIRST_SEGMENT);
    long end = Files.size(segment);
    long lastStart = end - frameLength(segment, 4);
    for (long cut = lastStart; cut < end; cut += 3) {
      Path copy = tmp.resolve("cut-" + cut);
      copyTree(original, copy);
      Path truncated = copy.resolve("segments").resolve(FIRST_SEGMENT);
      try (FileChannel c = FileChannel.open(truncated, StandardOpenOption.WRITE)) {
        c.truncate(cut);
      }
      byte[] before = Files.readAllBytes(truncated);
      // record 4 was acknowledged: the head and the tree hold it
      assertThatThrownBy(() -> Ledger.open(copy, OPTIONS))
          .as("cut at %d", cut)
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("record" + (cut == lastStart ? "s 4..4" : " 4"))
          .hasMessageContaining("nothing was changed");
      assertThat(Files.readAllBytes(truncated)).isEqualTo(before);
      try (Stream<Path> files = Files.list(copy.resolve("segments"))) {
        assertThat(files.filter(f -> f.toString().contains(".torn-")).count()).isZero();
      }
      Verification v = Ledger.verify(copy);
      assertThat(v.ok()).isFalse();
      assertThat(v.firstBadSeq()).as("cut at %d: %s", cut, v).hasValue(4);
    }
  }

  @Test
  void aFlippedBitInAnyRecordIsFoundAtItsSequenceNumber() throws Exception {
    Path original = tmp.resolve("original");
    fill(original, 6);
    Path segment = original.resolve("segments").resolve("00000000000000000000.seg");
    long[] starts = frameStarts(segment);
    byte[] bytes = Files.readAllBytes(segment);
    for (int seq = 0; seq < 6; seq++) {
      long from = starts[seq];
      long to = seq + 1 < starts.length ? starts[seq + 1] : bytes.length;
      for (long at = from; at < to; at += 7) {
        Path copy = tmp.resolve("flip-" + at);
        copyTree(original, copy);
        byte[] damaged = bytes.clone();
        damaged[(int) at] ^= (byte) (1 << (at % 8));
        Files.write(copy.resolve("segments").resolve(segment.getFileName()), damaged);
        Verification v = Ledger.verify(copy);
        assertThat(v.ok()).as("bit flipped at byte %d", at).isFalse();
        assertThat(v.firstBadSeq()).as("bit flipped at byte %d: %s", at, v).hasValue(seq);
      }
    }
  }

  @Test
  void rewritingARecordWithAFreshChecksumIsStillDetectedAtThatRecord() throws Exception {
    Path dir = tmp.resolve("l");
    fill(dir, 4);
    Path segment = dir.resolve("segments").resolve("00000000000000000000.seg");
    byte[] bytes = Files.readAllBytes(segment);
    long[] starts = frameStarts(segment);
    int at = (int) starts[2];
    int length = ByteBuffer.wrap(bytes, at, 4).getInt();
    // change one payload character of record 2 ('n2' → 'x2'), then recompute its CRC so that only
    // the hashes can tell
    byte[] body = Arrays.copyOfRange(bytes, at + 4, at + 4 + length);
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int n = text.indexOf("\"n2\"");
    bytes[at + 4 + n + 1] = 'x';
    int crc = RecordCodec.crc(bytes, at, 4 + length + 32);
    ByteBuffer.wrap(bytes, at + 4 + length + 32, 4).putInt(crc);
    Files.write(segment, bytes);
    Verification v = Ledger.verify(dir);
    assertThat(v.firstBadSeq()).hasValue(2);
    assertThat(v.reason()).hasValueSatisfying(r -> assertThat(r).contains("hash"));
  }

  @Test
  void damageFollowedByIntactRecordsIsCorruptionAndOpenRefuses() throws Exception {
    Path dir = tmp.resolve("l");
    fill(dir, 4);
    Path segment = dir.resolve("segments").resolve("00000000000000000000.seg");
    byte[] bytes = Files.readAllBytes(segment);
    long[] starts = frameStarts(segment);
    bytes[(int) starts[1] + 10] ^= 1;
    Files.write(segment, bytes);
    assertThatThrownBy(() -> Ledger.open(dir, OPTIONS))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("record 1")
        .hasMessageContaining("corruption");
    assertThat(Files.readAllBytes(segment)).isEqualTo(bytes); // nothing truncated
  }

  @Test
  void aFailedWriteStopsTheWriterForGood() throws Exception {
    Path dir = tmp.resolve("l");
    Ledger ledger = Ledger.open(dir, OPTIONS);
    ledger.append(event(0));
    // Make the next write fail: take the segment file's write permission away by truncating the
    // directory out from under the writer is not portable; close its channel instead.
    ledgerSegments(ledger).close();
    assertThatThrownBy(() -> ledger.append(event(1)))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("stopped after a failed write");
    assertThatThrownBy(() -> ledger.append(event(2)))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("reopen");
    ledger.close();
    try (Ledger reopened = Ledger.open(dir, OPTIONS)) {
      assertThat(reopened.size()).isEqualTo(1);
    }
  }

  @Test
  void proofsFromTheLedgerVerify() {
    Path dir = tmp.resolve("l");
    fill(dir, 13);
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      for (long size = 1; size <= 13; size++) {
        byte[] root = ledger.root(size);
        for (long seq = 0; seq < size; seq++) {
          InclusionProof p = ledger.inclusionProof(seq, size);
          assertThat(MerkleTree.verifyInclusion(ledger.leafHash(seq), seq, size, p.path(), root))
              .isTrue();
        }
        for (long old = 1; old <= size; old++) {
          ConsistencyProof c = ledger.consistencyProof(old, size);
          assertThat(MerkleTree.verifyConsistency(old, size, ledger.root(old), root, c.path()))
              .isTrue();
        }
      }
    }
  }

  // ---- helpers ----

  static SegmentLog ledgerSegments(Ledger ledger) throws Exception {
    java.lang.reflect.Field f = Ledger.class.getDeclaredField("segments");
    f.setAccessible(true);
    return (SegmentLog) f.get(ledger);
  }

  static long frameLength(Path segment, int index) throws IOException {
    long[] starts = frameStarts(segment);
    long end = index + 1 < starts.length ? starts[index + 1] : Files.size(segment);
    return end - starts[index];
  }

  static long[] frameStarts(Path segment) throws IOException {
    byte[] bytes = Files.readAllBytes(segment);
    List<Long> starts = new ArrayList<>();
    int at = 0;
    while (at < bytes.length) {
      starts.add((long) at);
      at += 4 + ByteBuffer.wrap(bytes, at, 4).getInt() + 32 + 4;
    }
    return starts.stream().mapToLong(Long::longValue).toArray();
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("lock")) {
          Files.copy(p, target);
        }
      }
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** Counts segment files. */
  static final class SegmentLogFiles {
    static long count(Path dir) {
      try (Stream<Path> s = Files.list(dir.resolve("segments"))) {
        return s.filter(p -> p.toString().endsWith(".seg")).count();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Test
  void aReadOnlyViewWorksWhileTheWriterHoldsTheLock() {
    Path dir = tmp.resolve("l");
    try (Ledger writer = Ledger.open(dir, OPTIONS)) {
      writer.append(event(0));
      writer.append(event(1));
      try (Ledger reader = Ledger.openReadOnly(dir)) {
        assertThat(reader.size()).isEqualTo(2);
        assertThat(reader.root()).isEqualTo(writer.root());
        assertThat(reader.read(0, 10)).hasSize(2);
        assertThatThrownBy(() -> reader.append(event(2)))
            .isInstanceOf(LedgerException.class)
            .hasMessageContaining("read-only");
      }
      assertThat(writer.append(event(2)).seq()).isEqualTo(2);
    }
  }

  @Test
  void anOpenSegmentIsAllocatedAheadAndCutBackOnClose() throws Exception {
    Path dir = tmp.resolve("ahead");
    LedgerOptions small = new LedgerOptions(CLOCK, Durability.FSYNC_EACH_BATCH, 8192, 64);
    Path segment = dir.resolve("segments").resolve("00000000000000000000.seg");
    try (Ledger ledger = Ledger.open(dir, small)) {
      ledger.append(event(0));
      // while the writer holds it, the segment spans its 8,192 allocated bytes
      assertThat(Files.size(segment)).isEqualTo(8192);
      try (Ledger reader = Ledger.openReadOnly(dir)) {
        assertThat(reader.size()).isEqualTo(1);
      }
      assertThat(Ledger.verify(dir).ok()).isTrue();
    }
    // closed: exactly its one frame
    assertThat(Files.size(segment)).isEqualTo(frameLength(segment, 0));
  }

  @Test
  void zerosAfterTheLastFrameAreTheEndOfTheLogNotATornTail() throws Exception {
    // what a writer killed while its segment was allocated ahead leaves on disk
    Path dir = tmp.resolve("zeros");
    List<AppendResult> results = fill(dir, 3);
    Path segment = dir.resolve("segments").resolve("00000000000000000000.seg");
    long frames = Files.size(segment);
    try (FileChannel c = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.allocate(1), frames + 100_000 - 1);
    }
    assertThat(Ledger.verify(dir).ok()).isTrue();
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      assertThat(ledger.size()).isEqualTo(3);
      assertThat(ledger.leafHash(2)).isEqualTo(results.get(2).hash());
      assertThat(ledger.append(event(3)).seq()).isEqualTo(3);
    }
    try (Stream<Path> files = Files.list(dir.resolve("segments"))) {
      assertThat(files.filter(f -> f.toString().contains(".torn-")).count()).isZero();
    }
    assertThat(Ledger.verify(dir).size()).isEqualTo(4);
  }

  @Test
  void aTornFrameBeforeTheZerosIsStillMovedAside() throws Exception {
    Path dir = tmp.resolve("torn-then-zeros");
    byte[] withThird = crashedWhileWriting(dir, 2);
    Path segment = dir.resolve("segments").resolve(FIRST_SEGMENT);
    long lastStart = Files.size(segment);
    // the third frame's first 20 bytes reached the disk, then the zeros allocated ahead: a write
    // cut by a crash
    byte[] crashed = Arrays.copyOf(withThird, withThird.length + 4096);
    Arrays.fill(crashed, (int) lastStart + 20, crashed.length, (byte) 0);
    Files.write(segment, crashed);
    try (Ledger ledger = Ledger.open(dir, OPTIONS)) {
      assertThat(ledger.size()).isEqualTo(2);
    }
    // only the 20 torn bytes, not the zeros after them
    assertThat(Files.readAllBytes(segment.resolveSibling(FIRST_SEGMENT + ".torn-" + lastStart)))
        .isEqualTo(Arrays.copyOfRange(withThird, (int) lastStart, (int) lastStart + 20));
  }

  @Test
  void zerosInsideAnAcknowledgedRecordAreDamageNotATornTail() throws Exception {
    Path dir = tmp.resolve("zeroed");
    fill(dir, 3);
    Path segment = dir.resolve("segments").resolve(FIRST_SEGMENT);
    long end = Files.size(segment);
    long lastStart = end - frameLength(segment, 2);
    byte[] bytes = Files.readAllBytes(segment);
    Arrays.fill(bytes, (int) lastStart + 20, bytes.length, (byte) 0);
    Files.write(segment, bytes);
    assertThatThrownBy(() -> Ledger.open(dir, OPTIONS))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("record 2 in " + FIRST_SEGMENT + " at offset " + lastStart)
        .hasMessageContaining("acknowledged")
        .hasMessageContaining("nothing was changed");
    assertThat(Files.readAllBytes(segment)).isEqualTo(bytes);
    assertThat(Ledger.verify(dir).firstBadSeq()).hasValue(2);
  }
}
