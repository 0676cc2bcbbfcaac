package io.hwledger.testpostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hwledger.testsupport.Verifies;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The JVM's shared server: fresh databases, isolated, restartable, with sessions to cut. */
@Verifies("FR-STORE-001")
class TestPostgresTest {
  @Test
  void twoNewDatabasesAreSeparate() throws Exception {
    TestDatabase a = TestPostgres.newDatabase();
    TestDatabase b = TestPostgres.newDatabase();

    assertThat(a.databaseName()).isNotEqualTo(b.databaseName()).matches("hwtest_[0-9a-f]{16}");
    Sql.execute(a, "CREATE TABLE only_in_a (v int)");
    Sql.execute(a, "INSERT INTO only_in_a VALUES (1)");

    assertThat(Sql.text(a, "SELECT current_database()")).isEqualTo(a.databaseName());
    assertThat(Sql.text(b, "SELECT current_database()")).isEqualTo(b.databaseName());
    assertThatThrownBy(() -> Sql.text(b, "SELECT v FROM only_in_a"))
        .isInstanceOf(SQLException.class)
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("42P01"); // undefined_table
    assertThat(Sql.text(a, "SELECT datcollate FROM pg_database WHERE datname = current_database()"))
        .isEqualTo("C");
  }

  @Test
  void terminateConnectionsCutsTheNamedSessionsOfThatDatabaseOnly() throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    TestDatabase other = TestPostgres.newDatabase();
    try (Connection writer = db.connect("writer");
        Connection reader = db.connect("reader");
        Connection elsewhere = other.connect("writer")) {
      assertThat(TestPostgres.terminateConnections(db, "writer")).isEqualTo(1);

      assertThatThrownBy(() -> Sql.text(writer, "SELECT 1")).isInstanceOf(SQLException.class);
      assertThat(Sql.text(reader, "SELECT 1")).isEqualTo("1");
      assertThat(Sql.text(elsewhere, "SELECT 1")).isEqualTo("1");

      assertThat(TestPostgres.terminateConnections(db, null)).isEqualTo(1);
      assertThatThrownBy(() -> Sql.text(reader, "SELECT 1")).isInstanceOf(SQLException.class);
      assertThat(Sql.text(elsewhere, "SELECT 1")).isEqualTo("1");
      assertThat(TestPostgres.terminateConnections(db, null)).isZero();
    }
  }

  @Test
  void theEmbeddedServerCanRestartExactlyWhenNoExternalOneIsNamed() {
    assertThat(TestPostgres.canRestart())
        .isEqualTo(System.getenv("HWLEDGER_TEST_JDBC_URL") == null);
  }

  @Test
  void aRestartKeepsEveryDatabase() throws Exception {
    assumeTrue(TestPostgres.canRestart());
    TestDatabase db = TestPostgres.newDatabase();
    Sql.execute(db, "CREATE TABLE kept (v text)");
    Sql.execute(db, "INSERT INTO kept VALUES ('before')");

    TestPostgres.restart();
    assertThat(Sql.text(db, "SELECT v FROM kept")).isEqualTo("before");

    Sql.execute(db, "INSERT INTO kept VALUES ('between')");
    TestPostgres.stopImmediatelyAndStart();
    assertThat(Sql.text(db, "SELECT string_agg(v, ',' ORDER BY v) FROM kept"))
        .isEqualTo("before,between");
  }
}
