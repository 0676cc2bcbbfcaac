package io.hwledger.ledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerMigration;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.NoteSigner;
import io.hwledger.ledger.Verification;
import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger moved from a directory into PostgreSQL and back keeps every byte: the same root on all
 * three sides, the same checkpoint, and each copy verifies on its own.
 */
@Verifies("FR-STORE-006")
class MigrationTest {
  @TempDir Path temp;

  @Test
  void aLedgerMovesToPostgresAndBackWithTheSameRoot() throws Exception {
    Path source = temp.resolve("source");
    Path back = temp.resolve("back");
    PostgresSettings pg = PostgresStoreContractTest.settings(TestPostgres.newDatabase());
    List<LedgerEvent> events = Events.random(71, 5000);
    NoteSigner signer = NoteSigner.generate("fleet.example/ledger", new SecureRandom());
    String checkpoint;
    try (Ledger file = Ledger.open(source)) {
      events.forEach(file::appendAsync);
      file.append(LedgerEvent.of("test.last", 1, "{}"));
      checkpoint = file.checkpoint("fleet.example/ledger", signer);
    }
    LedgerMigration.Result there;
    try (LedgerStore from = Ledger.openReadOnly(source);
        LedgerStore to = PostgresLedgerStore.open(pg, LedgerOptions.defaults())) {
      there = LedgerMigration.copy(from, to, n -> {});
      assertThat(there.copied()).isEqualTo(5001);
      assertThat(there.alreadyThere()).isZero();
      assertThat(to.checkpoint("fleet.example/ledger", signer)).isEqualTo(checkpoint);
    }
    Verification v = PostgresLedgerStore.verify(pg, n -> {});
    assertThat(v.ok()).isTrue();
    assertThat(v.rootHex()).isEqualTo(there.rootHex());

    try (LedgerStore from = PostgresLedgerStore.openReadOnly(pg);
        LedgerStore to = Ledger.open(back)) {
      LedgerMigration.Result home = LedgerMigration.copy(from, to, n -> {});
      assertThat(home.rootHex()).isEqualTo(there.rootHex());
      assertThat(to.read(0, 6000)).isEqualTo(from.read(0, 6000));
    }
    assertThat(Ledger.verify(back).rootHex()).isEqualTo(there.rootHex());
  }

  @Test
  void anInterruptedMigrationResumesAndAForeignTargetIsRefused() throws Exception {
    Path source = temp.resolve("source");
    PostgresSettings pg = PostgresStoreContractTest.settings(TestPostgres.newDatabase());
    try (Ledger file = Ledger.open(source)) {
      Events.random(5, 300).forEach(file::append);
    }
    try (LedgerStore from = Ledger.openReadOnly(source);
        LedgerStore to = PostgresLedgerStore.open(pg, LedgerOptions.defaults())) {
      from.read(0, 120).forEach(to::appendCopy); // a migration that stopped after 120 records
      LedgerMigration.Result r = LedgerMigration.copy(from, to, n -> {});
      assertThat(r.alreadyThere()).isEqualTo(120);
      assertThat(r.copied()).isEqualTo(180);
      assertThat(to.root()).isEqualTo(from.root());
    }
    PostgresSettings other = pg.withSchema("other");
    try (LedgerStore from = Ledger.openReadOnly(source);
        LedgerStore foreign = PostgresLedgerStore.open(other, LedgerOptions.defaults())) {
      foreign.append(LedgerEvent.of("test.foreign", 1, "{}"));
      assertThatThrownBy(() -> LedgerMigration.copy(from, foreign, n -> {}))
          .isInstanceOf(LedgerException.class)
          .hasMessage(
              "the target "
                  + other.location()
                  + " holds 1 records that are not the source's first 1 (the roots differ); not"
                  + " copying into it");
      assertThat(foreign.size()).isEqualTo(1);
    }
  }
}
