package io.hwledger.testpostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * HWLEDGER_TEST_JDBC_URL: databases on an external server, here played by a database of the shared
 * server, which the external mode cannot restart.
 */
@Verifies("FR-STORE-001")
class SharedServerTest {
  private static EmbeddedPostgres notStarted() {
    throw new AssertionError("an external server is named; nothing may be started");
  }

  @Test
  void anExternalServerMakesAndAtCloseDropsItsDatabasesAndCannotRestart() throws Exception {
    TestDatabase admin = TestPostgres.newDatabase();
    SharedServer external =
        SharedServer.fromEnvironment(
            Map.of(
                "HWLEDGER_TEST_JDBC_URL", admin.jdbcUrl(),
                "HWLEDGER_TEST_JDBC_USER", admin.user(),
                "HWLEDGER_TEST_JDBC_PASSWORD", admin.password()),
            SharedServerTest::notStarted);

    TestDatabase db = external.newDatabase();
    assertThat(db.user()).isEqualTo(admin.user());
    assertThat(db.jdbcUrl())
        .isEqualTo(admin.jdbcUrl().replace(admin.databaseName(), db.databaseName()));
    Sql.execute(db, "CREATE TABLE t (v int)");
    assertThat(external.canRestart()).isFalse();
    assertThatThrownBy(external::embedded)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "the tests use the external PostgreSQL named by HWLEDGER_TEST_JDBC_URL, which"
                + " they cannot restart (a test that needs to calls"
                + " assumeTrue(TestPostgres.canRestart()))");

    external.close();

    assertThat(
            Sql.text(
                admin,
                "SELECT count(*) FROM pg_database WHERE datname = '" + db.databaseName() + "'"))
        .isEqualTo("0");
  }

  @Test
  void anExternalUrlWithoutUserOrPasswordIsNamedInOneLine() {
    assertThatThrownBy(
            () ->
                SharedServer.fromEnvironment(
                    Map.of("HWLEDGER_TEST_JDBC_URL", "jdbc:postgresql://db.example:5432/postgres"),
                    SharedServerTest::notStarted))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("HWLEDGER_TEST_JDBC_URL is set but HWLEDGER_TEST_JDBC_USER is not");
    assertThatThrownBy(
            () ->
                SharedServer.fromEnvironment(
                    Map.of(
                        "HWLEDGER_TEST_JDBC_URL",
                        "jdbc:postgresql://db.example:5432/postgres",
                        "HWLEDGER_TEST_JDBC_USER",
                        "ci"),
                    SharedServerTest::notStarted))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("HWLEDGER_TEST_JDBC_URL is set but HWLEDGER_TEST_JDBC_PASSWORD is not");
  }

  @Test
  void anExternalUrlOfAnotherFormIsNamedInOneLine() {
    assertThatThrownBy(
            () ->
                SharedServer.fromEnvironment(
                    Map.of(
                        "HWLEDGER_TEST_JDBC_URL",
                        "jdbc:mysql://db.example/x",
                        "HWLEDGER_TEST_JDBC_USER",
                        "ci",
                        "HWLEDGER_TEST_JDBC_PASSWORD",
                        "secret"),
                    SharedServerTest::notStarted))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "HWLEDGER_TEST_JDBC_URL: not a PostgreSQL JDBC URL of the form"
                + " jdbc:postgresql://HOST[:PORT]/DATABASE[?…]: jdbc:mysql://db.example/x");
  }
}
