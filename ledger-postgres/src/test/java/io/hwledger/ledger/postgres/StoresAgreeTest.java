package io.hwledger.ledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.MerkleTree;
import io.hwledger.ledger.NoteSigner;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file store and the PostgreSQL store, fed the same events with the same clock, hold the same
 * ledger byte for byte: every record, leaf hash, root at every size, sampled inclusion and
 * consistency proofs, and the signed checkpoint. Proofs are also checked with the RFC 9162
 * verifiers against the roots.
 */
@Verifies("FR-STORE-002")
class StoresAgreeTest {
  @TempDir Path temp;

  @Test
  void theSameEventsGiveTheSameLedgerInBothStores() throws Exception {
    long seed = System.nanoTime();
    List<LedgerEvent> events =
        Events.random(seed, 333); // 333 = 256 + 64 + 8 + 4 + 1: five subtrees
    Instant start = Instant.parse("2026-12-06T08:00:00Z");
    PostgresSettings pg = PostgresStoreContractTest.settings(TestPostgres.newDatabase());
    NoteSigner signer = NoteSigner.generate("fleet.example/ledger", new SecureRandom());
    try (LedgerStore file =
            Ledger.open(
                temp.resolve("ledger"),
                LedgerOptions.defaults().withClock(new SteppingClock(start)));
        LedgerStore db =
            PostgresLedgerStore.open(
                pg, LedgerOptions.defaults().withClock(new SteppingClock(start)))) {
      for (LedgerEvent e : events) {
        assertThat(db.append(e)).isEqualTo(file.append(e));
      }
      assertThat(db.size()).isEqualTo(file.size()).isEqualTo(333);
      List<RecordedEvent> fileRecords = file.read(0, 1000);
      assertThat(db.read(0, 1000)).isEqualTo(fileRecords);
      for (long size = 0; size <= 333; size++) {
        assertThat(db.root(size)).as("root at %d (seed %d)", size, seed).isEqualTo(file.root(size));
      }
      Random random = new Random(seed);
      for (int i = 0; i < 200; i++) {
        long size = 1 + random.nextInt(333);
        long seq = random.nextInt((int) size);
        assertThat(db.inclusionProof(seq, size)).isEqualTo(file.inclusionProof(seq, size));
        assertThat(
                MerkleTree.verifyInclusion(
                    db.leafHash(seq),
                    seq,
                    size,
                    db.inclusionProof(seq, size).path(),
                    db.root(size)))
            .isTrue();
        long old = random.nextInt((int) size + 1);
        assertThat(db.consistencyProof(old, size)).isEqualTo(file.consistencyProof(old, size));
        assertThat(
                MerkleTree.verifyConsistency(
                    old, size, db.root(old), db.root(size), db.consistencyProof(old, size).path()))
            .isTrue();
      }
      assertThat(db.checkpoint("fleet.example/ledger", signer))
          .isEqualTo(file.checkpoint("fleet.example/ledger", signer));
    }
  }
}
