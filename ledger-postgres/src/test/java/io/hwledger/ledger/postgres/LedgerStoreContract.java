package io.hwledger.ledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.ledger.AppendResult;
import io.hwledger.ledger.ConsistencyProof;
import io.hwledger.ledger.InclusionProof;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerFollower;
import io.hwledger.ledger.LedgerHeldException;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.MerkleTree;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.ledger.Verification;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LedgerStore} does, whatever holds its records: run against the file store and
 * the PostgreSQL store by the subclasses. Expected bytes and hashes come from the record format as
 * ADR 0005 writes it out and from SHA-256, not from the code under test.
 */
abstract class LedgerStoreContract {

  /** One store under test: a fresh, empty location. */
  interface StoreUnderTest {
    LedgerStore open(LedgerOptions options);

    LedgerStore openReadOnly();

    Verification verify();

    LedgerFollower follow();
  }

  /** A fresh, empty store for one test. */
  abstract StoreUnderTest newStore() throws Exception;

  private static final Instant T0 = Instant.parse("2026-12-06T07:00:00.123456Z");
  private static final LedgerOptions FIXED =
      LedgerOptions.defaults().withClock(Clock.fixed(T0, ZoneOffset.UTC));
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void anEmptyStoreHasTheRootOfTheEmptyTree() throws Exception {
    try (LedgerStore store = newStore().open(FIXED)) {
      assertThat(store.size()).isZero();
      // RFC 9162 §2.1.1: MTH({}) = SHA-256() of no bytes.
      assertThat(HEX.formatHex(store.root()))
          .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
      assertThat(store.read(0, 10)).isEmpty();
    }
  }

  @Test
  void aRecordHasTheBytesTheFormatDefines() throws Exception {
    LedgerEvent event = LedgerEvent.of("plan.computed", 2, "{\"b\": 1, \"a\": \"x\"}");
    try (LedgerStore store = newStore().open(FIXED)) {
      AppendResult r = store.append(event);
      // Body (ADR 0005): version 1, seq, time in µs, type length + UTF-8 type, schema version,
      // payload length + canonical payload, previous hash (record 0: SHA-256("hwledger genesis
      // v1")); the leaf hash is SHA-256(0x00 ‖ body).
      byte[] type = "plan.computed".getBytes(StandardCharsets.UTF_8);
      byte[] payload = "{\"a\":\"x\",\"b\":1}".getBytes(StandardCharsets.UTF_8);
      byte[] genesis = sha256("hwledger genesis v1".getBytes(StandardCharsets.US_ASCII));
      long micros = T0.getEpochSecond() * 1_000_000L + 123_456;
      ByteBuffer body =
          ByteBuffer.allocate(1 + 8 + 8 + 2 + type.length + 4 + 4 + payload.length + 32);
      body.put((byte) 1).putLong(0).putLong(micros).putShort((short) type.length).put(type);
      body.putInt(2).putInt(payload.length).put(payload).put(genesis);
      byte[] leaf = sha256(concat(new byte[] {0}, body.array()));

      assertThat(r.seq()).isZero();
      assertThat(HEX.formatHex(r.hash())).isEqualTo(HEX.formatHex(leaf));
      assertThat(store.leafHash(0)).isEqualTo(leaf);
      // One leaf: the root is the leaf hash (RFC 9162 §2.1.1).
      assertThat(store.root()).isEqualTo(leaf);
      RecordedEvent back = store.read(0, 1).get(0);
      assertThat(back.timestamp()).isEqualTo(T0);
      assertThat(back.type()).isEqualTo("plan.computed");
      assertThat(back.schemaVersion()).isEqualTo(2);
      assertThat(back.payload()).isEqualTo(payload);
    }
  }

  @Test
  void appendsContinueTheChainAfterReopening() throws Exception {
    StoreUnderTest s = newStore();
    List<LedgerEvent> events = Events.random(17, 12);
    byte[] rootAt5;
    try (LedgerStore store = s.open(FIXED)) {
      for (int i = 0; i < 5; i++) {
        assertThat(store.append(events.get(i)).seq()).isEqualTo(i);
      }
      rootAt5 = store.root();
    }
    try (LedgerStore store = s.open(FIXED)) {
      assertThat(store.size()).isEqualTo(5);
      assertThat(store.root()).isEqualTo(rootAt5);
      for (int i = 5; i < 12; i++) {
        assertThat(store.append(events.get(i)).seq()).isEqualTo(i);
      }
      byte[] root = store.root();
      for (long seq = 0; seq < 12; seq++) {
        InclusionProof p = store.inclusionProof(seq, 12);
        assertThat(MerkleTree.verifyInclusion(store.leafHash(seq), seq, 12, p.path(), root))
            .as("record %d", seq)
            .isTrue();
      }
      ConsistencyProof c = store.consistencyProof(5, 12);
      assertThat(MerkleTree.verifyConsistency(5, 12, rootAt5, root, c.path())).isTrue();
      assertThat(store.root(5)).isEqualTo(rootAt5);
      // Record 5 links to record 4: its stored previous hash is record 4's leaf hash.
      assertThat(store.read(5, 1).get(0).seq()).isEqualTo(5);
    }
    Verification v = s.verify();
    assertThat(v.ok()).as(v.toString()).isTrue();
    assertThat(v.size()).isEqualTo(12);
  }

