package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers loop over a ledger while a writer appends to it — a child JVM, then a thread of this one
 * — and never see a false corruption: every snapshot verifies, proves and signs consistently, and
 * sizes only grow. Each loop is bounded in iterations and in time.
 */
@Verifies("FR-LEDGER-007")
class LedgerReadersDuringWritesTest {
  private static final long SEED = Long.getLong("hwledger.seed", System.nanoTime());
  private static final int ROUNDS = 150;
  private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final NoteSigner SIGNER =
      NoteSigner.generate("audit.example/ledger", new SecureRandom());

  @TempDir Path tmp;

  @Test
  void readersBesideAWriterProcessSeeAConsistentGrowingLedger() throws Exception {
    System.out.println("LedgerReadersDuringWritesTest seed: " + SEED);
    Path dir = tmp.resolve("ledger");
    Process child = startAppender(dir, 3);
    try {
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(lines.readLine()).startsWith("ready ");
      Thread drain = new Thread(() -> lines.lines().forEach(line -> {}));
      drain.setDaemon(true);
      drain.start();
      int rounds = readWhileWriting(dir, new SplittableRandom(SEED), () -> child.isAlive());
      assertThat(rounds).isPositive();
      assertThat(child.isAlive()).as("the writer kept running").isTrue();
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    // the kill may have cut a write: reopening moves a torn tail aside and brings the tree up
    Ledger.open(dir).close();
    Verification after = Ledger.verify(dir);
    assertThat(after.ok()).as(after.toString()).isTrue();
  }

  @Test
  void readersBesideAWriterThreadSeeAConsistentGrowingLedger() throws Exception {
    Path dir = tmp.resolve("ledger");
    AtomicBoolean writing = new AtomicBoolean(true);
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.defaults().withSegmentBytes(64 << 10))) {
      Thread writer =
          new Thread(
              () -> {
                for (int i = 0; writing.get() && i < 200_000; i++) {
                  ledger.append(LedgerEvent.of("w", 1, "{\"i\":" + i + "}"));
                }
              });
      writer.start();
      try {
        int rounds = readWhileWriting(dir, new SplittableRandom(SEED + 1), writer::isAlive);
        assertThat(rounds).isPositive();
      } finally {
        writing.set(false);
        writer.join();
      }
    }
    assertThat(Ledger.verify(dir).ok()).isTrue();
  }

  /**
   * Loops readers while {@code writerAlive}; returns the rounds run. Fails on any exception or
   * inconsistency.
   */
  private static int readWhileWriting(
      Path dir, SplittableRandom random, java.util.function.BooleanSupplier writerAlive) {
    long deadline = System.nanoTime() + LIMIT_NANOS;
    long lastVerified = 0;
    long lastSize = 0;
    int rounds = 0;
    for (;
        rounds < ROUNDS && System.nanoTime() < deadline && writerAlive.getAsBoolean();
        rounds++) {
      Verification v = Ledger.verify(dir);
      assertThat(v.ok()).as("round %d: %s", rounds, v).isTrue();
      assertThat(v.size()).isGreaterThanOrEqualTo(lastVerified);
      lastVerified = v.size();
      try (Ledger reader = Ledger.openReadOnly(dir)) {
        long size = reader.size();
        assertThat(size).isGreaterThanOrEqualTo(lastSize);
        lastSize = size;
        byte[] root = reader.root();
        Checkpoint signed =
            SIGNER.verifier().verify(reader.checkpoint("audit.example/ledger", SIGNER));
        assertThat(signed.treeSize()).isEqualTo(size);
        assertThat(signed.rootHash()).isEqualTo(root);
        if (size > 0) {
          long seq = random.nextLong(size);
          long at = seq + 1 + random.nextLong(size - seq);
          InclusionProof p = reader.inclusionProof(seq, at);
          assertThat(
                  MerkleTree.verifyInclusion(
                      reader.leafHash(seq), seq, at, p.path(), reader.root(at)))
              .isTrue();
          ConsistencyProof c = reader.consistencyProof(at, size);
          assertThat(MerkleTree.verifyConsistency(at, size, reader.root(at), root, c.path()))
              .isTrue();
          List<RecordedEvent> events = new ArrayList<>();
          reader.forEach(seq, 2, events::add);
          assertThat(events.get(0).hash()).isEqualTo(reader.leafHash(seq));
        }
      }
    }
    return rounds;
  }

  private static Process startAppender(Path dir, int threads) throws java.io.IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            CrashAppender.class.getName(),
            dir.toString(),
            Integer.toString(threads))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }
}
