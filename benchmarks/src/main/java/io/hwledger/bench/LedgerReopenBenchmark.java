package io.hwledger.bench;

import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Time to reopen a ledger of a million events: {@link Ledger#open(Path, LedgerOptions)} (lock,
 * torn-tail recovery of the last segment, Merkle tree check) followed by {@link Ledger#close()}.
 *
 * <p>Baseline: reading the last segment file fully into memory ({@link Files#readAllBytes}), the
 * least that recovery of a torn tail must do when it scans the last segment from its start. Both
 * read through the page cache (the ledger was just written), so this is a warm reopen; a cold one
 * after a reboot adds the disk read.
 *
 * <p>Target (issue 3): under one second. Run: {@code java -jar benchmarks/target/benchmarks.jar
 * LedgerReopenBenchmark -f 1 -wi 5 -i 8}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 5)
@Measurement(iterations = 8)
public class LedgerReopenBenchmark {

  /** Records in the prebuilt ledger. */
  @Param({"1000000"})
  public int events;

  private Path dir;
  private Path ledger;
  private Path lastSegment;

  /** Builds the ledger once per trial, OS-buffered with large batches so that setup is fast. */
  @Setup(Level.Trial)
  public void build() throws IOException {
    dir = LedgerFixtures.tempDir("hwledger-bench-reopen-");
    ledger = dir.resolve("ledger");
    long start = System.nanoTime();
    LedgerFixtures.build(ledger, events);
    long buildMillis = (System.nanoTime() - start) / 1_000_000;
    List<Path> segments = LedgerFixtures.segments(ledger);
    lastSegment = segments.get(segments.size() - 1);
    System.out.printf(
        Locale.ROOT,
        "%n  ledger: %,d events built in %,d ms; %,d bytes on disk (%,d in %d segments, last"
            + " segment %,d bytes; the rest is the Merkle tree)%n",
        events,
        buildMillis,
        LedgerFixtures.bytesUnder(ledger),
        LedgerFixtures.bytesUnder(ledger.resolve("segments")),
        segments.size(),
        Files.size(lastSegment));
  }

  /** Deletes the ledger. */
  @TearDown(Level.Trial)
  public void delete() {
    LedgerFixtures.deleteTree(dir);
  }

  /** Opens the ledger (recovering its tail) and closes it again; returns its size. */
  @Benchmark
  public long openAndClose() {
    try (Ledger l = Ledger.open(ledger, LedgerOptions.defaults())) {
      long size = l.size();
      if (size != events) {
        throw new IllegalStateException("reopened with " + size + " events, not " + events);
      }
      return size;
    }
  }

  /** Baseline: read the last segment file fully. */
  @Benchmark
  public byte[] baseline_readLastSegment() throws IOException {
    return Files.readAllBytes(lastSegment);
  }
}
