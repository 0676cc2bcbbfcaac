package io.hwledger.ledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.Verification;
import io.hwledger.testpostgres.TestDatabase;
import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.Verifies;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * History in PostgreSQL cannot be changed through the tables (the database refuses it), and when it
 * is changed anyway (by a superuser who disables the triggers), verification names the first record
 * that is wrong.
 */
@Verifies("FR-STORE-004")
class PostgresTamperTest {
  private TestDatabase db;
  private PostgresSettings settings;

  @BeforeEach
  void tenRecords() throws Exception {
    db = TestPostgres.newDatabase();
    settings = PostgresStoreContractTest.settings(db);
    try (LedgerStore store = PostgresLedgerStore.open(settings, LedgerOptions.defaults())) {
      Events.random(41, 10).forEach(store::append);
    }
    assertThat(PostgresLedgerStore.verify(settings, n -> {}).ok()).isTrue();
  }

  private void sql(String... statements) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private void tamper(String statement) throws SQLException {
    sql(
        "ALTER TABLE hwledger.ledger_record DISABLE TRIGGER USER",
        "ALTER TABLE hwledger.ledger_node DISABLE TRIGGER USER",
        statement);
  }

  @Test
  void theDatabaseRefusesToChangeOrRemoveRecords() {
    assertThatThrownBy(() -> sql("UPDATE hwledger.ledger_record SET body = body WHERE seq = 4"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("the ledger is append-only: UPDATE on ledger_record refused");
    assertThatThrownBy(() -> sql("DELETE FROM hwledger.ledger_node"))
        .hasMessageContaining("the ledger is append-only: DELETE on ledger_node refused");
    assertThatThrownBy(() -> sql("TRUNCATE hwledger.ledger_record"))
        .hasMessageContaining("the ledger is append-only: TRUNCATE on ledger_record refused");
  }

  @Test
  void aChangedBodyIsReportedAtItsRecord() throws Exception {
    tamper(
        "UPDATE hwledger.ledger_record SET body = overlay(body placing '\\x7a'::bytea from 30)"
            + " WHERE seq = 4");
    Verification v = PostgresLedgerStore.verify(settings, n -> {});
    assertThat(v.ok()).isFalse();
    assertThat(v.firstBadSeq()).hasValue(4);
    assertThat(v.size()).isEqualTo(4);
    assertThat(v.reason())
        .hasValueSatisfying(r -> assertThat(r).contains("does not hash to its stored hash"));
    try (LedgerStore reader = PostgresLedgerStore.openReadOnly(settings)) {
      assertThatThrownBy(() -> reader.read(0, 10)).hasMessageContaining("record 4 does not hash");
    }
  }

  @Test
  void aRecordRehashedToMatchItsBodyBreaksTheChainAtTheNext() throws Exception {
    // Change record 4's body and store its new hash as well: record 4 is self-consistent now, and
    // record 5 still links to the old hash.
    tamper(
        "UPDATE hwledger.ledger_record SET body = overlay(body placing '\\x7a'::bytea from 30),"
            + " leaf_hash = sha256('\\x00'::bytea || overlay(body placing '\\x7a'::bytea from 30))"
            + " WHERE seq = 4");
    Verification v = PostgresLedgerStore.verify(settings, n -> {});
    assertThat(v.firstBadSeq()).hasValue(5);
    assertThat(v.reason())
        .hasValue("record 5 does not link to record 4: one of them was changed or replaced");
  }

  @Test
  void aMissingRecordAndAChangedTreeNodeAreReported() throws Exception {
    tamper("UPDATE hwledger.ledger_node SET hash = sha256(hash) WHERE level = 2 AND idx = 1");
    Verification v = PostgresLedgerStore.verify(settings, n -> {});
    // Node 2/1 covers records 4..7 and is completed by record 7.
    assertThat(v.firstBadSeq()).hasValue(7);
    assertThat(v.reason()).hasValue("tree node 2/1 differs from the records");

    tamper("DELETE FROM hwledger.ledger_record WHERE seq = 2");
    Verification gone = PostgresLedgerStore.verify(settings, n -> {});
    assertThat(gone.firstBadSeq()).hasValue(2);
    assertThat(gone.reason()).hasValue("record 2 is missing");
  }
}
