package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.api.Printable;
import io.hwledger.math.local.CheckpointFinder;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against hostile model files: names with terminal escapes are printed escaped
 * everywhere, FIFOs are refused without being opened, one bad file never stops a scan, and the
 * Hugging Face cache layout is read.
 */
@Verifies({"FR-HOSTILE-002", "FR-HOSTILE-001", "FR-CLI-002", "FR-ENGINE-008"})
class HostileFilesCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** ESC [1A moves the cursor up, CR returns to the line start, U+202E reverses what follows. */
  private static final String SPOOF = "tiny\u001b[1A\rFits     yes\u202e";

  private static final String SPOOF_ESCAPED = "tiny\\x1b[1A\\rFits     yes\\u202e";

  @TempDir Path tmp;

  private static Path fifo(Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
    assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "no mkfifo here");
    return path;
  }

  private static void assertNoRawControls(String text) {
    assertThat(text.codePoints().filter(c -> c != '\n' && Printable.needsEscape(c)))
        .as("raw control or format characters in %s", text)
        .isEmpty();
  }

  @Test
  void planPrintsANameWithTerminalEscapesEscaped() throws IOException {
    Path gguf = TinyLlama.gguf(tmp.resolve("spoof.gguf"), SPOOF);

    Cli.Result r =
        Cli.run("plan", "--gguf", gguf.toString(), "--gpu", "h100-sxm-80gb", "--context", "1K");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertNoRawControls(r.out());
    assertThat(r.out().lines().findFirst().orElseThrow()).startsWith(SPOOF_ESCAPED + ": ");
    assertThat(r.out().lines().filter(l -> l.startsWith("Fits"))).hasSize(1);
    // The warning names the model too.
    Cli.Result warned =
        Cli.run(
            "plan",
            "--gguf",
            gguf.toString(),
            "--context",
            "1M",
            "--allow-long-context",
            "--gpu",
            "h100-sxm-80gb");
    assertThat(warned.err()).contains("model '" + SPOOF_ESCAPED + "'");
    assertNoRawControls(warned.err());
    // So does the refusal without --allow-long-context, on one line.
    Cli.Result refused =
        Cli.run("plan", "--gguf", gguf.toString(), "--context", "1M", "--gpu", "h100-sxm-80gb");
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("model 'tiny\\x1b[1A").hasLineCount(1);
    assertNoRawControls(refused.err());
  }

  @Test
  void jsonOutputStaysValidAndKeepsTheName() throws IOException {
    Path gguf = TinyLlama.gguf(tmp.resolve("spoof.gguf"), SPOOF);

    Cli.Result r = Cli.run("plan", "--gguf", gguf.toString(), "--context", "1K", "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode root = MAPPER.readTree(r.out());
    assertThat(root.get("model").asText()).isEqualTo(SPOOF);
    assertThat(r.out()).doesNotContain("\u001b", "\r");
  }

  @Test
  void errorsNamingAFileAreEscaped() throws IOException {
    Path evil = tmp.resolve("evil\u001b[2J.gguf");
    Files.writeString(evil, "not a GGUF file", StandardCharsets.UTF_8);

    Cli.Result r = Cli.run("plan", "--gguf", evil.toString(), "--context", "1K");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "hwledger: "
                + tmp
                + "/evil\\x1b[2J.gguf: byte 0: bad magic 0x6e6f7420, not a GGUF file"
                + System.lineSeparator());
  }

  @Test
  void modelsDirEscapesFileNamesAndQuotesThemForBash() throws IOException {
    TinyLlama.gguf(tmp.resolve("evil\u001b[2J\u202e.gguf"), SPOOF);

    Cli.Result r = Cli.run("models", "--dir", tmp.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertNoRawControls(r.out());
    String row = r.out().lines().toList().get(1);
    assertThat(row.split(" +")).startsWith("evil\\x1b[2J\\u202e.gguf", "gguf", "llama");
    assertThat(row).endsWith("--gguf $'" + tmp + "/evil\\x1b[2J\\u202e.gguf'");

    JsonNode entry =
        MAPPER
            .readTree(Cli.run("models", "--dir", tmp.toString(), "--json").out())
            .get("checkpoints")
            .get(0);
    assertThat(entry.get("path").asText()).isEqualTo("evil\u001b[2J\u202e.gguf");
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void planRefusesAFifoWithoutOpeningIt() throws Exception {
    Path pipe = fifo(tmp.resolve("pipe.gguf"));

    Cli.Result r = Cli.run("plan", "--gguf", pipe.toString(), "--context", "1K");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "hwledger: "
                + pipe
                + ": is not a regular file (a FIFO, socket or device), so it is not read"
                + System.lineSeparator());
  }

  /** A GGUF claiming a 2^31-element array in a 4 GiB sparse file; see core-math's corpus. */
  private static Path hugeArray(Path file) throws IOException {
    byte[] header = new byte[64];
    ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(0).putLong(1);
    b.putLong(1).put((byte) 'a').putInt(9).putInt(0).putLong(Integer.MAX_VALUE - 8);
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.write(header);
      out.setLength(1L << 32);
    }
    return file;
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aScanGoesOnPastHostileFilesAndFifos() throws Exception {
    TinyLlama.gguf(tmp.resolve("a-good.gguf"));
    hugeArray(tmp.resolve("b-huge.gguf"));
    fifo(tmp.resolve("c-pipe.gguf"));

    Cli.Result r = Cli.run("models", "--dir", tmp.toString(), "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode list = MAPPER.readTree(r.out()).get("checkpoints");
    assertThat(list).hasSize(3);
    assertThat(list.get(0).get("error").isNull()).isTrue();
    assertThat(list.get(0).get("layers").asLong()).isEqualTo(TinyLlama.LAYERS);
    assertThat(list.get(1).get("error").asText())
        .isEqualTo(
            "byte 41: array metadata 'a' claims 2147483639 UINT8 elements, more than the limit of"
                + " 16777216");
    assertThat(list.get(2).get("error").asText())
        .isEqualTo("is not a regular file (a FIFO, socket or device), so it is not read");
  }

  @Test
  void anyFailureOfOneFileBecomesItsError() {
    CheckpointFinder.Found found =
        new CheckpointFinder.Found(
            tmp.resolve("x.gguf"), Path.of("x.gguf"), CheckpointFinder.Format.GGUF);

    LocalCheckpoint oom = CheckpointProbe.failed(found, new OutOfMemoryError("Java heap space"));
    LocalCheckpoint bug =
        CheckpointProbe.failed(found, new IllegalStateException("two\nlines \u001b[2J"));

    assertThat(oom.error()).hasValue("ran out of memory reading it (Java heap space)");
    assertThat(bug.error()).hasValue("internal error: two; lines \\x1b[2J");
  }

  /** A snapshot as huggingface_hub lays it out, every file a link into ../../blobs/. */
  private Path cacheSnapshot() throws IOException {
    Path repo = tmp.resolve("hub/models--org--tiny-llama");
    Path blobs = Files.createDirectories(repo.resolve("blobs"));
    Path snapshot = Files.createDirectories(repo.resolve("snapshots/0123abcd"));
    Files.createDirectories(repo.resolve("refs"));
    Files.writeString(repo.resolve("refs/main"), "0123abcd");
    Path real = TinyLlama.safetensors(tmp.resolve("staging"));
    try (var files = Files.list(real)) {
      for (Path f : files.toList()) {
        String sha = Integer.toHexString(f.getFileName().toString().hashCode());
        Files.move(f, blobs.resolve(sha));
        Files.createSymbolicLink(
            snapshot.resolve(f.getFileName().toString()), Path.of("../../blobs", sha));
      }
    }
    return snapshot;
  }

  @Test
  void aHuggingFaceCacheSnapshotIsListedAndPlanned() throws IOException {
    Path snapshot = cacheSnapshot();

    Cli.Result plan =
        Cli.run("plan", "--safetensors", snapshot.toString(), "--context", "1K", "--json");
    assertThat(plan.exitCode()).as(plan.err()).isZero();
    JsonNode planned = MAPPER.readTree(plan.out());
    assertThat(planned.get("memory").get("weightsBytes").asLong())
        .isEqualTo(TinyLlama.SAFETENSORS_BYTES);
    assertThat(planned.get("model").asText()).isEqualTo("org/tiny-llama");

    JsonNode list =
        MAPPER
            .readTree(Cli.run("models", "--dir", tmp.resolve("hub").toString(), "--json").out())
            .get("checkpoints");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("path").asText())
        .isEqualTo("models--org--tiny-llama/snapshots/0123abcd");
    assertThat(list.get(0).get("error").isNull()).isTrue();
    assertThat(list.get(0).get("bytes").asLong()).isEqualTo(TinyLlama.SAFETENSORS_BYTES);
  }

  @Test
  void exportQuotesAPathWithControlCharactersForBash() throws IOException {
    Path gguf = TinyLlama.gguf(tmp.resolve("it's\u0085.gguf"));

    Cli.Result r =
        Cli.run("export", "--engine", "llamacpp", "--gguf", gguf.toString(), "--context", "1K");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertNoRawControls(r.out());
    assertThat(List.of(r.out().split(" "))).contains("$'" + tmp + "/it\\'s\\u0085.gguf'");
  }
}
