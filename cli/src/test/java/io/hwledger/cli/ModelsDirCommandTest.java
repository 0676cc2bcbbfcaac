package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.testsupport.Verifies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models --dir}: local checkpoints found, read and listed; errors listed, not fatal. */
@Verifies("FR-CLI-002")
class ModelsDirCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path tmp;

  private static JsonNode json(Cli.Result result) throws IOException {
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).isEmpty();
    return MAPPER.readTree(result.out());
  }

  /** A GGUF file two directories down and a sharded safetensors checkpoint. */
  private Path twoCheckpoints() throws IOException {
    TinyLlama.gguf(tmp.resolve("gguf/tiny/tiny-llama-Q4_K_M.gguf"));
    TinyLlama.safetensors(tmp.resolve("hf/tiny-llama"));
    Files.writeString(tmp.resolve("hf/README.md"), "not a checkpoint", StandardCharsets.UTF_8);
    return tmp;
  }

  @Test
  void listsBothCheckpointsWithTheirFields() throws IOException {
    Path dir = twoCheckpoints();

    JsonNode root = json(Cli.run("models", "--dir", dir.toString(), "--json"));

    assertThat(root.get("dir").asText()).isEqualTo(dir.toString());
    JsonNode list = root.get("checkpoints");
    assertThat(list).hasSize(2); // two shards, one checkpoint

    JsonNode gguf = list.get(0);
    Path ggufFile = dir.resolve("gguf/tiny/tiny-llama-Q4_K_M.gguf");
    assertThat(gguf.get("path").asText()).isEqualTo(dir.relativize(ggufFile).toString());
    assertThat(gguf.get("format").asText()).isEqualTo("gguf");
    assertThat(gguf.get("architecture").asText()).isEqualTo("llama");
    assertThat(gguf.get("parameters").asLong()).isEqualTo(TinyLlama.PARAMETERS);
    assertThat(gguf.get("bytes").asLong()).isEqualTo(TinyLlama.GGUF_BYTES);
    assertThat(gguf.get("fileType").asText()).isEqualTo(TinyLlama.GGUF_FILE_TYPE);
    assertThat(gguf.get("layers").asLong()).isEqualTo(TinyLlama.LAYERS);
    assertThat(gguf.get("contextLimit").asLong()).isEqualTo(TinyLlama.GGUF_CONTEXT);
    assertThat(strings(gguf.get("planArguments"))).containsExactly("--gguf", ggufFile.toString());
    assertThat(gguf.get("error").isNull()).isTrue();

    JsonNode st = list.get(1);
    Path stDir = dir.resolve("hf/tiny-llama");
    assertThat(st.get("path").asText()).isEqualTo(dir.relativize(stDir).toString());
    assertThat(st.get("format").asText()).isEqualTo("safetensors");
    assertThat(st.get("architecture").asText()).isEqualTo("llama"); // config.json model_type
    assertThat(st.get("parameters").asLong()).isEqualTo(TinyLlama.PARAMETERS);
    assertThat(st.get("bytes").asLong()).isEqualTo(TinyLlama.SAFETENSORS_BYTES);
    assertThat(st.get("fileType").isNull()).isTrue();
    assertThat(st.get("layers").asLong()).isEqualTo(TinyLlama.LAYERS);
    assertThat(st.get("contextLimit").asLong()).isEqualTo(TinyLlama.SAFETENSORS_CONTEXT);
    assertThat(strings(st.get("planArguments"))).containsExactly("--safetensors", stDir.toString());
    assertThat(st.get("error").isNull()).isTrue();
  }

  @Test
  void planArgumentsPlanTheListedCheckpoint() throws IOException {
    Path dir = twoCheckpoints();
    JsonNode list = json(Cli.run("models", "--dir", dir.toString(), "--json")).get("checkpoints");

    for (JsonNode checkpoint : list) {
      List<String> args = new ArrayList<>(List.of("plan"));
      args.addAll(strings(checkpoint.get("planArguments")));
      args.addAll(List.of("--context", "1024", "--json"));
      JsonNode plan = json(Cli.run(args.toArray(String[]::new)));
      assertThat(plan.get("memory").get("weightsBytes").asLong())
          .isEqualTo(checkpoint.get("bytes").asLong());
    }
  }

  @Test
  void tableHasOneRowPerCheckpoint() throws IOException {
    Path dir = twoCheckpoints();

    Cli.Result result = Cli.run("models", "--dir", dir.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).isEmpty();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).split(" +"))
        .containsExactly(
            "PATH", "FORMAT", "ARCH", "PARAMS", "SIZE", "TYPE", "LAYERS", "CONTEXT", "PLAN",
            "WITH");
    // 1,107,152 B = 1.06 MiB (1,107,152 / 1,048,576 = 1.0558); 1,692,928 parameters = 0.00B.
    assertThat(lines.get(1).split(" +"))
        .containsExactly(
            dir.relativize(dir.resolve("gguf/tiny/tiny-llama-Q4_K_M.gguf")).toString(),
            "gguf",
            "llama",
            "0.00B",
            "1.06",
            "MiB",
            "Q4_K_M",
            "2",
            "4096",
            "--gguf",
            dir.resolve("gguf/tiny/tiny-llama-Q4_K_M.gguf").toString());
    // 3,385,856 B / 1,048,576 = 3.229 MiB.
    assertThat(lines.get(2))
        .contains(
            "safetensors", "3.23 MiB", "2048", "--safetensors " + dir.resolve("hf/tiny-llama"));
  }

  @Test
  void unreadableCheckpointIsListedWithItsError() throws IOException {
    Path dir = twoCheckpoints();
    Path broken = dir.resolve("broken.gguf");
    Files.writeString(broken, "this is not a GGUF file at all\n", StandardCharsets.UTF_8);

    JsonNode list = json(Cli.run("models", "--dir", dir.toString(), "--json")).get("checkpoints");

    assertThat(list).hasSize(3);
    JsonNode entry = list.get(0); // "broken.gguf" sorts first
    assertThat(entry.get("path").asText()).isEqualTo("broken.gguf");
    assertThat(entry.get("format").asText()).isEqualTo("gguf");
    // The row names the file: the error leaves its path out.
    assertThat(entry.get("error").asText())
        .startsWith("byte 0: ")
        .contains("not a GGUF file")
        .doesNotContain(dir.toString(), "\n");
    for (String field :
        new String[] {
          "architecture", "parameters", "bytes", "fileType", "layers", "contextLimit"
        }) {
      assertThat(entry.get(field).isNull()).as(field).isTrue();
    }
    assertThat(list.get(1).get("error").isNull()).isTrue();
    assertThat(list.get(2).get("error").isNull()).isTrue();

    Cli.Result text = Cli.run("models", "--dir", dir.toString());
    assertThat(text.exitCode()).isZero();
    assertThat(text.out().lines().filter(l -> l.startsWith("broken.gguf")))
        .singleElement()
        .asString()
        .contains("  error: byte 0: ");
  }

  @Test
  void checkpointThatCannotBePlannedKeepsWhatWasRead() throws IOException {
    Path dir = TinyLlama.safetensors(tmp.resolve("no-config"));
    Files.delete(dir.resolve("config.json"));

    JsonNode entry =
        json(Cli.run("models", "--dir", tmp.toString(), "--json")).get("checkpoints").get(0);

    assertThat(entry.get("parameters").asLong()).isEqualTo(TinyLlama.PARAMETERS);
    assertThat(entry.get("bytes").asLong()).isEqualTo(TinyLlama.SAFETENSORS_BYTES);
    assertThat(entry.get("architecture").isNull()).isTrue();
    assertThat(entry.get("layers").isNull()).isTrue();
    assertThat(entry.get("error").asText())
        .startsWith("model.safetensors.index.json: no config.json beside the checkpoint");
  }

  @Test
  void scannedDirectoryItselfIsDot() throws IOException {
    Path dir = TinyLlama.safetensors(tmp.resolve("model"));

    JsonNode entry =
        json(Cli.run("models", "--dir", dir.toString(), "--json")).get("checkpoints").get(0);

    assertThat(entry.get("path").asText()).isEqualTo(".");
    assertThat(strings(entry.get("planArguments")))
        .containsExactly("--safetensors", dir.toString());
  }

  @Test
  void symbolicLinkLoopIsNotFollowedForever() throws IOException {
    Path dir = twoCheckpoints();
    try {
      Files.createSymbolicLink(dir.resolve("gguf/tiny/loop"), dir);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "no symbolic links here: " + e);
    }

    JsonNode list = json(Cli.run("models", "--dir", dir.toString(), "--json")).get("checkpoints");

    assertThat(list).hasSize(2);
  }

  @Test
  void searchStopsEightDirectoriesDown() throws IOException {
    // The start's entries are depth 1: a file in 8 nested directories is depth 9, one in 9 is 10.
    Path eight = tmp.resolve("1/2/3/4/5/6/7/8");
    TinyLlama.gguf(eight.resolve("found.gguf"));
    TinyLlama.gguf(eight.resolve("9/too-deep.gguf"));

    JsonNode list = json(Cli.run("models", "--dir", tmp.toString(), "--json")).get("checkpoints");

    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("path").asText()).endsWith("found.gguf");
  }

  @Test
  void emptyDirectorySaysSo() {
    Cli.Result result = Cli.run("models", "--dir", tmp.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("No GGUF or safetensors checkpoints in " + tmp);
  }

  @Test
  void missingDirectoryIsRefused() {
    Path missing = tmp.resolve("missing");

    Cli.Result result = Cli.run("models", "--dir", missing.toString());

    assertThat(result.exitCode()).isEqualTo(ErrorHandler.ExitCodes.USAGE);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "hwledger: --dir: no such directory '"
                + missing
                + "' (try 'hwledger models --help')\n");
  }

  @Test
  void fileIsNotADirectory() throws IOException {
    Path file = TinyLlama.gguf(tmp.resolve("tiny.gguf"));

    Cli.Result result = Cli.run("models", "--dir", file.toString());

    assertThat(result.exitCode()).isEqualTo(ErrorHandler.ExitCodes.USAGE);
    assertThat(result.err())
        .isEqualTo(
            "hwledger: --dir: '" + file + "' is not a directory (try 'hwledger models --help')\n");
  }

  @Test
  void progressOnATerminalIsErasedAtTheEnd() throws IOException {
    Path dir = twoCheckpoints();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      Streams terminal = new Streams(o, e, true, InputStream.nullInputStream(), true);
      code = Main.run(terminal, "models", "--dir", dir.toString(), "--json");
    }

    assertThat(code).isZero();
    String progress = err.toString(StandardCharsets.UTF_8);
    String first =
        "hwledger: scanning 1/2: "
            + dir.relativize(dir.resolve("gguf/tiny/tiny-llama-Q4_K_M.gguf"));
    String second = "hwledger: scanning 2/2: " + dir.relativize(dir.resolve("hf/tiny-llama"));
    int width = Math.max(first.length(), second.length());
    assertThat(progress)
        .startsWith("\r" + first)
        .contains("\r" + second)
        .endsWith("\r" + " ".repeat(width) + "\r")
        .doesNotContain("\n");
    // Standard output is the same JSON as without a terminal.
    assertThat(MAPPER.readTree(out.toString(StandardCharsets.UTF_8)).get("checkpoints")).hasSize(2);
  }

  @Test
  void progressLineIsShortenedToFitTheTerminal() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    Streams terminal =
        new Streams(
            new PrintStream(new ByteArrayOutputStream()),
            e,
            true,
            InputStream.nullInputStream(),
            true);
    ProgressLine line = new ProgressLine(terminal);

    line.show("head: ", "x".repeat(200) + "tail");

    String shown = err.toString(StandardCharsets.UTF_8);
    // "\r", then 79 characters: the head, "...", and the path's last 79 - 6 - 3 = 70 characters.
    assertThat(shown).hasSize(1 + 79).isEqualTo("\rhead: ..." + "x".repeat(66) + "tail");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
