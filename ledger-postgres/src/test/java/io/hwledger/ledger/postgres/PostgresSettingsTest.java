package io.hwledger.ledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.LedgerStoreProvider;
import io.hwledger.ledger.LedgerStores;
import io.hwledger.testpostgres.TestDatabase;
import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection settings come from the environment or a configuration file, and a password never
 * reaches a message, a log line or {@code toString}.
 */
@Verifies("FR-STORE-005")
class PostgresSettingsTest {
  private static final String SECRET = "s3cr3t-Pa55";
  @TempDir Path temp;

  @Test
  void theEnvironmentOverridesTheConfigurationFile() throws Exception {
    Path file = temp.resolve("db.properties");
    Files.writeString(file, "user=fromfile\npassword=" + SECRET + "\nschema=fleet_a\npoolSize=6\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    PostgresSettings s =
        PostgresSettings.fromEnvironment(
            "jdbc:postgresql://127.0.0.1:5432/fleet",
            Map.of(
                PostgresSettings.ENV_CONFIG,
                file.toString(),
                PostgresSettings.ENV_USER,
                "fromenv"));
    assertThat(s.user()).isEqualTo("fromenv");
    assertThat(s.password()).isEqualTo(SECRET);
    assertThat(s.schema()).isEqualTo("fleet_a");
    assertThat(s.poolSize()).isEqualTo(6);
    assertThat(s.toString())
        .isEqualTo(
            "PostgresSettings[jdbc:postgresql://127.0.0.1:5432/fleet (schema fleet_a), user fromenv,"
                + " password ***, pool 6]")
        .doesNotContain(SECRET);
  }

  @Test
  void aPasswordFileOthersCanReadIsRefused() throws Exception {
    Path file = temp.resolve("db.properties");
    Files.writeString(file, "password=" + SECRET + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(
            () ->
                PostgresSettings.fromEnvironment(
                    "jdbc:postgresql://127.0.0.1/fleet",
                    Map.of(PostgresSettings.ENV_CONFIG, file.toString())))
        .isInstanceOf(LedgerException.class)
        .hasMessage(
            "the database settings file "
                + file
                + " holds a password and is readable by group or others; chmod 600 it");
  }

  @Test
  void aUrlCarryingAPasswordIsRefusedWithoutEchoingIt() {
    for (String url :
        new String[] {
          "jdbc:postgresql://127.0.0.1/fleet?user=a&password=" + SECRET,
          "jdbc:postgresql://a:" + SECRET + "@127.0.0.1/fleet"
        }) {
      assertThatThrownBy(() -> PostgresSettings.of(url))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "the URL jdbc:postgresql://127.0.0.1/fleet carries a password; give it in"
                  + " HWLEDGER_DB_PASSWORD or the HWLEDGER_DB_CONFIG file instead");
    }
    assertThat(
            LedgerStores.redact("jdbc:postgresql://u:" + SECRET + "@db:5432/x?password=" + SECRET))
        .isEqualTo("jdbc:postgresql://db:5432/x");
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> PostgresSettings.of("jdbc:mysql://127.0.0.1/x"))
        .hasMessage(
            "not a PostgreSQL JDBC URL: jdbc:mysql://127.0.0.1/x (expected jdbc:postgresql:)");
    assertThatThrownBy(
            () -> PostgresSettings.of("jdbc:postgresql://127.0.0.1/x").withSchema("a;drop"))
        .hasMessage(
            "schema 'a;drop' must be 1 to 63 lower-case letters, digits or underscores, not"
                + " starting with a digit");
  }

  @Test
  void aWrongPasswordFailsInOneLineWithoutIt() throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    PostgresSettings wrong = PostgresSettings.of(db.jdbcUrl()).withCredentials(db.user(), SECRET);
    assertThatThrownBy(() -> PostgresLedgerStore.open(wrong, LedgerOptions.defaults()))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("password authentication failed")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("\n"));
  }

  @Test
  void readingASchemaWithoutALedgerIsRefused() throws Exception {
    PostgresSettings s = PostgresStoreContractTest.settings(TestPostgres.newDatabase());
    assertThatThrownBy(() -> PostgresLedgerStore.openReadOnly(s))
        .isInstanceOf(LedgerException.class)
        .hasMessage("no ledger at " + s.location());
  }

  @Test
  void theProviderIsFoundByServiceLoaderAndReadsTheEnvironment() throws Exception {
    assertThat(ServiceLoader.load(LedgerStoreProvider.class).stream().map(p -> p.type().getName()))
        .contains(PostgresStoreProvider.class.getName());
    TestDatabase db = TestPostgres.newDatabase();
    Map<String, String> env =
        Map.of(
            PostgresSettings.ENV_USER, db.user(),
            PostgresSettings.ENV_PASSWORD, db.password(),
            PostgresSettings.ENV_SCHEMA, "audit");
    assertThat(new PostgresStoreProvider().accepts("/var/lib/hwledger")).isFalse();
    try (LedgerStore store = LedgerStores.open(db.jdbcUrl(), LedgerOptions.defaults(), env)) {
      store.append(LedgerEvent.of("test.provider", 1, "{}"));
      assertThat(store.location()).endsWith("(schema audit)");
    }
    assertThat(LedgerStores.verify(db.jdbcUrl(), env, n -> {}).size()).isEqualTo(1);
    try (LedgerStore reader = LedgerStores.openReadOnly(db.jdbcUrl(), env)) {
      assertThat(reader.size()).isEqualTo(1);
    }
  }

  @Test
  void storesAreFoundByLocation() throws Exception {
    assertThat(LedgerStores.isUrl("jdbc:postgresql://db/x")).isTrue();
    assertThat(LedgerStores.isUrl("C:\\ledgers\\a")).isFalse();
    assertThat(LedgerStores.isUrl("/var/lib/hwledger")).isFalse();
    // a directory that exists keeps its name, however URL-like (a relative name in the working
    // directory: an absolute path never looks like a URL)
    String name = "hwledger-test" + System.nanoTime() + ":ledger";
    assertThat(LedgerStores.isUrl(name)).isTrue();
    Path odd = Files.createDirectory(Path.of(name));
    try {
      assertThat(LedgerStores.isUrl(name)).isFalse();
    } finally {
      Files.delete(odd);
    }
    assertThatThrownBy(() -> LedgerStores.open("jdbc:sqlite:/tmp/x", LedgerOptions.defaults()))
        .isInstanceOf(LedgerException.class)
        .hasMessage(
            "no ledger store on the class path opens jdbc:sqlite:/tmp/x (PostgreSQL URLs need"
                + " hwledger-ledger-postgres)");
  }
}
