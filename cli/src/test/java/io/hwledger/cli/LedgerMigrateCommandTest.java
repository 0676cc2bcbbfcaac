package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.testpostgres.TestDatabase;
import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledger migrate} moves a ledger from a directory into PostgreSQL and back, printing the
 * root both sides share; bad stores are refused in one line that never shows a password.
 */
@Verifies({"FR-STORE-006", "FR-STORE-005"})
class LedgerMigrateCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void aLedgerGoesToPostgresAndBackWithTheSameRoot() throws Exception {
    Path source = tmp.resolve("source");
    try (Ledger ledger = Ledger.open(source)) {
      for (int i = 0; i < 40; i++) {
        ledger.append(LedgerEvent.of("test.event", 1, "{\"i\":" + i + "}"));
      }
    }
    String root = Ledger.verify(source).rootHex();
    TestDatabase db = TestPostgres.newDatabase();
    Map<String, String> env =
        Map.of("HWLEDGER_DB_USER", db.user(), "HWLEDGER_DB_PASSWORD", db.password());

    Cli.Result there =
        Cli.runWithEnv(env, "ledger", "migrate", "--from", source.toString(), "--to", db.jdbcUrl());
    assertThat(there.exitCode()).as(there.err()).isZero();
    assertThat(there.out())
        .isEqualTo(
            "migrated 40 records (0 already there) from "
                + source
                + " to "
                + db.jdbcUrl()
                + "; both have 40 records with root "
                + root
                + "\n");

    Path back = tmp.resolve("back");
    Cli.Result home =
        Cli.runWithEnv(
            env, "ledger", "migrate", "--from", db.jdbcUrl(), "--to", back.toString(), "--json");
    assertThat(home.exitCode()).as(home.err()).isZero();
    JsonNode json = MAPPER.readTree(home.out());
    assertThat(json.get("copied").asLong()).isEqualTo(40);
    assertThat(json.get("root").asText()).isEqualTo(root);
    assertThat(Ledger.verify(back).rootHex()).isEqualTo(root);

    Cli.Result again =
        Cli.runWithEnv(env, "ledger", "migrate", "--from", source.toString(), "--to", db.jdbcUrl());
    assertThat(again.out()).startsWith("migrated 0 records (40 already there)");
  }

  @Test
  void badStoresAreRefusedInOneLineWithoutThePassword() throws Exception {
    Path source = tmp.resolve("source");
    try (Ledger ledger = Ledger.open(source)) {
      ledger.append(LedgerEvent.of("test.event", 1, "{}"));
    }
    Map<String, String> env =
        Map.of("HWLEDGER_DB_USER", "fleet", "HWLEDGER_DB_PASSWORD", "Pa55-word");
    // Port 1 on loopback: nothing listens there.
    Cli.Result down =
        Cli.runWithEnv(
            env,
            "ledger",
            "migrate",
            "--from",
            source.toString(),
            "--to",
            "jdbc:postgresql://127.0.0.1:1/fleet");
    assertThat(down.exitCode()).isEqualTo(1);
    assertThat(down.err())
        .startsWith(
            "hwledger: opening ledger jdbc:postgresql://127.0.0.1:1/fleet (schema hwledger) failed: ")
        .doesNotContain("Pa55-word");
    assertThat(down.err().strip()).doesNotContain("\n");

    Cli.Result inUrl =
        Cli.runWithEnv(
            Map.of(),
            "ledger",
            "migrate",
            "--from",
            source.toString(),
            "--to",
            "jdbc:postgresql://127.0.0.1:1/fleet?password=Pa55-word");
    assertThat(inUrl.err()).contains("carries a password").doesNotContain("Pa55-word");

    Cli.Result same =
        Cli.run("ledger", "migrate", "--from", source.toString(), "--to", source + "/.");
    assertThat(same.exitCode()).isEqualTo(2);
    assertThat(same.err()).contains("--from and --to name the same ledger");
  }
}
