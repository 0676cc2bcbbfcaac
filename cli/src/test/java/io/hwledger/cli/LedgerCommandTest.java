package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.ledger.Checkpoint;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.NoteVerifier;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hwledger ledger …} and {@code plan --record}, run in-process on temporary ledgers. */
@Verifies({"FR-CLI-003", "FR-CLI-006", "FR-LEDGER-003", "FR-LEDGER-004", "FR-LEDGER-005"})
class LedgerCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path tmp;

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private static List<JsonNode> jsonLines(String text) {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty()) {
        lines.add(json(line));
      }
    }
    return lines;
  }

  private static void assertOk(Cli.Result result) {
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).isEmpty();
  }

  private Path ledgerWith(String... payloads) {
    Path dir = tmp.resolve("ledger");
    for (String payload : payloads) {
      assertOk(
          Cli.run(
              "ledger", "append", dir.toString(), "--type", "test.event", "--payload", payload));
    }
    return dir;
  }

  @Test
  void appendOneEventCreatesTheLedgerAndPrintsSeqAndHash() {
    Path dir = tmp.resolve("new").resolve("ledger");
    Cli.Result first =
        Cli.run(
            "ledger", "append", dir.toString(), "--type", "test.event", "--payload", "{\"a\": 1}");
    assertOk(first);
    assertThat(first.out()).matches("\\{\"seq\":0,\"hash\":\"[0-9a-f]{64}\"}\n");
    Cli.Result second =
        Cli.run(
            "ledger",
            "append",
            dir.toString(),
            "--type",
            "test.event",
            "--payload",
            "{\"b\": 2}",
            "--schema-version",
            "3",
            "--json");
    assertOk(second);
    assertThat(json(second.out()).get("seq").asLong()).isEqualTo(1);
    JsonNode shown = json(Cli.run("ledger", "show", dir.toString(), "--json").out());
    assertThat(shown.get("events").get(1).get("schemaVersion").asInt()).isEqualTo(3);
    assertThat(shown.get("events").get(1).get("hash").asText())
        .isEqualTo(json(second.out()).get("hash").asText());
  }

  @Test
  void appendRejectsBadOptionsAsUsageErrorsWithoutCreatingALedger() {
    Path dir = tmp.resolve("never");
    for (String[] args :
        List.of(
            new String[] {"--type", "Bad Type", "--payload", "{}"},
            new String[] {"--type", "t", "--payload", "[1]"},
            new String[] {"--type", "t", "--payload", "{\"a\":"},
            new String[] {"--type", "t"},
            new String[] {"--type", "t", "--payload", "{}", "--schema-version", "0"})) {
      List<String> all = new ArrayList<>(List.of("ledger", "append", dir.toString()));
      all.addAll(List.of(args));
      Cli.Result result = Cli.run(all.toArray(String[]::new));
      assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(result.err()).startsWith("hwledger: ").doesNotContain("\tat ");
      assertThat(result.err().strip()).doesNotContain("\n");
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void appendFromStandardInput() {
    Path dir = tmp.resolve("ledger");
    String input =
        """
        {"type": "a.b", "payload": {"x": 1}}

          \s
        {"payload": {"y": [1, 2]}, "type": "a.c", "schemaVersion": 2}
        """;
    Cli.Result result = Cli.runWithInput(input, "ledger", "append", dir.toString());
    assertOk(result);
    List<JsonNode> lines = jsonLines(result.out());
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("seq").asLong()).isZero();
    assertThat(lines.get(1).get("seq").asLong()).isEqualTo(1);
    JsonNode events = json(Cli.run("ledger", "show", dir.toString(), "--json").out()).get("events");
    assertThat(events.get(1).get("type").asText()).isEqualTo("a.c");
    assertThat(events.get(1).get("schemaVersion").asInt()).isEqualTo(2);
    assertThat(events.get(1).get("payload")).isEqualTo(json("{\"y\":[1,2]}"));
  }

  @Test
  void aMalformedInputLineStopsTheAppendAndNamesTheLine() {
    Path dir = tmp.resolve("ledger");
    String input =
        """
        {"type": "a.b", "payload": {"n": 1}}

        {"type": "a.b", "payload": {"n": 2}}
        {"type": "a.b", "payload": [3]}
        {"type": "a.b", "payload": {"n": 4}}
        """;
    Cli.Result result = Cli.runWithInput(input, "ledger", "append", dir.toString());
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("hwledger: ").contains("line 4").endsWith("\n");
    assertThat(result.err().strip()).doesNotContain("\n");
    assertThat(jsonLines(result.out())).hasSize(2);
    JsonNode shown = json(Cli.run("ledger", "show", dir.toString(), "--json").out());
    assertThat(shown.get("size").asLong()).isEqualTo(2);
    assertThat(shown.get("events").get(1).get("payload").get("n").asInt()).isEqualTo(2);

    for (String bad :
        List.of(
            "not json",
            "[1]",
            "{\"type\": \"a.b\"}",
            "{\"type\": 7, \"payload\": {}}",
            "{\"type\": \"a.b\", \"payload\": {}, \"schemaVersion\": 0}",
            "{\"type\": \"a.b\", \"payload\": {}, \"extra\": 1}",
            "{\"type\": \"a.b\", \"payload\": {\"k\": 1, \"k\": 2}}")) {
      Cli.Result r = Cli.runWithInput(bad + "\n", "ledger", "append", dir.toString());
      assertThat(r.exitCode()).as(bad).isEqualTo(1);
      assertThat(r.err()).as(bad).startsWith("hwledger: standard input line 1: ");
      assertThat(r.err().strip()).doesNotContain("\n");
    }
    assertThat(
            json(Cli.run("ledger", "verify", dir.toString(), "--json").out()).get("size").asLong())
        .isEqualTo(2);
  }

  @Test
  void verifyOkJsonHasExactlyTheContractFields() {
    Path dir = ledgerWith("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
    Cli.Result result = Cli.run("ledger", "verify", dir.toString(), "--json");
    assertOk(result);
    JsonNode root = json(result.out());
    List<String> fields = new ArrayList<>();
    root.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("ok", "size", "root");
    assertThat(root.get("ok").asBoolean()).isTrue();
    assertThat(root.get("size").asLong()).isEqualTo(3);
    assertThat(root.get("root").asText()).matches("[0-9a-f]{64}");

    Cli.Result text = Cli.run("ledger", "verify", dir.toString());
    assertOk(text);
    assertThat(text.out()).isEqualTo("ok: 3 records, root " + root.get("root").asText() + "\n");
  }

  @Test
  void verifyFindsATamperedRecord() throws IOException {
    Path dir = ledgerWith("{\"m\":\"aaaa\"}", "{\"m\":\"bbbb\"}", "{\"m\":\"cccc\"}");
    Path segment = dir.resolve("segments").resolve("00000000000000000000.seg");
    byte[] bytes = Files.readAllBytes(segment);
    int at = indexOf(bytes, "bbbb".getBytes(StandardCharsets.UTF_8));
    assertThat(at).isPositive();
    bytes[at + 1] ^= 0x01;
    Files.write(segment, bytes);

    Cli.Result result = Cli.run("ledger", "verify", dir.toString(), "--json");
    assertThat(result.exitCode()).isEqualTo(1);
    JsonNode root = json(result.out());
    assertThat(root.get("ok").asBoolean()).isFalse();
    assertThat(root.get("firstBadSeq").asLong()).isEqualTo(1);
    assertThat(root.get("size").asLong()).isEqualTo(1);
    assertThat(root.get("reason").asText()).isNotBlank();

    Cli.Result text = Cli.run("ledger", "verify", dir.toString());
    assertThat(text.exitCode()).isEqualTo(1);
    assertThat(text.out()).startsWith("BAD at seq 1: ");
  }

  @Test
  void aDirectoryThatIsNotALedgerIsAOneLineError() throws IOException {
    Files.writeString(tmp.resolve("other.txt"), "x");
    for (String command : List.of("verify", "show")) {
      Cli.Result result = Cli.run("ledger", command, tmp.toString());
      assertThat(result.exitCode()).as(command).isEqualTo(1);
      assertThat(result.err())
          .isEqualTo("hwledger: no ledger at " + tmp + " (no segments directory)\n");
    }
    // A DIR that does not exist is a usage error (issue 12: paths on the command line).
    Cli.Result missing = Cli.run("ledger", "prove", tmp.resolve("nope").toString(), "--seq", "0");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err())
        .isEqualTo(
            "hwledger: DIR: no such directory '"
                + tmp.resolve("nope")
                + "' (try 'hwledger ledger prove --help')\n");
    assertThat(tmp.resolve("nope")).doesNotExist();
    // append does not turn a non-empty directory into a ledger
    Cli.Result append =
        Cli.run("ledger", "append", tmp.toString(), "--type", "t", "--payload", "{}");
    assertThat(append.exitCode()).isEqualTo(1);
    assertThat(tmp.resolve("segments")).doesNotExist();
  }

  @Test
  void aLedgerHeldByAnotherWriterIsAOneLineError() {
    Path dir = ledgerWith("{\"a\":1}");
    try (Ledger held = Ledger.open(dir)) {
      Cli.Result result =
          Cli.run("ledger", "append", dir.toString(), "--type", "t", "--payload", "{}");
      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).startsWith("hwledger: ").contains("in use");
      // readers open read-only and work while the writer holds the lock
      Cli.Result show = Cli.run("ledger", "show", dir.toString(), "--json");
      assertThat(show.exitCode()).isZero();
      assertThat(show.out()).contains("\"size\" : 1");
      assertThat(result.err().strip()).doesNotContain("\n");
      assertThat(held.size()).isEqualTo(1);
    }
  }

  @Test
  void showJsonHasEveryEventWithItsPayloadObject() {
    Path dir = ledgerWith("{\"b\":2,\"a\":\"é\"}", "{\"c\":[1,2.5]}", "{}");
    Cli.Result result = Cli.run("ledger", "show", dir.toString(), "--from", "1", "--json");
    assertOk(result);
    assertThat(result.out())
        .isEqualTo(
            new String(
                result.out().getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII));
    JsonNode root = json(result.out());
    assertThat(root.get("size").asLong()).isEqualTo(3);
    JsonNode events = root.get("events");
    assertThat(events).hasSize(2);
    JsonNode first = events.get(0);
    List<String> fields = new ArrayList<>();
    first.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly("seq", "timestamp", "type", "schemaVersion", "hash", "payload");
    assertThat(first.get("seq").asLong()).isEqualTo(1);
    assertThat(first.get("timestamp").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    assertThat(first.get("type").asText()).isEqualTo("test.event");
    assertThat(first.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(first.get("hash").asText()).matches("[0-9a-f]{64}");
    assertThat(first.get("payload")).isEqualTo(json("{\"c\":[1,2.5]}"));

    JsonNode all = json(Cli.run("ledger", "show", dir.toString(), "--json").out());
    assertThat(all.get("events").get(0).get("payload").get("a").asText()).isEqualTo("é");
    JsonNode limited =
        json(Cli.run("ledger", "show", dir.toString(), "--limit", "1", "--json").out());
    assertThat(limited.get("events")).hasSize(1);

    Cli.Result table = Cli.run("ledger", "show", dir.toString());
    assertOk(table);
    assertThat(table.out())
        .contains("SEQ", "TYPE", "test.event", "{\"c\":[1,2.5]}", "(records 0..2 of 3)");
  }

  @Test
  void proveJsonVerifiesIndependently() throws NoSuchAlgorithmException {
    Path dir = tmp.resolve("ledger");
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < 7; i++) {
      input.append("{\"type\":\"p.q\",\"payload\":{\"i\":").append(i).append("}}\n");
    }
    assertOk(Cli.runWithInput(input.toString(), "ledger", "append", dir.toString()));
    JsonNode events = json(Cli.run("ledger", "show", dir.toString(), "--json").out()).get("events");
    List<byte[]> leaves = new ArrayList<>();
    events.forEach(e -> leaves.add(HEX.parseHex(e.get("hash").asText())));
    String verifiedRoot =
        json(Cli.run("ledger", "verify", dir.toString(), "--json").out()).get("root").asText();
    assertThat(HEX.formatHex(treeHash(leaves))).isEqualTo(verifiedRoot);

    for (int size = 1; size <= 7; size++) {
      for (int seq = 0; seq < size; seq++) {
        Cli.Result result =
            Cli.run(
                "ledger",
                "prove",
                dir.toString(),
                "--seq",
                "" + seq,
                "--size",
                "" + size,
                "--json");
        assertOk(result);
        JsonNode proof = json(result.out());
        assertThat(proof.get("seq").asLong()).isEqualTo(seq);
        assertThat(proof.get("treeSize").asLong()).isEqualTo(size);
        byte[] leaf = HEX.parseHex(proof.get("leafHash").asText());
        assertThat(leaf).isEqualTo(leaves.get(seq));
        byte[] root = HEX.parseHex(proof.get("root").asText());
        assertThat(root).isEqualTo(treeHash(leaves.subList(0, size)));
        List<byte[]> path = new ArrayList<>();
        proof.get("path").forEach(p -> path.add(HEX.parseHex(p.asText())));
        assertThat(rootFromPath(seq, size, leaf, path)).isEqualTo(root);
      }
    }
    // default size: the whole ledger; text output says it verified
    Cli.Result text = Cli.run("ledger", "prove", dir.toString(), "--seq", "3");
    assertOk(text);
    assertThat(text.out()).contains("tree size  7", "root       " + verifiedRoot, "verified");

    Cli.Result beyond = Cli.run("ledger", "prove", dir.toString(), "--seq", "7");
    assertThat(beyond.exitCode()).isEqualTo(1);
    assertThat(beyond.err()).contains("no record 7");
    Cli.Result tooBig = Cli.run("ledger", "prove", dir.toString(), "--seq", "0", "--size", "8");
    assertThat(tooBig.exitCode()).isEqualTo(1);
    assertThat(Cli.run("ledger", "prove", dir.toString(), "--seq", "-1").exitCode()).isEqualTo(2);
  }

  @Test
  void keygenCheckpointAndVerifyCheckpointRoundTrip() throws IOException {
    Path dir = ledgerWith("{\"a\":1}", "{\"a\":2}");
    Path key = tmp.resolve("keys").resolve("signer.key");
    Files.createDirectories(key.getParent());
    Cli.Result keygen =
        Cli.run("ledger", "keygen", "--name", "example.com/fleet", "--out", key.toString());
    assertThat(keygen.exitCode()).isZero();
    String verifierKey = keygen.out().strip();
    assertThat(verifierKey).startsWith("example.com/fleet+").doesNotContain("\n");
    assertThat(Files.readString(key)).startsWith("PRIVATE+KEY+example.com/fleet+");
    if (key.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
          .isEqualTo("rw-------");
    }
    Cli.Result again =
        Cli.run("ledger", "keygen", "--name", "example.com/fleet", "--out", key.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("exists");

    Cli.Result checkpoint =
        Cli.run("ledger", "checkpoint", dir.toString(), "--key", key.toString());
    assertOk(checkpoint);
    Checkpoint verified = NoteVerifier.parse(verifierKey).verify(checkpoint.out());
    assertThat(verified.origin()).isEqualTo("example.com/fleet");
    assertThat(verified.treeSize()).isEqualTo(2);
    String root =
        json(Cli.run("ledger", "verify", dir.toString(), "--json").out()).get("root").asText();
    assertThat(verified.rootHashHex()).isEqualTo(root);

    JsonNode asJson =
        json(
            Cli.run(
                    "ledger",
                    "checkpoint",
                    dir.toString(),
                    "--key",
                    key.toString(),
                    "--origin",
                    "fleet.example/log",
                    "--json")
                .out());
    assertThat(asJson.get("origin").asText()).isEqualTo("fleet.example/log");
    assertThat(asJson.get("treeSize").asLong()).isEqualTo(2);
    assertThat(asJson.get("root").asText()).isEqualTo(root);
    assertThat(NoteVerifier.parse(verifierKey).verify(asJson.get("note").asText()).origin())
        .isEqualTo("fleet.example/log");

    Path note = tmp.resolve("checkpoint.note");
    Files.writeString(note, checkpoint.out());
    Cli.Result ok =
        Cli.run(
            "ledger",
            "verify-checkpoint",
            "--note",
            note.toString(),
            "--verifier-key",
            verifierKey,
            "--ledger",
            dir.toString());
    assertOk(ok);
    assertThat(ok.out()).startsWith("ok: example.com/fleet, 2 records, root " + root);

    Files.writeString(note, checkpoint.out().replace("\n2\n", "\n1\n"));
    Cli.Result bad =
        Cli.run(
            "ledger",
            "verify-checkpoint",
            "--note",
            note.toString(),
            "--verifier-key",
            verifierKey,
            "--json");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(json(bad.out()).get("ok").asBoolean()).isFalse();

    Cli.Result missingKey =
        Cli.run("ledger", "checkpoint", dir.toString(), "--key", tmp.resolve("no.key").toString());
    assertThat(missingKey.exitCode()).isEqualTo(2);
    Files.writeString(tmp.resolve("bad.key"), "PRIVATE+KEY+nonsense");
    Cli.Result badKey =
        Cli.run("ledger", "checkpoint", dir.toString(), "--key", tmp.resolve("bad.key").toString());
    assertThat(badKey.exitCode()).isEqualTo(1);
    assertThat(badKey.err()).startsWith("hwledger: --key ");
  }

  @Test
  void planRecordAppendsAPlanComputedEventWithTheInputsHash() throws NoSuchAlgorithmException {
    Path dir = tmp.resolve("plans");
    Cli.Result plan =
        Cli.run(
            "plan",
            "--model",
            "llama-3.1-8b",
            "--context",
            "8K",
            "--users",
            "2",
            "--gpu",
            "h100-sxm-80gb",
            "--json",
            "--record",
            dir.toString());
    assertOk(plan);
    JsonNode document = json(plan.out());
    JsonNode recorded = document.get("recorded");
    assertThat(recorded.get("seq").asLong()).isZero();
    assertThat(recorded.get("hash").asText()).matches("[0-9a-f]{64}");
    assertThat(recorded.get("ledger").asText()).isEqualTo(dir.toAbsolutePath().toString());

    String canonicalInputs =
        "{\"deployment\":{\"gpu\":\"h100-sxm-80gb\",\"memoryPerGpuBytes\":85520809984,"
            + "\"pipelineParallel\":1,\"tensorParallel\":1},"
            + "\"model\":\"llama-3.1-8b\",\"modelSource\":\"catalog\","
            + "\"precision\":{\"expertWeights\":\"bf16\",\"keyCache\":\"bf16\",\"state\":\"bf16\","
            + "\"unquantizedWeights\":\"bf16\",\"valueCache\":\"bf16\",\"weights\":\"bf16\"},"
            + "\"workload\":{\"contextTokens\":8192,\"prefillChunkTokens\":2048,\"users\":2}}";
    String expectedHash =
        HEX.formatHex(
            MessageDigest.getInstance("SHA-256")
                .digest(canonicalInputs.getBytes(StandardCharsets.UTF_8)));

    JsonNode event =
        json(Cli.run("ledger", "show", dir.toString(), "--json").out()).get("events").get(0);
    assertThat(event.get("type").asText()).isEqualTo("plan.computed");
    assertThat(event.get("hash").asText()).isEqualTo(recorded.get("hash").asText());
    JsonNode payload = event.get("payload");
    assertThat(payload.get("model").asText()).isEqualTo("llama-3.1-8b");
    assertThat(payload.get("inputsHash").asText()).isEqualTo(expectedHash);
    assertThat(payload.get("inputs")).isEqualTo(json(canonicalInputs));
    assertThat(payload.get("totalBytes").asLong())
        .isEqualTo(document.get("memory").get("totalBytes").asLong());
    assertThat(payload.get("perGpuBytes").asLong())
        .isEqualTo(document.get("perGpu").get("totalBytes").asLong());
    assertThat(payload.get("fits").asBoolean()).isTrue();

    // Text output: the record line on standard error; no budget, no "fits".
    Cli.Result text =
        Cli.run("plan", "--model", "llama-3.1-8b", "--context", "8K", "--record", dir.toString());
    assertThat(text.exitCode()).isZero();
    assertThat(text.err()).startsWith("recorded plan as seq 1 (hash ");
    JsonNode second =
        json(Cli.run("ledger", "show", dir.toString(), "--from", "1", "--json").out());
    assertThat(second.get("events").get(0).get("payload").has("fits")).isFalse();
  }

  @Test
  void planRecordWithoutADirectoryUsesTheHomeLedger() {
    String home = System.getProperty("user.home");
    System.setProperty("user.home", tmp.toString());
    try {
      Cli.Result plan =
          Cli.run("plan", "--model", "llama-3.1-8b", "--context", "8K", "--record", "--json");
      assertOk(plan);
      Path expected = tmp.resolve(".hwledger").resolve("ledger");
      assertThat(json(plan.out()).get("recorded").get("ledger").asText())
          .isEqualTo(expected.toString());
      assertThat(expected.resolve("segments")).isDirectory();
    } finally {
      System.setProperty("user.home", home);
    }
  }

  @Test
  void ledgerWithoutASubcommandIsAUsageError() {
    Cli.Result result = Cli.run("ledger");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            "hwledger: ledger: a subcommand is required: append, verify, show, prove, checkpoint,"
                + " keygen, verify-checkpoint, repair or migrate (try 'hwledger ledger --help')\n");
  }

  // RFC 9162 §2.1.1: MTH over leaf hashes (the leaves are already hashed with the 0x00 prefix).
  static byte[] treeHash(List<byte[]> leaves) throws NoSuchAlgorithmException {
    if (leaves.size() == 1) {
      return leaves.get(0);
    }
    int k = Integer.highestOneBit(leaves.size() - 1);
    return node(treeHash(leaves.subList(0, k)), treeHash(leaves.subList(k, leaves.size())));
  }

  // RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when it is malformed.
  private static byte[] rootFromPath(long index, long size, byte[] leaf, List<byte[]> path)
      throws NoSuchAlgorithmException {
    if (index >= size) {
      return null;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leaf;
    for (byte[] p : path) {
      if (sn == 0) {
        return null;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = node(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 ? r : null;
  }

  private static byte[] node(byte[] left, byte[] right) throws NoSuchAlgorithmException {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    sha256.update((byte) 0x01);
    sha256.update(left);
    sha256.update(right);
    return sha256.digest();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
