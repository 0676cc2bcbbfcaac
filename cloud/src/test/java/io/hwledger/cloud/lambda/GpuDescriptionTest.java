package io.hwledger.cloud.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lambda's instance-type descriptions, read strictly. */
@Verifies("FR-CLOUD-008")
class GpuDescriptionTest {
  @Test
  void readsCountNameAndMemoryOfADescription() {
    GpuDescription d = GpuDescription.parse("8x H100 (80 GB SXM5)").orElseThrow();

    assertThat(d.count()).isEqualTo(OptionalInt.of(8));
    assertThat(d.gpuName()).isEqualTo("H100 (80 GB SXM5)");
    assertThat(d.memoryGib()).isEqualTo(80);
    assertThat(d.memoryBytes()).isEqualTo(80L * 1024 * 1024 * 1024);
  }

  @Test
  void readsAGpuDescriptionWithoutCountAndOneWithoutFormFactor() {
    GpuDescription gpu = GpuDescription.parse("H100 (80 GB PCIe)").orElseThrow();
    assertThat(gpu.count()).isEmpty();
    assertThat(gpu.gpuName()).isEqualTo("H100 (80 GB PCIe)");

    GpuDescription gh200 = GpuDescription.parse("1x GH200 (96 GB)").orElseThrow();
    assertThat(gh200.count()).isEqualTo(OptionalInt.of(1));
    assertThat(gh200.gpuName()).isEqualTo("GH200 (96 GB)");
    assertThat(gh200.memoryGib()).isEqualTo(96);

    GpuDescription v100 = GpuDescription.parse("8x Tesla V100 (16 GB)").orElseThrow();
    assertThat(v100.gpuName()).isEqualTo("Tesla V100 (16 GB)");
    assertThat(v100.memoryGib()).isEqualTo(16);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "4x vCPU",
        "8x H100",
        "8x H100 (80GB SXM5)",
        "8x H100 (80 TB SXM5)",
        "8x H100 (0 GB SXM5)",
        "8x H100 (80.5 GB SXM5)",
        "8x H100 (80 GB SXM5) ",
        "8x (80 GB SXM5)",
        "8x H100 (80 GB SXM-5)",
        "8x H100 (08 GB)",
        "8x H100 (12345 GB)",
        "8x H100 (80 GB )",
        "0x H100 (80 GB)",
        "8x 8x H100 (80 GB)",
        " H100 (80 GB)",
        ""
      })
  void refusesAnythingElse(String text) {
    assertThat(GpuDescription.parse(text)).isEmpty();
  }
}
