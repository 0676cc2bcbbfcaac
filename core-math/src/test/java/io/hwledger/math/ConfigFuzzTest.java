package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.api.ModelSpec;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated published {@code config.json} files of every layout the reader knows (the catalog's
 * resources), through {@link Fuzz}: {@link HfConfigReader} and the planner either read them or
 * refuse with one printable line, never another exception, an out-of-memory error or a hang. One
 * case in eight goes through a file, so that UTF-8 and size checks run too. The seed is printed;
 * {@code -Dhwledger.fuzz.seed=N} and {@code -Dhwledger.fuzz.cases=N} rerun or lengthen the run.
 */
@Verifies("FR-CONFIG-003")
class ConfigFuzzTest {
  private static final List<String> MODELS =
      List.of(
          "llama-3.1-8b",
          "mixtral-8x7b-v0.1",
          "qwen3-30b-a3b",
          "qwen3-next-80b-a3b-instruct",
          "deepseek-v3",
          "gemma-3-27b-it",
          "gpt-oss-20b",
          "jamba-1.5-mini",
          "nemotron-h-56b-base-8k",
          "mamba2-2.7b",
          "falcon-40b",
          "llama-4-scout-17b-16e-instruct");

  @TempDir Path dir;

  private void read(byte[] bytes, SplittableRandom r) throws IOException, Fuzz.Refused {
    ModelSpec spec;
    if (r.nextInt(8) == 0) {
      spec = HfConfigReader.read(Files.write(dir.resolve("config.json"), bytes));
    } else {
      spec = HfConfigReader.parse(new String(bytes, StandardCharsets.UTF_8), "m");
    }
    Fuzz.planner(() -> Planner.of(spec));
  }

  @Test
  void mutatedConfigsAreReadOrRefusedInOneLine() throws Exception {
    List<Fuzz.Seed> seeds = new ArrayList<>();
    for (String id : MODELS) {
      byte[] bytes =
          ModelCatalog.resource("catalog/models/" + id + ".json").getBytes(StandardCharsets.UTF_8);
      read(bytes, new SplittableRandom(1)); // the seeds themselves are valid
      seeds.add(
          new Fuzz.Seed(
              bytes, bytes.length, ByteOrder.LITTLE_ENDIAN, new int[0], true, this::read));
    }
    Fuzz.Report report = Fuzz.run("config.json", seeds, Fuzz.cases(3000));
    assertThat(report.failures()).isEmpty();
    assertThat(report.refused()).isPositive();
  }
}
