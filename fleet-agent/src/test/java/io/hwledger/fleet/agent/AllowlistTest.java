package io.hwledger.fleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies("FR-FLEET-020")
class AllowlistTest {

  @TempDir Path dir;
  private Path engine;

  @BeforeEach
  void executable() throws IOException {
    engine = Files.writeString(dir.resolve("engine"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(engine, PosixFilePermissions.fromString("rwx------"));
  }

  private Allowlist load(String text) throws IOException {
    return Allowlist.load(Files.writeString(dir.resolve("allowlist"), text));
  }

  private String error(String text) {
    Throwable thrown = null;
    try {
      load(text);
    } catch (IllegalArgumentException | IOException e) {
      thrown = e;
    }
    assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    assertThat(thrown.getMessage()).doesNotContain("\n");
    return thrown.getMessage();
  }

  @Test
  void readsNamesAndPathsSkippingCommentsAndBlankLines() throws IOException {
    Allowlist list =
        load(
            "# engines this host may run\n"
                + "\n"
                + "vllm="
                + engine
                + "\n"
                + "   llama-server = "
                + engine
                + "   \n"
                + "  # indented comment\n");
    assertThat(list.entries()).containsOnlyKeys("vllm", "llama-server");
    assertThat(list.resolve("vllm")).contains(engine);
    assertThat(list.resolve("llama-server")).contains(engine);
    assertThat(list.resolve("python3")).isEmpty();
    assertThat(list.resolve(engine.toString())).isEmpty();
  }

  @Test
  void relativePathIsRefusedNamingTheLine() {
    assertThat(error("# x\nvllm=bin/vllm\n"))
        .contains("line 2")
        .contains("'bin/vllm'")
        .contains("not absolute");
  }

  @Test
  void missingFileIsRefused() {
    assertThat(error("vllm=" + dir.resolve("nothing-here") + "\n"))
        .contains("line 1")
        .contains("does not exist");
  }

  @Test
  void nonExecutableFileIsRefused() throws IOException {
    Path plain = Files.writeString(dir.resolve("plain"), "data");
    Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-------"));
    assertThat(error("vllm=" + plain + "\n")).contains("line 1").contains("not executable");
  }

  @Test
  void directoryIsRefused() {
    assertThat(error("vllm=" + dir + "\n")).contains("not a regular file");
  }

  @Test
  void nameWithSlashIsRefused() {
    assertThat(error("/usr/bin/vllm=" + engine + "\n"))
        .contains("line 1")
        .contains("'/usr/bin/vllm'")
        .contains("'/'");
  }

  @Test
  void nameWithOtherCharactersIsRefused() {
    assertThat(error("v llm=" + engine + "\n")).contains("line 1").contains("'v llm'");
    assertThat(error("=" + engine + "\n")).contains("line 1").contains("name ''");
  }

  @Test
  void duplicateNameIsRefusedNamingBothLines() {
    assertThat(error("vllm=" + engine + "\n\nvllm=" + engine + "\n"))
        .contains("line 3")
        .contains("already listed on line 1");
  }

  @Test
  void lineWithoutEqualsIsRefused() {
    assertThat(error("vllm " + engine + "\n")).contains("line 1").contains("name=/absolute/path");
  }

  @Test
  void messagesNameTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("agent-allowlist"), "x=y\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Allowlist.load(file)).hasMessageStartingWith("allowlist " + file);
  }

  @Test
  void ofChecksEntriesLikeAFile() {
    assertThat(Allowlist.of(Map.of("vllm", engine)).resolve("vllm")).contains(engine);
    assertThatThrownBy(() -> Allowlist.of(Map.of("vllm", Path.of("vllm"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not absolute");
    assertThatThrownBy(() -> Allowlist.of(Map.of("a/b", engine)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'/'");
  }
}
