package io.hwledger.nvidia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

@Verifies({"FR-TELEMETRY-003", "FR-TELEMETRY-007"})
class NvidiaSmiCsvTest {

  private static final long MIB = 1024L * 1024L;

  static String fixture(String name) {
    try (InputStream in =
        Objects.requireNonNull(
            NvidiaSmiCsvTest.class.getResourceAsStream("/nvidia-smi/" + name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void parsesTwoDataCentreGpus() {
    List<NvidiaSmiCsv.Row> rows = NvidiaSmiCsv.parse(fixture("h100-a100.csv"));
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0))
        .isEqualTo(
            new NvidiaSmiCsv.Row(
                0,
                "GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f",
                "NVIDIA H100 80GB HBM3",
                OptionalLong.of(85_520_809_984L),
                OptionalLong.of(10_240 * MIB),
                OptionalLong.of(70_778 * MIB),
                OptionalDouble.of(87),
                OptionalDouble.of(64),
                OptionalDouble.of(312.5)));
    assertThat(rows.get(1).index()).isEqualTo(1);
    assertThat(rows.get(1).name()).isEqualTo("NVIDIA A100-SXM4-40GB");
    assertThat(rows.get(1).powerWatts()).hasValue(54.32);
  }

  @Test
  void unavailableValuesAreAbsentNotZero() {
    NvidiaSmiCsv.Row row = NvidiaSmiCsv.parse(fixture("geforce-power-na.csv")).get(0);
    assertThat(row.powerWatts()).isEmpty();
    assertThat(row.temperatureC()).hasValue(41);
    assertThat(row.memoryTotalBytes()).hasValue(6144 * MIB);
  }

  @Test
  void toleratesNotSupportedBlankLinesAndOddSpacing() {
    List<NvidiaSmiCsv.Row> rows = NvidiaSmiCsv.parse(fixture("mig-and-spacing.csv"));
    assertThat(rows).hasSize(2);
    NvidiaSmiCsv.Row mig = rows.get(0);
    assertThat(mig.memoryUsedBytes()).isEmpty();
    assertThat(mig.memoryFreeBytes()).isEmpty();
    assertThat(mig.utilizationPercent()).isEmpty();
    assertThat(mig.powerWatts()).hasValue(61.07);
    NvidiaSmiCsv.Row t4 = rows.get(1);
    assertThat(t4.uuid()).isEqualTo("GPU-3a2b1c0d-ffee-ddcc-bbaa-998877665544");
    assertThat(t4.name()).isEqualTo("Tesla T4");
    assertThat(t4.memoryUsedBytes()).hasValue(0);
    assertThat(t4.temperatureC()).isEmpty();
    assertThat(t4.powerWatts()).isEmpty();
  }

  @Test
  void windowsLineEndingsAndLegacyNa() {
    List<NvidiaSmiCsv.Row> rows =
        NvidiaSmiCsv.parse("0, GPU-a, Quadro P4000, 8192, 100, 8092, 5, N/A, 30.1\r\n");
    assertThat(rows.get(0).temperatureC()).isEmpty();
    assertThat(rows.get(0).powerWatts()).hasValue(30.1);
  }

  @Test
  void emptyOutputHasNoRows() {
    assertThat(NvidiaSmiCsv.parse("")).isEmpty();
    assertThat(NvidiaSmiCsv.parse("\n\n")).isEmpty();
  }

  @Test
  void malformedLineIsNamed() {
    assertThatThrownBy(() -> NvidiaSmiCsv.parse(fixture("truncated.csv")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("NVIDIA A100-SXM4-40GB, 40960")
        .hasMessageContaining("expected 9");
  }

  @Test
  void driverErrorTextIsMalformed() {
    assertThatThrownBy(() -> NvidiaSmiCsv.parse(fixture("driver-not-loaded.txt")))
        .hasMessageContaining("line 1")
        .hasMessageContaining("NVIDIA-SMI has failed");
  }

  @Test
  void badNumbersNameTheField() {
    assertThatThrownBy(() -> NvidiaSmiCsv.parse("0, GPU-a, X, 8192, lots, 1, 1, 1, 1"))
        .hasMessageContaining("memory.used")
        .hasMessageContaining("lots");
    assertThatThrownBy(() -> NvidiaSmiCsv.parse("x, GPU-a, X, 8192, 1, 1, 1, 1, 1"))
        .hasMessageContaining("index");
    assertThatThrownBy(() -> NvidiaSmiCsv.parse("0, GPU-a, X, 8192, 1, 1, 1, 1, hot"))
        .hasMessageContaining("power.draw");
    assertThatThrownBy(() -> NvidiaSmiCsv.parse("0, [N/A], X, 8192, 1, 1, 1, 1, 1"))
        .hasMessageContaining("uuid");
  }
}
