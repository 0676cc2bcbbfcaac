package io.hwledger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java snippets are the text between the README markers of the examples, and those
 * examples run: as a user would paste them, with a key file from {@code hwledger ledger keygen},
 * and on a machine without a GPU.
 */
@Verifies("FR-DOCS-001")
class ReadmeSnippetsTest {
  private static final Path README = Path.of("../README.md");
  private static final Path EXAMPLES = Path.of("src/main/java/io/hwledger/examples");
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)\n```", Pattern.DOTALL);

  @Test
  void everyJavaSnippetOfTheReadmeIsAnExamplesReadmeRegionAndEveryRegionIsInTheReadme()
      throws IOException {
    List<String> snippets = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(Files.readString(README, StandardCharsets.UTF_8));
    while (m.find()) {
      snippets.add(m.group(1));
    }
    List<String> regions = new ArrayList<>();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path file : (Iterable<Path>) files.sorted()::iterator) {
        if (file.toString().endsWith(".java")) {
          regions.addAll(regions(Files.readAllLines(file, StandardCharsets.UTF_8)));
        }
      }
    }
    assertThat(snippets).as("the README's java blocks").hasSize(4);
    assertThat(regions)
        .as("README regions of the examples")
        .containsExactlyInAnyOrderElementsOf(snippets);
  }

  /** The lines between each "README begin" and "README end" comment, less their indentation. */
  private static List<String> regions(List<String> lines) {
    List<String> regions = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).contains("// README begin")) {
        continue;
      }
      int end = i + 1;
      while (!lines.get(end).contains("// README end")) {
        end++;
      }
      List<String> body = lines.subList(i + 1, end);
      int indent =
          body.stream()
              .filter(l -> !l.isBlank())
              .mapToInt(l -> l.length() - l.stripLeading().length())
              .min()
              .orElse(0);
      regions.add(
          String.join(
              "\n", body.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList()));
      i = end;
    }
    return regions;
  }

  @Test
  void thePlannerSnippetPlansDeepSeekV3OnEightH200s() throws Exception {
    String out = ChildJvm.run("-cp", ChildJvm.classPath(), ReadmeExample.class.getName());
    Matcher m =
        Pattern.compile(
                "fits=true headroom=[0-9.]+ GiB longest context for 16 sequences=(\\d+) tokens")
            .matcher(out);
    assertThat(m.find()).as(out).isTrue();
    // 32,768 tokens for 16 sequences fit (fits=true), so the longest is at least that, and at most
    // DeepSeek-V3's max_position_embeddings, 163,840
    assertThat(Long.parseLong(m.group(1))).isBetween(32_768L, 163_840L);
  }

  @Test
  void theLedgerSnippetWorksWithAKeyFileFromLedgerKeygen(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("fleet.key");
    ChildJvm.run(
        "-cp",
        ChildJvm.classPath(),
        "io.hwledger.cli.Main",
        "ledger",
        "keygen",
        "--name",
        "fleet.example/ledger",
        "--out",
        keyFile.toString());
    assertThat(Files.readString(keyFile))
        .startsWith("PRIVATE+KEY+fleet.example/ledger+")
        .endsWith("\n");

    String out =
        ChildJvm.run(
            "-cp", ChildJvm.classPath(), LedgerExample.class.getName(), keyFile.toString());
    assertThat(out).contains("seq 0, ledger ok=true, included in the signed tree of 1: true");
  }

  @Test
  void theTelemetrySnippetOnAMachineWithoutAGpuSaysWhatItTried() throws Exception {
    String out =
        ChildJvm.run(
            "-Dhwledger.backends=nvml",
            "-Dhwledger.nvml.library=/nonexistent/libnvidia-ml.so.1",
            "-cp",
            ChildJvm.classPath(),
            TelemetryExample.class.getName());
    assertThat(out.lines()).anySatisfy(l -> assertThat(l).startsWith("nvml: "));
    assertThat(out).doesNotContain("Exception", "Optional");
  }

  @Test
  void theTelemetrySnippetPrintsEachGpusUsedMemory() throws Exception {
    String out =
        ChildJvm.run(
            "-Dhwledger.backends=fake-csv",
            "-Dhwledger.fakecsv=classpath:hwledger-examples/fake-gpus.csv",
            "-cp",
            ChildJvm.classPath(),
            TelemetryExample.class.getName());
    // memory_used_bytes of the two rows of fake-gpus.csv
    assertThat(out.lines())
        .containsSubsequence(
            "Fake H100 80GB: 4294967296 bytes used", "Fake old card: 1073741824 bytes used");
  }

  @Test
  void theHostSnippetListsEveryGpuWithItsBackend() throws Exception {
    String out =
        ChildJvm.run(
            "-Dhwledger.backends=fake-csv",
            "-Dhwledger.fakecsv=classpath:hwledger-examples/fake-gpus.csv",
            "-cp",
            ChildJvm.classPath(),
            HostDevicesExample.class.getName());
    // the two rows of fake-gpus.csv, through the one backend forced
    assertThat(out.lines())
        .containsSubsequence(
            "fake-csv Fake H100 80GB: 4294967296 bytes used",
            "fake-csv Fake old card: 1073741824 bytes used");
  }
}
