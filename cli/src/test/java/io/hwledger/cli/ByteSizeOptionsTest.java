package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Byte sizes on the command line need a unit ({@code --memory 80} is refused rather than read as 80
 * bytes); every multiple is binary; token counts keep plain numbers.
 */
@Verifies("FR-CLI-007")
class ByteSizeOptionsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String UNITS =
      "the units are B, KiB, MiB, GiB and TiB; KB, MB, GB, TB, K, M, G and T mean the same"
          + " powers of 1024";

  @ParameterizedTest
  @CsvSource({
    // 80 × 2^30
    "80GiB, 85899345920",
    "80GB, 85899345920",
    "80G, 85899345920",
    "80gib, 85899345920",
    "80Gi, 85899345920",
    // 512 × 2^20
    "512MB, 536870912",
    "512MiB, 536870912",
    // 3 × 2^10
    "3KiB, 3072",
    // 2^40
    "1T, 1099511627776",
    // the H100 SXM's memory in bytes, as plan --json prints it
    "85520809984B, 85520809984",
    "1024b, 1024",
  })
  void sizesWithAUnit(String text, long bytes) {
    assertThat(Units.bytes("--memory", text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "80| --memory: '80' needs a unit, e.g. 80GiB; " + UNITS,
        "4096| --memory: '4096' needs a unit, e.g. 4096GiB; " + UNITS,
        "0| --memory: '0' must be a positive number of bytes",
        "0B| --memory: '0B' must be a positive number of bytes",
        "-5| --memory: '-5' must be a positive number of bytes",
        "-5GiB| --memory: '-5GiB' must be a positive number of bytes",
        "80 GiB| --memory: '80 GiB' is not a byte size: give a whole number and a unit, e.g."
            + " 80GiB; "
            + UNITS,
        "1.5GiB| --memory: '1.5GiB' is not a byte size: give a whole number and a unit, e.g."
            + " 80GiB; "
            + UNITS,
        "99999999999999999999B| --memory: '99999999999999999999B' is too many bytes (overflows a"
            + " 64-bit count)",
        "9000000TiB| --memory: '9000000TiB' is too many bytes (overflows a 64-bit count)",
      })
  void sizesWithoutAUnitOrMalformedAreRefused(String text, String message) {
    assertThatThrownBy(() -> Units.bytes("--memory", text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void memoryWithoutAUnitIsAUsageError() {
    Cli.Result result = Cli.run("plan", "--model", "llama-3.1-8b", "--memory", "80");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "hwledger: --memory: '80' needs a unit, e.g. 80GiB; "
                + UNITS
                + " (try 'hwledger plan --help')\n");
  }

  @Test
  void memoryWithAUnitIsTheBudget() throws IOException {
    for (String memory : new String[] {"80GiB", "80GB", "85899345920B"}) {
      JsonNode plan = plan("--memory", memory);
      assertThat(plan.get("budgetBytes").asLong()).as(memory).isEqualTo(85_899_345_920L);
      assertThat(plan.get("deployment").get("memoryPerGpuBytes").asLong())
          .isEqualTo(85_899_345_920L);
    }
  }

  @Test
  void engineByteSettingsNeedAUnitToo() throws IOException {
    Cli.Result bare =
        Cli.run(
            "plan",
            "--model",
            "llama-3.1-8b",
            "--gpu",
            "h100-sxm-80gb",
            "--engine",
            "vllm",
            "--cuda-graph-memory",
            "512");
    assertThat(bare.exitCode()).isEqualTo(2);
    assertThat(bare.err())
        .isEqualTo(
            "hwledger: --cuda-graph-memory: '512' needs a unit, e.g. 512GiB; "
                + UNITS
                + " (try 'hwledger plan --help')\n");
    // vLLM takes the graph estimate from its budget: 512 MiB less KV cache than without it.
    long without =
        plan("--gpu", "h100-sxm-80gb", "--engine", "vllm")
            .get("engine")
            .get("kvCacheBytes")
            .asLong();
    for (String size : new String[] {"512MiB", "536870912B"}) {
      long with =
          plan("--gpu", "h100-sxm-80gb", "--engine", "vllm", "--cuda-graph-memory", size)
              .get("engine")
              .get("kvCacheBytes")
              .asLong();
      assertThat(without - with).as(size).isEqualTo(512L << 20);
    }
  }

  @Test
  void tokenCountsKeepPlainNumbers() throws IOException {
    assertThat(plan("--context", "4096").get("workload").get("contextTokens").asLong())
        .isEqualTo(4096);
    assertThat(plan("--context", "32K").get("workload").get("contextTokens").asLong())
        .isEqualTo(32_768);
  }

  @Test
  void helpSaysWhichUnitsExist() {
    String help = Cli.run("plan", "--help").out().replaceAll("\\s+", " ");
    assertThat(help)
        .contains("TOKENS is a whole number with an optional binary suffix: 32K = 32768.")
        .contains("BYTES is a whole number with a unit: 80GiB = 85899345920")
        .contains("--memory=BYTES Check the fit against this memory budget per GPU, with a unit")
        .contains("KB, MB, GB, TB, K, M, G and T mean the same powers of 1024");
    assertThat(Cli.run("--help").out().replaceAll("\\s+", " "))
        .contains("options that take bytes need a unit, e.g. 80GiB.");
  }

  private static JsonNode plan(String... options) throws IOException {
    String[] args = new String[options.length + 4];
    args[0] = "plan";
    args[1] = "--model";
    args[2] = "llama-3.1-8b";
    args[3] = "--json";
    System.arraycopy(options, 0, args, 4, options.length);
    Cli.Result result = Cli.run(args);
    assertThat(result.exitCode()).as(result.err()).isZero();
    return MAPPER.readTree(result.out());
  }
}