  @Test
  void concurrentAppendersEachGetTheirOwnSequenceNumber() throws Exception {
    StoreUnderTest s = newStore();
    Set<Long> seqs = new TreeSet<>();
    try (LedgerStore store = s.open(LedgerOptions.defaults())) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int thread = t;
          futures.add(
              pool.submit(
                  () -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                      mine.add(
                          store
                              .append(LedgerEvent.of("test.append", 1, "{\"t\":" + thread + "}"))
                              .seq());
                    }
                    return mine;
                  }));
        }
        for (Future<List<Long>> f : futures) {
          seqs.addAll(f.get(60, TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(store.size()).isEqualTo(320);
    }
    assertThat(seqs).hasSize(320).first().isEqualTo(0L);
    assertThat(((TreeSet<Long>) seqs).last()).isEqualTo(319L);
    assertThat(s.verify().ok()).isTrue();
  }

  @Test
  void outOfRangeArgumentsAreRefusedInOneLine() throws Exception {
    try (LedgerStore store = newStore().open(FIXED)) {
      Events.random(3, 3).forEach(store::append);
      assertThatThrownBy(() -> store.root(4))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("tree size 4 is outside the ledger's 0..3");
      assertThatThrownBy(() -> store.leafHash(3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no record 3 in a ledger of 3");
      assertThatThrownBy(() -> store.inclusionProof(2, 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no record 2 in a tree of 2");
      assertThatThrownBy(() -> store.consistencyProof(3, 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("old size 3 is outside 0..2 (the new size)");
      assertThatThrownBy(() -> store.read(-1, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("from must not be negative, was -1");
      assertThatThrownBy(() -> store.read(0, -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("limit must not be negative, was -1");
      assertThat(store.read(1, 10)).extracting(RecordedEvent::seq).containsExactly(1L, 2L);
      assertThat(store.read(3, 10)).isEmpty();
    }
  }

  @Test
  void aReadOnlyStoreIsASnapshotAndRefusesAppends() throws Exception {
    StoreUnderTest s = newStore();
    try (LedgerStore writer = s.open(FIXED)) {
      Events.random(5, 3).forEach(writer::append);
      try (LedgerStore reader = s.openReadOnly()) {
        writer.append(LedgerEvent.of("test.after", 1, "{}"));
        assertThat(reader.size()).isEqualTo(3);
        assertThat(reader.root()).isEqualTo(writer.root(3));
        assertThatThrownBy(() -> reader.append(LedgerEvent.of("test.refused", 1, "{}")))
            .isInstanceOf(LedgerException.class)
            .hasMessageContaining("read-only");
      }
    }
  }

  @Test
  void aSecondWriterIsRefusedWhileTheFirstHoldsTheStore() throws Exception {
    StoreUnderTest s = newStore();
    try (LedgerStore first = s.open(FIXED)) {
      first.append(LedgerEvent.of("test.first", 1, "{}"));
      assertThatThrownBy(() -> s.open(FIXED).close()).isInstanceOf(LedgerHeldException.class);
      assertThat(first.append(LedgerEvent.of("test.still", 1, "{}")).seq()).isEqualTo(1);
    }
    try (LedgerStore second = s.open(FIXED)) {
      assertThat(second.append(LedgerEvent.of("test.second", 1, "{}")).seq()).isEqualTo(2);
    }
  }

  @Test
  void copiedRecordsKeepTheirBytesAndMustContinueTheChain() throws Exception {
    StoreUnderTest from = newStore();
    StoreUnderTest to = newStore();
    List<RecordedEvent> records;
    byte[] root;
    try (LedgerStore source = from.open(LedgerOptions.defaults())) {
      Events.random(29, 20).forEach(source::append);
      records = source.read(0, 100);
      root = source.root();
    }
    try (LedgerStore target = to.open(FIXED)) {
      assertThatThrownBy(() -> target.appendCopy(records.get(1)))
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("record 1 does not continue a ledger of 0 records");
      RecordedEvent forged =
          new RecordedEvent(
              0,
              records.get(0).timestamp(),
              records.get(0).type(),
              records.get(0).schemaVersion(),
              "{\"forged\":true}".getBytes(StandardCharsets.UTF_8),
              records.get(0).hash());
      assertThatThrownBy(() -> target.appendCopy(forged))
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("hashes to");
      for (RecordedEvent r : records) {
        assertThat(target.appendCopy(r).hash()).isEqualTo(r.hash());
      }
      assertThat(target.root()).isEqualTo(root);
      assertThat(target.read(0, 100)).isEqualTo(records);
    }
  }

  @Test
  void aFollowerBehindTheWriterHoldsItsFirstRecordsAndCatchesUp() throws Exception {
    StoreUnderTest s = newStore();
    try (LedgerStore writer = s.open(FIXED)) {
      Events.random(11, 5).forEach(writer::append);
      byte[] rootAt5 = writer.root();
      try (LedgerFollower follower = s.follow()) {
        assertThat(follower.size()).isEqualTo(5);
        // nothing new: the wait ends when its time is up, at the same size
        assertThat(follower.awaitGrowth(5, Duration.ofMillis(200))).isEqualTo(5);
        Events.random(12, 7).forEach(writer::append);
        // behind the writer, the follower still holds exactly the writer's first 5 records
        List<RecordedEvent> seen = new ArrayList<>();
        follower.forEach(0, 100, seen::add);
        assertThat(seen).hasSize(5);
        assertThat(follower.awaitGrowth(5, Duration.ofSeconds(30))).isEqualTo(12);
        follower.forEach(5, 100, seen::add);
        assertThat(seen).isEqualTo(writer.read(0, 100));
        // and what it saw is a prefix of what the writer holds now (RFC 9162 consistency)
        ConsistencyProof p = writer.consistencyProof(5, 12);
        assertThat(MerkleTree.verifyConsistency(5, 12, rootAt5, writer.root(), p.path())).isTrue();
      }
    }
  }

  @Test
  void aClosedStoreRefusesAppends() throws Exception {
    LedgerStore store = newStore().open(FIXED);
    store.close();
    assertThatThrownBy(() -> store.append(LedgerEvent.of("test.late", 1, "{}")))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("closed");
  }

  static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
