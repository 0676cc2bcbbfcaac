package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.ledger.Checkpoint;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.NoteVerifier;
import io.hwledger.testsupport.Verifies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger commands on damaged and hostile input: exact payloads or a one-line refusal, strict
 * UTF-8, checkpoints and verify-checkpoint from the records, streamed {@code show --json}, one
 * {@code hwledger:} line per library warning, and {@code repair}.
 */
@Verifies({"FR-CLI-003", "FR-LEDGER-002", "FR-LEDGER-005", "FR-LEDGER-006", "FR-LEDGER-010"})
class LedgerIntegrityCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path tmp;

  private static JsonNode json(String text) throws IOException {
    return MAPPER.readTree(text);
  }

  private static void assertOneErrorLine(Cli.Result result, int exitCode, String contains) {
    assertThat(result.exitCode()).as(result.err()).isEqualTo(exitCode);
    assertThat(result.err()).startsWith("hwledger: ").contains(contains).endsWith("\n");
    assertThat(result.err().strip()).doesNotContain("\n");
  }

  private Path ledgerOf(int count) {
    Path dir = tmp.resolve("ledger");
    try (Ledger ledger = Ledger.open(dir)) {
      for (int i = 0; i < count; i++) {
        ledger.append(LedgerEvent.of("test.event", 1, "{\"i\":" + i + "}"));
      }
    }
    return dir;
  }

  @Test
  void aNumberThatWouldBeAlteredIsRefusedNotStored() throws IOException {
    Path dir = tmp.resolve("ledger");
    Cli.Result big =
        Cli.run(
            "ledger",
            "append",
            dir.toString(),
            "--type",
            "t",
            "--payload",
            "{\"id\":9007199254740993}");
    assertOneErrorLine(big, 2, "number 9007199254740993 cannot be stored exactly");
    assertThat(big.err()).contains("9007199254740992").contains("as a string");
    Cli.Result lines =
        Cli.runWithInput(
            """
            {"type":"t","payload":{"ok":1.0}}
            {"type":"t","payload":{"x":0.30000000000000001}}
            """,
            "ledger",
            "append",
            dir.toString());
    assertOneErrorLine(lines, 1, "standard input line 2: ");
    assertThat(lines.err()).contains("cannot be stored exactly");
    JsonNode shown = json(Cli.run("ledger", "show", dir.toString(), "--json").out());
    assertThat(shown.get("size").asLong()).isEqualTo(1); // only line 1 was appended
    assertThat(shown.get("events").get(0).get("payload")).isEqualTo(json("{\"ok\":1}"));
  }

  @Test
  void invalidUtf8OnStandardInputIsRefusedNotReplaced() throws IOException {
    Path dir = tmp.resolve("ledger");
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.writeBytes("{\"type\":\"t\",\"payload\":{\"n\":1}}\n".getBytes(StandardCharsets.UTF_8));
    input.writeBytes("{\"type\":\"t\",\"payload\":{\"s\":\"".getBytes(StandardCharsets.UTF_8));
    input.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28}); // a lead byte without continuation
    input.writeBytes("\"}}\n".getBytes(StandardCharsets.UTF_8));
    Cli.Result result = Cli.runWithBytes(input.toByteArray(), "ledger", "append", dir.toString());
    assertOneErrorLine(result, 1, "standard input line 2: not valid UTF-8");
    assertThat(result.out().strip().split("\n")).hasSize(1);
    JsonNode shown = json(Cli.run("ledger", "show", dir.toString(), "--json").out());
    assertThat(shown.get("size").asLong()).isEqualTo(1);
    assertThat(shown.toString()).doesNotContain("\ufffd");
  }

  @Test
  void checkpointAndVerifyCheckpointGoByTheRecordsNotTheTree() throws IOException {
    Path dir = ledgerOf(40);
    Path key = tmp.resolve("signer.key");
    String verifierKey =
        Cli.run("ledger", "keygen", "--name", "audit.example/l", "--out", key.toString())
            .out()
            .strip();
    String rootOf40 =
        json(Cli.run("ledger", "verify", dir.toString(), "--json").out()).get("root").asText();
    Path note = tmp.resolve("note");
    Files.writeString(
        note, Cli.run("ledger", "checkpoint", dir.toString(), "--key", key.toString()).out());

    // the tree folder deleted: the checkpoint still covers all 40 records with their root
    deleteRecursively(dir.resolve("tree"));
    Cli.Result again = Cli.run("ledger", "checkpoint", dir.toString(), "--key", key.toString());
    assertThat(again.exitCode()).isZero();
    Checkpoint signed = NoteVerifier.parse(verifierKey).verify(again.out());
    assertThat(signed.treeSize()).isEqualTo(40);
    assertThat(signed.rootHashHex()).isEqualTo(rootOf40);
    assertThat(Cli.run("ledger", "repair", dir.toString()).exitCode()).isZero();

    // history rewritten after the checkpoint: a consistent chain of other events
    Path forged = tmp.resolve("forged");
    try (Ledger ledger = Ledger.open(forged)) {
      for (int i = 0; i < 40; i++) {
        ledger.append(LedgerEvent.of("test.event", 1, "{\"i\":" + (i == 17 ? 71 : i) + "}"));
      }
    }
    Cli.Result caught =
        Cli.run(
            "ledger",
            "verify-checkpoint",
            "--note",
            note.toString(),
            "--verifier-key",
            verifierKey,
            "--ledger",
            forged.toString());
    assertThat(caught.exitCode()).isEqualTo(1);
    assertThat(caught.out()).startsWith("BAD: ").contains("history differs from what was signed");
  }

  @Test
  void showJsonStreamsEventsLargerTogetherThanTheHeap() throws Exception {
    Path dir = tmp.resolve("ledger");
    String blob = "x".repeat(12 << 20);
    try (Ledger ledger = Ledger.open(dir)) {
      for (int i = 0; i < 10; i++) {
        ledger.append(LedgerEvent.of("big", 1, "{\"blob\":\"" + blob + "\",\"i\":" + i + "}"));
      }
    }
    Path out = tmp.resolve("show.json");
    String java = ProcessHandle.current().info().command().orElse("java");
    // 10 events of 12 MiB: 120 MiB of payloads, against a 96 MiB heap
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx96m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "ledger",
                "show",
                dir.toString(),
                "--json")
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.PIPE)
            .start();
    String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(err).isZero();
    assertThat(err).isEmpty();
    List<Long> seqs = new ArrayList<>();
    long size = -1;
    try (InputStream in = Files.newInputStream(out);
        JsonParser parser = MAPPER.getFactory().createParser(in)) {
      while (parser.nextToken() != null) {
        if (parser.currentToken() == JsonToken.FIELD_NAME
            && "seq".equals(parser.currentName())
            && parser.getParsingContext().getParent().inArray()) {
          parser.nextToken();
          seqs.add(parser.getLongValue());
        } else if (parser.currentToken() == JsonToken.FIELD_NAME
            && "size".equals(parser.currentName())
            && parser.getParsingContext().getParent().inRoot()) {
          parser.nextToken();
          size = parser.getLongValue();
        }
      }
    }
    assertThat(seqs).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(size).isEqualTo(10);
  }

  @Test
  void aRecoveredTornTailIsOneWarningLineAndDetailsComeWithDebug() throws IOException {
    Path dir = ledgerOf(3);
    Path segment = dir.resolve("segments").resolve("00000000000000000000.seg");
    long end = Files.size(segment);
    byte[] fragment = new byte[30];
    ByteBuffer.wrap(fragment).putInt(200).put(new byte[] {1, 2, 3, 4, 5});
    try (FileChannel c = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(fragment), end);
    }
    Path copy = tmp.resolve("copy");
    copyDirectory(dir, copy);
    Cli.Result result =
        Cli.run("ledger", "append", dir.toString(), "--type", "t", "--payload", "{}");
    assertThat(result.exitCode()).isZero();
    assertThat(result.err())
        .isEqualTo(
            "hwledger: warning: recovered a torn tail: moved 9 bytes from"
                + " 00000000000000000000.seg to 00000000000000000000.seg.torn-"
                + end
                + "\n");
    Cli.Result debug =
        Cli.run("ledger", "append", copy.toString(), "--type", "t", "--payload", "{}", "--debug");
    assertThat(debug.exitCode()).isZero();
    assertThat(debug.err())
        .contains("hwledger: warning [io.hwledger.ledger.SegmentLog]: recovered a torn tail")
        .contains("hwledger: fine [io.hwledger.ledger.Ledger]: opened ledger");
  }

  @Test
  void aDamagedAcknowledgedRecordIsOneErrorLineAndNothingChanges() throws IOException {
    Path dir = ledgerOf(3);
    Path segment = dir.resolve("segments").resolve("00000000000000000000.seg");
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length - 10] ^= 1;
    Files.write(segment, bytes);
    Cli.Result result =
        Cli.run("ledger", "append", dir.toString(), "--type", "t", "--payload", "{}");
    assertOneErrorLine(result, 1, "record 2 in 00000000000000000000.seg");
    assertThat(result.err()).contains("acknowledged").contains("nothing was changed");
    assertThat(Files.readAllBytes(segment)).isEqualTo(bytes);
    Cli.Result verify = Cli.run("ledger", "verify", dir.toString());
    assertThat(verify.exitCode()).isEqualTo(1);
    assertThat(verify.out()).startsWith("BAD at seq 2: checksum mismatch");
  }

  @Test
  void repairRebuildsADamagedInnerTreeNode() throws IOException {
    Path dir = ledgerOf(40);
    Path level1 = dir.resolve("tree").resolve("level-01.bin");
    try (FileChannel c = FileChannel.open(level1, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(new byte[32]), 3 * 32); // leaves 6..7
    }
    Cli.Result before = Cli.run("ledger", "verify", dir.toString());
    assertThat(before.exitCode()).isEqualTo(1);
    assertThat(before.out()).startsWith("BAD at seq 6: Merkle tree node 3 of level 1");
    Cli.Result repaired = Cli.run("ledger", "repair", dir.toString());
    assertThat(repaired.exitCode()).as(repaired.err()).isZero();
    assertThat(repaired.out()).startsWith("repaired: 40 records, tree rebuilt from them, root ");
    assertThat(repaired.err()).isEmpty();
    assertThat(Cli.run("ledger", "verify", dir.toString()).exitCode()).isZero();
  }

  private static void copyDirectory(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("lock")) {
          Files.copy(p, target);
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
