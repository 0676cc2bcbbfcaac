package io.hwledger.bench;

import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.Verification;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full verification ({@link Ledger#verify(Path)}: every checksum, hash, chain link, Merkle leaf and
 * the stored tree's root) of a prebuilt ledger, against plain {@link MessageDigest} SHA-256 over
 * the same bytes in the same run.
 *
 * <p>Baseline: the segment files' bytes, read into memory once in setup, hashed with one SHA-256
 * digest per record frame (the frames' own lengths cut the chunks), so the baseline hashes exactly
 * the bytes verify reads, in the same number of digests, with no I/O, parsing or checks. Verify
 * reads the same files through the page cache (they were just written, so they are cached); the
 * time per operation is for the whole ledger, so rate = segment bytes ÷ time.
 *
 * <p>Target (issue 3): verify at no less than half the raw SHA-256 rate. Run: {@code java -jar
 * benchmarks/target/benchmarks.jar LedgerVerifyBenchmark -f 1 -wi 5 -i 8}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 5)
@Measurement(iterations = 8)
public class LedgerVerifyBenchmark {

  /** Records in the prebuilt ledger. */
  @Param({"200000"})
  public int events;

  private Path dir;
  private Path ledger;
  private byte[] segmentBytes;
  private MessageDigest digest;

  /** Builds the ledger in a fresh temporary directory and loads its segment bytes. */
  @Setup(Level.Trial)
  public void build() throws IOException, NoSuchAlgorithmException {
    dir = LedgerFixtures.tempDir("hwledger-bench-verify-");
    ledger = dir.resolve("ledger");
    LedgerFixtures.build(ledger, events);
    Verification v = Ledger.verify(ledger);
    if (!v.ok() || v.size() != events) {
      throw new IllegalStateException("the prebuilt ledger does not verify: " + v);
    }
    List<Path> segments = LedgerFixtures.segments(ledger);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Path s : segments) {
      all.writeBytes(Files.readAllBytes(s));
    }
    segmentBytes = all.toByteArray();
    digest = MessageDigest.getInstance("SHA-256");
    System.out.printf(
        Locale.ROOT,
        "%n  ledger: %,d events, %,d segment bytes in %d segment(s), %,d bytes on disk in all%n",
        events,
        segmentBytes.length,
        segments.size(),
        LedgerFixtures.bytesUnder(ledger));
  }

  /** Deletes the ledger. */
  @TearDown(Level.Trial)
  public void delete() {
    LedgerFixtures.deleteTree(dir);
  }

  /** Full verification of the ledger. */
  @Benchmark
  public Verification verify() {
    return Ledger.verify(ledger);
  }

  /**
   * Baseline: SHA-256 of each record frame of the in-memory segment bytes, one digest per frame,
   * folded into one value so none can be skipped.
   */
  @Benchmark
  public long baseline_sha256() {
    byte[] b = segmentBytes;
    long fold = 0;
    int offset = 0;
    while (offset < b.length) {
      int length =
          ((b[offset] & 0xff) << 24)
              | ((b[offset + 1] & 0xff) << 16)
              | ((b[offset + 2] & 0xff) << 8)
              | (b[offset + 3] & 0xff);
      int frame = 4 + length + 32 + 4;
      digest.update(b, offset, frame);
      fold += digest.digest()[0];
      offset += frame;
    }
    return fold;
  }
}
