package io.hwledger.fleet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.fleet.protocol.ModelFile;
import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's search of its model directories. Readable checkpoints are planned end to end in
 * {@code FleetProcessesTest}; here, what cannot be read and when a checkpoint is read again.
 */
@Verifies("FR-FLEET-013")
class ModelScannerTest {
  @TempDir Path dir;

  @Test
  void anUnreadableCheckpointIsReportedWithItsReasonAndReadAgainOnlyWhenItChanges()
      throws Exception {
    Path nested = Files.createDirectories(dir.resolve("team/a"));
    Path file = nested.resolve("model.gguf");
    Files.writeString(file, "NOPE", StandardCharsets.US_ASCII);
    FileTime then = FileTime.fromMillis(1_700_000_000_000L);
    Files.setLastModifiedTime(file, then);
    // the same directory given twice, once through a longer path: each checkpoint once
    ModelScanner scanner = new ModelScanner(List.of(dir, dir.resolve("team")));

    List<ModelFile> first = scanner.scan();
    assertThat(first).hasSize(1);
    ModelFile f = first.get(0);
    assertThat(f.path()).isEqualTo(file.toAbsolutePath().toString());
    assertThat(f.format()).isEqualTo("gguf");
    assertThat(f.spec()).isNull();
    // "NOPE" is 0x4e4f5045 where GGUF's magic belongs
    assertThat(f.error()).isEqualTo("byte 0: bad magic 0x4e4f5045, not a GGUF file");

    // the same size and time: not read again, even though the bytes differ
    Files.writeString(file, "GGUF", StandardCharsets.US_ASCII);
    Files.setLastModifiedTime(file, then);
    assertThat(scanner.scan()).containsExactly(f);

    // a new time: read again
    Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_001_000L));
    // "GGUF" is the magic alone: the version that follows is missing
    assertThat(scanner.scan().get(0).error())
        .isEqualTo("truncated at byte 4 reading version of the header");
  }

  @Test
  void aDirectoryThatCannotBeSearchedReportsNothingAndTheScanGoesOn() throws Exception {
    Files.writeString(dir.resolve("x.gguf"), "NOPE", StandardCharsets.US_ASCII);
    ModelScanner scanner = new ModelScanner(List.of(dir.resolve("missing"), dir));

    assertThat(scanner.scan())
        .extracting(ModelFile::path)
        .containsExactly(dir.resolve("x.gguf").toString());
  }
}
