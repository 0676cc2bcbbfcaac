package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.testpostgres.TestDatabase;
import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger commands with {@code --store jdbc:postgresql://…} answer exactly as they do for a
 * directory holding the same records (a directory made from the database by {@code ledger migrate},
 * which keeps every record's bytes and time); {@code plan} and {@code cloud offers} record into a
 * database with {@code --record --store}; and every wrong combination is refused in one line that
 * never shows a password.
 */
@Verifies("FR-STORE-007")
class LedgerStoreCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  /** A tree of 13 leaves: not a power of two, so proofs have every shape of path. */
  private static final int EVENTS = 13;

  @TempDir Path tmp;

  @Test
  void ledgerCommandsOnPostgresAnswerAsOnADirectoryWithTheSameRecords() throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    Map<String, String> env = credentials(db);
    String url = db.jdbcUrl();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < EVENTS; i++) {
      lines.append("{\"type\":\"test.event\",\"payload\":{\"i\":").append(i);
      lines.append(",\"name\":\"caf\u00e9 ").append(i).append("\"}}\n");
    }

    // The same lines into the database and into a directory: the same sequence numbers.
    Cli.Result appended =
        Cli.runWithEnvAndInput(env, lines.toString(), "ledger", "append", "--store", url);
    assertThat(appended.exitCode()).as(appended.err()).isZero();
    Path fresh = tmp.resolve("fresh");
    Cli.Result appendedToDir =
        Cli.runWithEnvAndInput(env, lines.toString(), "ledger", "append", fresh.toString());
    assertThat(appendedToDir.exitCode()).as(appendedToDir.err()).isZero();
    List<JsonNode> results = jsonLines(appended.out());
    assertThat(results).hasSize(EVENTS);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      assertThat(results.get(i).get("seq").asLong()).isEqualTo(i);
      assertThat(jsonLines(appendedToDir.out()).get(i).get("seq").asLong()).isEqualTo(i);
      leaves.add(HEX.parseHex(results.get(i).get("hash").asText()));
    }
    // One more, with --type and --payload.
    Cli.Result one =
        Cli.runWithEnv(
            env, "ledger", "append", "--store", url, "--type", "test.last", "--payload", "{}");
    assertThat(one.exitCode()).as(one.err()).isZero();
    assertThat(MAPPER.readTree(one.out()).get("seq").asLong()).isEqualTo(EVENTS);
    leaves.add(HEX.parseHex(MAPPER.readTree(one.out()).get("hash").asText()));
    int size = EVENTS + 1;

    // The directory with the database's records, byte for byte.
    Path copy = tmp.resolve("copy");
    Cli.Result migrated =
        Cli.runWithEnv(env, "ledger", "migrate", "--from", url, "--to", copy.toString());
    assertThat(migrated.exitCode()).as(migrated.err()).isZero();

    // verify: the root is RFC 9162's tree hash of the leaf hashes append printed.
    String verified = run(env, "ledger", "verify", "--store", url, "--json");
    assertThat(verified).isEqualTo(run(env, "ledger", "verify", copy.toString(), "--json"));
    String root = HEX.formatHex(LedgerCommandTest.treeHash(leaves));
    assertThat(MAPPER.readTree(verified).get("root").asText()).isEqualTo(root);
    assertThat(MAPPER.readTree(verified).get("size").asLong()).isEqualTo(size);
    assertThat(run(env, "ledger", "verify", "--store", url))
        .isEqualTo("ok: " + size + " records, root " + root + "\n")
        .isEqualTo(run(env, "ledger", "verify", "--store", copy.toString()));

    // show: every field, text and JSON, pages included.
    for (List<String> page : List.of(List.<String>of(), List.of("--from", "3", "--limit", "5"))) {
      for (List<String> format : List.of(List.<String>of(), List.of("--json"))) {
        List<String> options = new ArrayList<>(page);
        options.addAll(format);
        assertThat(run(env, with(new String[] {"ledger", "show", "--store", url}, options)))
            .isEqualTo(run(env, with(new String[] {"ledger", "show", copy.toString()}, options)));
      }
    }
    JsonNode shown = MAPPER.readTree(run(env, "ledger", "show", "--store", url, "--json"));
    assertThat(shown.get("size").asLong()).isEqualTo(size);
    assertThat(shown.get("events").get(2).get("payload").get("name").asText())
        .isEqualTo("caf\u00e9 2");
    assertThat(shown.get("events").get(EVENTS).get("type").asText()).isEqualTo("test.last");

    // prove: every leaf of the whole tree, and one in an older tree.
    for (int seq = 0; seq < size; seq++) {
      String proof =
          run(env, "ledger", "prove", "--store", url, "--seq", Integer.toString(seq), "--json");
      assertThat(proof)
          .isEqualTo(
              run(
                  env,
                  "ledger",
                  "prove",
                  copy.toString(),
                  "--seq",
                  Integer.toString(seq),
                  "--json"));
      assertThat(MAPPER.readTree(proof).get("root").asText()).isEqualTo(root);
    }
    assertThat(run(env, "ledger", "prove", "--store", url, "--seq", "4", "--size", "7"))
        .isEqualTo(run(env, "ledger", "prove", copy.toString(), "--seq", "4", "--size", "7"));
    String olderRoot =
        MAPPER
            .readTree(
                run(env, "ledger", "prove", "--store", url, "--seq", "0", "--size", "7", "--json"))
            .get("root")
            .asText();
    assertThat(olderRoot)
        .isEqualTo(HEX.formatHex(LedgerCommandTest.treeHash(leaves.subList(0, 7))));

    // checkpoint: Ed25519 signatures are deterministic, so the same key signs the same note.
    Path key = tmp.resolve("signer.key");
    String verifierKey =
        run(env, "ledger", "keygen", "--name", "example.com/fleet", "--out", key.toString())
            .strip();
    String note = run(env, "ledger", "checkpoint", "--store", url, "--key", key.toString());
    assertThat(note)
        .isEqualTo(run(env, "ledger", "checkpoint", copy.toString(), "--key", key.toString()))
        .contains("\n" + size + "\n");
    assertThat(run(env, "ledger", "checkpoint", "--store", url, "--key", key.toString(), "--json"))
        .isEqualTo(
            run(env, "ledger", "checkpoint", copy.toString(), "--key", key.toString(), "--json"));
    Path noteFile = Files.writeString(tmp.resolve("db.note"), note, StandardCharsets.UTF_8);

    // verify-checkpoint: the same answer, apart from the location.
    String againstDb =
        run(
            env,
            "ledger",
            "verify-checkpoint",
            "--note",
            noteFile.toString(),
            "--verifier-key",
            verifierKey,
            "--store",
            url);
    assertThat(againstDb)
        .isEqualTo(
            "ok: example.com/fleet, "
                + size
                + " records, root "
                + root
                + ", matches "
                + url
                + "\n");
    assertThat(
            run(
                env,
                "ledger",
                "verify-checkpoint",
                "--note",
                noteFile.toString(),
                "--verifier-key",
                verifierKey,
                "--ledger",
                copy.toString()))
        .isEqualTo(againstDb.replace(url, copy.toString()));

    // The directory appended with the same events at other times: a checkpoint of it at the
    // database's size has another root, and one of a larger tree has more records. The database
    // is refused with the directory's words.
    Cli.Result extra =
        Cli.runWithEnv(
            env, "ledger", "append", fresh.toString(), "--type", "test.last", "--payload", "{}");
    assertThat(extra.exitCode()).as(extra.err()).isZero();
    Path sameSizeNote = tmp.resolve("same-size.note");
    Files.writeString(
        sameSizeNote,
        run(env, "ledger", "checkpoint", fresh.toString(), "--key", key.toString()),
        StandardCharsets.UTF_8);
    Cli.Result more =
        Cli.runWithEnv(
            env, "ledger", "append", fresh.toString(), "--type", "test.more", "--payload", "{}");
    assertThat(more.exitCode()).as(more.err()).isZero();
    Path largerNote = tmp.resolve("larger.note");
    Files.writeString(
        largerNote,
        run(env, "ledger", "checkpoint", fresh.toString(), "--key", key.toString()),
        StandardCharsets.UTF_8);

    String[] sameSize = verifyCheckpoint(sameSizeNote, verifierKey);
    Cli.Result differsOnDb = Cli.runWithEnv(env, with(sameSize, "--store", url));
    assertThat(differsOnDb.exitCode()).isEqualTo(1);
    assertThat(MAPPER.readTree(differsOnDb.out()).get("reason").asText())
        .startsWith("the records' root at size " + size + " is " + root + ", not the checkpoint's ")
        .endsWith(" (history differs from what was signed)");
    assertThat(differsOnDb.out())
        .isEqualTo(Cli.runWithEnv(env, with(sameSize, "--ledger", copy.toString())).out());

    String[] larger = verifyCheckpoint(largerNote, verifierKey);
    Cli.Result largerOnDb = Cli.runWithEnv(env, with(larger, "--store", url));
    assertThat(largerOnDb.exitCode()).isEqualTo(1);
    assertThat(MAPPER.readTree(largerOnDb.out()).get("reason").asText())
        .isEqualTo("the checkpoint has " + (size + 1) + " records but the ledger holds " + size);
    assertThat(largerOnDb.out())
        .isEqualTo(Cli.runWithEnv(env, with(larger, "--ledger", copy.toString())).out());

    // The same store named through a configuration file rather than the environment.
    Path config = tmp.resolve("db.properties");
    Files.writeString(
        config, "user=" + db.user() + "\npassword=" + db.password() + "\n", StandardCharsets.UTF_8);
    if (config.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(
            run(
                Map.of("HWLEDGER_DB_CONFIG", config.toString()),
                "ledger",
                "verify",
                "--store",
                url))
        .isEqualTo("ok: " + size + " records, root " + root + "\n");
  }

  @Test
  void planAndCloudOffersRecordIntoPostgres() throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    Map<String, String> env = new HashMap<>(credentials(db));
    env.put("XDG_CONFIG_HOME", tmp.resolve("config").toString());
    env.put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
    String url = db.jdbcUrl();

    Cli.Result plan =
        Cli.runWithEnv(
            env,
            "plan",
            "--model",
            "llama-3.1-8b",
            "--context",
            "8K",
            "--json",
            "--record",
            "--store",
            url);
    assertThat(plan.exitCode()).as(plan.err()).isZero();
    JsonNode recorded = MAPPER.readTree(plan.out()).get("recorded");
    assertThat(recorded.get("seq").asLong()).isZero();
    assertThat(recorded.get("ledger").asText()).isEqualTo(url);
    JsonNode event =
        MAPPER.readTree(run(env, "ledger", "show", "--store", url, "--json")).get("events").get(0);
    assertThat(event.get("type").asText()).isEqualTo("plan.computed");
    assertThat(event.get("hash").asText()).isEqualTo(recorded.get("hash").asText());
    assertThat(event.get("payload").get("model").asText()).isEqualTo("llama-3.1-8b");

    // --store before --record, text output: the record line names the database.
    Cli.Result text =
        Cli.runWithEnv(
            env, "plan", "--model", "llama-3.1-8b", "--context", "8K", "--store", url, "--record");
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.err())
        .startsWith("recorded plan as seq 1 (hash ")
        .endsWith(") in " + url + "\n");

    Cli.Result offers =
        Cli.runWithEnv(
            env,
            "cloud",
            "offers",
            "--model",
            "qwen3-8b",
            "--context",
            "4096",
            "--offline",
            "--provider",
            "runpod",
            "--record",
            "--store",
            url);
    assertThat(offers.exitCode()).as(offers.err()).isZero();
    assertThat(offers.err()).contains("recorded the chosen plan as seq 7 in " + url + "\n");
    JsonNode events = MAPPER.readTree(run(env, "ledger", "show", "--store", url, "--json"));
    List<String> types = new ArrayList<>();
    events.get("events").forEach(e -> types.add(e.get("type").asText()));
    // two plans, then the cheapest offer and the next four, then the chosen plan
    assertThat(types)
        .containsExactly(
            "plan.computed",
            "plan.computed",
            "price.observed",
            "price.observed",
            "price.observed",
            "price.observed",
            "price.observed",
            "plan.computed");
  }

  @Test
  void wrongCombinationsAreUsageErrorsInOneLine() throws Exception {
    Path dir = tmp.resolve("ledger");
    String url = "jdbc:postgresql://127.0.0.1:1/fleet";
    Map<String, List<String>> required =
        Map.of(
            "append", List.of(),
            "verify", List.of(),
            "show", List.of(),
            "prove", List.of("--seq", "0"),
            "checkpoint", List.of("--key", "k"));
    for (Map.Entry<String, List<String>> command : required.entrySet()) {
      String[] base = with(new String[] {"ledger", command.getKey()}, command.getValue());
      String hint = " (try 'hwledger ledger " + command.getKey() + " --help')\n";
      assertUsage(
          Cli.run(with(base, dir.toString(), "--store", url)),
          "DIR and --store are mutually exclusive; give one of them" + hint);
      assertUsage(Cli.run(base), "missing one of DIR or --store STORE" + hint);
    }
    assertThat(dir).doesNotExist();
    assertUsage(
        Cli.run("ledger", "append", url, "--type", "t", "--payload", "{}"),
        "DIR: '"
            + url
            + "' is a URL, not a directory; give a database with --store STORE"
            + " (try 'hwledger ledger append --help')\n");

    Cli.Result repair = Cli.run("ledger", "repair", "--store", url);
    assertUsage(
        repair,
        "--store "
            + url
            + ": repair is for ledger directories only; a PostgreSQL ledger keeps no derived tree"
            + " files to rebuild (its tree nodes are committed with each record), so check it with"
            + " 'hwledger ledger verify --store' (try 'hwledger ledger repair --help')\n");

    assertUsage(
        Cli.run(
            "ledger",
            "verify-checkpoint",
            "--note",
            "-",
            "--verifier-key",
            "k+1+AA",
            "--ledger",
            dir.toString(),
            "--store",
            url),
        "--ledger and --store are mutually exclusive; give one of them"
            + " (try 'hwledger ledger verify-checkpoint --help')\n");

    String[] plan = {"plan", "--model", "llama-3.1-8b", "--context", "8K"};
    assertUsage(
        Cli.run(with(plan, "--store", url)),
        "--store goes with --record: it names the ledger --record appends to"
            + " (try 'hwledger plan --help')\n");
    assertUsage(
        Cli.run(with(plan, "--record", dir.toString(), "--store", url)),
        "--record DIR and --store are mutually exclusive; give one of them"
            + " (try 'hwledger plan --help')\n");
    assertUsage(
        Cli.run(with(plan, "--record", url)),
        "--record: '"
            + url
            + "' is a URL, not a directory; give a database with --store STORE"
            + " (try 'hwledger plan --help')\n");
    assertThat(dir).doesNotExist();
  }

  @Test
  void passwordsAreRefusedUnshownAndAnUnreachableDatabaseFailsInOneLine() {
    String secret = "Pa55-word";
    Map<String, String> env = Map.of("HWLEDGER_DB_USER", "fleet", "HWLEDGER_DB_PASSWORD", secret);
    for (String url :
        new String[] {
          "jdbc:postgresql://127.0.0.1:1/fleet?password=" + secret,
          "jdbc:postgresql://fleet:" + secret + "@127.0.0.1:1/fleet"
        }) {
      for (String[] args :
          List.of(
              new String[] {"ledger", "show", "--store", url},
              new String[] {"ledger", "append", "--store", url, "--type", "t", "--payload", "{}"},
              new String[] {
                "plan", "--model", "llama-3.1-8b", "--context", "8K", "--record", "--store", url
              })) {
        Cli.Result r = Cli.runWithEnv(Map.of(), args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err())
            .contains("carries a password")
            .doesNotContain(secret)
            .endsWith("\n")
            .hasLineCount(1);
      }
      Cli.Result asDir = Cli.run("ledger", "append", url, "--type", "t", "--payload", "{}");
      assertThat(asDir.exitCode()).isEqualTo(2);
      assertThat(asDir.err()).doesNotContain(secret).contains("is a URL, not a directory");
    }

    // Port 1 on loopback: nothing listens there. (A read-only open, as show's, waits out the
    // reading pool's connection timeout before it fails.)
    String down = "jdbc:postgresql://127.0.0.1:1/x";
    for (String[] args :
        List.of(
            new String[] {"ledger", "verify", "--store", down},
            new String[] {"ledger", "show", "--store", down},
            new String[] {"ledger", "append", "--store", down, "--type", "t", "--payload", "{}"})) {
      Cli.Result r = Cli.runWithEnv(env, args);
      assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
      assertThat(r.err())
          .startsWith("hwledger: ")
          .contains(down + " (schema hwledger)")
          .doesNotContain(secret)
          .doesNotContain("\tat ")
          .hasLineCount(1);
    }
  }

  private static String[] verifyCheckpoint(Path note, String verifierKey) {
    return new String[] {
      "ledger",
      "verify-checkpoint",
      "--note",
      note.toString(),
      "--verifier-key",
      verifierKey,
      "--json"
    };
  }

  private static Map<String, String> credentials(TestDatabase db) {
    return Map.of("HWLEDGER_DB_USER", db.user(), "HWLEDGER_DB_PASSWORD", db.password());
  }

  /** Runs and returns standard output, after checking that it succeeded. */
  private static String run(Map<String, String> env, String... args) {
    Cli.Result r = Cli.runWithEnv(env, args);
    assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return r.out();
  }

  private static void assertUsage(Cli.Result r, String message) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("hwledger: " + message);
    assertThat(r.out()).isEmpty();
  }

  private static String[] with(String[] args, String... more) {
    return with(args, List.of(more));
  }

  private static String[] with(String[] args, List<String> more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(more);
    return all.toArray(String[]::new);
  }

  private static List<JsonNode> jsonLines(String text) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      out.add(MAPPER.readTree(line));
    }
    return out;
  }
}
