package io.hwledger.testpostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Restart, crash and recovery, close: each test with a server of its own. */
@Verifies("FR-STORE-001")
class EmbeddedPostgresLifecycleTest {
  @Test
  void aRestartKeepsTheDataAndThePortAndEndsTheOpenSessions() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(Sql.BASE)) {
      TestDatabase db = pg.database("postgres");
      Sql.execute(db, "CREATE TABLE kept (v int)");
      Sql.execute(db, "INSERT INTO kept VALUES (17)");
      int port = pg.port();
      try (Connection before = db.connect()) {
        pg.restart();

        assertThatThrownBy(() -> Sql.text(before, "SELECT 1")).isInstanceOf(SQLException.class);
      }
      assertThat(pg.port()).isEqualTo(port);
      assertThat(pg.isRunning()).isTrue();
      assertThat(Sql.text(db, "SELECT v FROM kept")).isEqualTo("17");
    }
  }

  @Test
  void anImmediateStopLosesNoCommittedRowAndKeepsNoUncommittedOne() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(Sql.BASE)) {
      TestDatabase db = pg.database("postgres");
      long logBefore = Files.size(pg.serverLog());
      Sql.execute(db, "CREATE TABLE rows (v int)");
      try (Connection committed = db.connect();
          Connection open = db.connect()) {
        Sql.execute(committed, "INSERT INTO rows SELECT generate_series(1, 100)");
        open.setAutoCommit(false);
        Sql.execute(open, "INSERT INTO rows VALUES (1000)");

        pg.stopImmediately();
      }
      assertThat(pg.isRunning()).isFalse();
      assertThatThrownBy(db::connect).isInstanceOf(SQLException.class);
      assertThatThrownBy(pg::restart)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("call start() first");

      pg.start();

      // 1 + 2 + ... + 100 = 100 * 101 / 2 = 5050; the uncommitted 1000 is not there.
      assertThat(Sql.text(db, "SELECT count(*) || ' ' || sum(v) FROM rows")).isEqualTo("100 5050");
      String log = Commands.textSince(pg.serverLog(), logBefore);
      assertThat(log).contains("database system was interrupted");
      assertThat(log).contains("redo done");
      assertThatThrownBy(pg::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("start: this embedded PostgreSQL is already running");
    }
  }

  @Test
  void closeStopsTheServerAndDeletesItsRunDirectory() throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.start(Sql.BASE);
    Path run = pg.runDirectory();
    long postmaster;
    try (Connection c = pg.connect()) {
      postmaster = Sql.postmasterPid(c);
    }
    assertThat(Files.readString(pg.serverLog(), StandardCharsets.UTF_8)).isNotEmpty();

    pg.close();
    pg.close();

    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
    assertThat(run).doesNotExist();
    assertThat(pg.isRunning()).isFalse();
    assertThatThrownBy(pg::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("start: this embedded PostgreSQL is closed");
  }
}
