package io.hwledger.nvidia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The compute-apps query. No real recording of this query's CSV output was found (see {@code
 * nvidia-smi/README.txt}), so the inputs here are constructed in the shape {@link NvidiaSmiCsv}'s
 * recordings show (", "-separated cells, {@code [N/A]}) and say so; none of them is a fixture.
 */
@Verifies({"FR-TELEMETRY-016", "FR-TELEMETRY-007"})
class NvidiaSmiComputeAppsTest {
  private static final long MIB = 1024L * 1024L;

  @Test
  void twoProcessesOnTwoGpus() {
    List<NvidiaSmiComputeApps.App> apps =
        NvidiaSmiComputeApps.parse(
            "GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f, 4242, 10240\n"
                + "GPU-3a2b1c0d-ffee-ddcc-bbaa-998877665544, 77, 512\n");
    assertThat(apps)
        .containsExactly(
            new NvidiaSmiComputeApps.App(
                "GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f", 4242, OptionalLong.of(10240 * MIB)),
            new NvidiaSmiComputeApps.App(
                "GPU-3a2b1c0d-ffee-ddcc-bbaa-998877665544", 77, OptionalLong.of(512 * MIB)));
  }

  @Test
  void notAvailableUsedMemoryIsAbsentNotZero() {
    assertThat(NvidiaSmiComputeApps.parse("GPU-3a2b1c0d-ffee-ddcc-bbaa-998877665544, 77, [N/A]"))
        .containsExactly(
            new NvidiaSmiComputeApps.App(
                "GPU-3a2b1c0d-ffee-ddcc-bbaa-998877665544", 77, OptionalLong.empty()));
  }

  @Test
  void noProcessesIsAnEmptyList() {
    assertThat(NvidiaSmiComputeApps.parse("")).isEmpty();
    assertThat(NvidiaSmiComputeApps.parse("\r\n")).isEmpty();
    assertThat(NvidiaSmiComputeApps.parse("No running processes found\n")).isEmpty();
  }

  @Test
  void aMalformedLineIsNamed() {
    assertThatThrownBy(() -> NvidiaSmiComputeApps.parse("GPU-a, 1, 2\nGPU-b, x, 3\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nvidia-smi output line 2 (\"GPU-b, x, 3\"): pid is not an integer: \"x\"");
    assertThatThrownBy(() -> NvidiaSmiComputeApps.parse("GPU-a, 1"))
        .hasMessageContaining("expected 3 comma-separated fields, found 2");
  }
}
