package io.hwledger.traceability;

import io.hwledger.testsupport.TraceabilityListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads the rows every module's test run left in {@code target/traceability/tests.tsv}. */
final class TestRuns {
  private TestRuns() {}

  /** Every row of every module directly under {@code root}, modules in name order. */
  static List<TestRun> read(Path root) throws IOException {
    List<Path> modules = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(root, Files::isDirectory)) {
      children.forEach(modules::add);
    }
    modules.sort(null);
    List<TestRun> runs = new ArrayList<>();
    for (Path module : modules) {
      Path record = module.resolve(TraceabilityListener.RECORD);
      if (Files.isRegularFile(record)) {
        runs.addAll(parse(String.valueOf(module.getFileName()), record));
      }
    }
    return runs;
  }

  static List<TestRun> parse(String module, Path record) throws IOException {
    List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals(TraceabilityListener.HEADER)) {
      throw new IllegalArgumentException(record + ": not a traceability record (header missing)");
    }
    List<TestRun> runs = new ArrayList<>(lines.size() - 1);
    for (int i = 1; i < lines.size(); i++) {
      String[] cells = lines.get(i).split("\t", -1);
      if (cells.length != 5) {
        throw new IllegalArgumentException(
            record + ":" + (i + 1) + ": " + cells.length + " columns, expected 5");
      }
      List<String> requirements =
          cells[4].isEmpty() ? List.of() : Arrays.asList(cells[4].split(","));
      runs.add(new TestRun(module, cells[0], cells[1], cells[2], cells[3], requirements));
    }
    return runs;
  }
}
