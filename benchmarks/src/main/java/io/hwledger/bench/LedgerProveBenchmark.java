package io.hwledger.bench;

import io.hwledger.ledger.Checkpoint;
import io.hwledger.ledger.InclusionProof;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.MerkleTree;
import io.hwledger.ledger.NoteSigner;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
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
 * What a root the records produce costs: {@code checkpoint} and {@code prove} as the CLI runs them
 * on a ledger of a million events — a read-only open (confirm the head by re-hashing the newest
 * record, check the tree's root against it) and then the signed checkpoint, or an inclusion proof
 * checked against the records' root ({@code CheckedTree}) — and a proof from a ledger already open.
 *
 * <p>Baselines in the same run: signing the same checkpoint body with the same key (what any
 * checkpoint costs), and verifying the same inclusion proof ({@link MerkleTree#verifyInclusion},
 * the O(log n) hashes any proof costs its checker).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LedgerProveBenchmark -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LedgerProveBenchmark {

  /** Records in the prebuilt ledger. */
  @Param({"1000000"})
  public int events;

  private Path dir;
  private Path ledger;
  private NoteSigner signer;
  private String body;
  private Ledger open;
  private long seq;
  private InclusionProof proof;
  private byte[] leaf;
  private byte[] root;

  /** Builds the ledger once per trial. */
  @Setup(Level.Trial)
  public void build() throws Exception {
    dir = LedgerFixtures.tempDir("hwledger-bench-prove-");
    ledger = dir.resolve("ledger");
    LedgerFixtures.build(ledger, events);
    signer = NoteSigner.generate("bench.example/ledger", new SecureRandom());
    open = Ledger.openReadOnly(ledger);
    root = open.root();
    body = new Checkpoint("bench.example/ledger", open.size(), root, List.of()).body();
    seq = events / 3;
    proof = open.inclusionProof(seq, events);
    leaf = open.leafHash(seq);
  }

  /** Closes and deletes the ledger. */
  @TearDown(Level.Trial)
  public void delete() {
    open.close();
    LedgerFixtures.deleteTree(dir);
  }

  /** {@code hwledger ledger checkpoint}: read-only open, signed checkpoint, close. */
  @Benchmark
  public String checkpoint_openReadOnly() {
    try (Ledger l = Ledger.openReadOnly(ledger)) {
      return l.checkpoint("bench.example/ledger", signer);
    }
  }

  /** Baseline: signing the same checkpoint body. */
  @Benchmark
  public String baseline_signOnly() {
    return signer.sign(body);
  }

  /** {@code hwledger ledger prove}: read-only open, checked inclusion proof, close. */
  @Benchmark
  public InclusionProof prove_openReadOnly() {
    try (Ledger l = Ledger.openReadOnly(ledger)) {
      return l.inclusionProof(seq, events);
    }
  }

  /** A checked inclusion proof from a ledger already open. */
  @Benchmark
  public InclusionProof prove_open() {
    return open.inclusionProof(seq, events);
  }

  /** Baseline: verifying the same proof against the root. */
  @Benchmark
  public boolean baseline_verifyProof() {
    return MerkleTree.verifyInclusion(leaf, seq, events, proof.path(), root);
  }
}
