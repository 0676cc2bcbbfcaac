package io.hwledger.nvidia;

import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.tck.GpuBackendContract;
import io.hwledger.tck.Metric;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code nvidia-smi} backend keeps the SPI contract against a shell script standing in for the
 * tool (POSIX only), printing {@code nvidia-smi/h100-a100.csv}: memory total/used/free,
 * utilisation, temperature and power for both GPUs (the A100 at 0 % utilisation). The backend
 * queries no clocks, no processes and no reserved memory, so those are always absent.
 */
@Verifies({"FR-TELEMETRY-003", "FR-TELEMETRY-007", "FR-TELEMETRY-009"})
class NvidiaSmiBackendTckTest extends GpuBackendContract {

  /** What this backend never reports, whatever the tool prints. */
  private static final Set<Metric> NEVER_QUERIED =
      EnumSet.of(
          Metric.MEMORY_RESERVED, Metric.GRAPHICS_CLOCK, Metric.MEMORY_CLOCK, Metric.PROCESSES);

  @TempDir Path dir;

  private Path tool;

  @BeforeEach
  void installTool() throws IOException {
    tool = fakeTool(dir, "h100-a100.csv");
  }

  /** Writes a fake {@code nvidia-smi} into {@code dir} that prints the fixture {@code csv}. */
  static Path fakeTool(Path dir, String csv) throws IOException {
    Path data = dir.resolve("out.txt");
    Files.writeString(data, NvidiaSmiCsvTest.fixture(csv), StandardCharsets.UTF_8);
    Path script = dir.resolve("nvidia-smi");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "case \"$1 $2\" in\n"
            + "  '--query-gpu="
            + NvidiaSmiCsv.QUERY
            + " --format=csv,noheader,nounits') ;;\n"
            + "  *) echo \"bad arguments: $*\"; exit 2 ;;\n"
            + "esac\n"
            + "cat '"
            + data
            + "'\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private static Set<Metric> allBut(Set<Metric> unsupported) {
    return EnumSet.complementOf(EnumSet.copyOf(unsupported));
  }

  @Override
  protected GpuBackendProvider provider() {
    Path path = tool;
    return new NvidiaSmiBackendProvider(() -> Optional.of(path), Duration.ofSeconds(10));
  }

  @Override
  protected Set<Metric> expectedUnsupported(GpuDevice device) {
    return NEVER_QUERIED;
  }

  @Override
  protected Set<Metric> expectedSupported(GpuDevice device) {
    return allBut(NEVER_QUERIED);
  }

  @Override
  protected int expectedDeviceCount() {
    return 2;
  }

  /** Every sample runs the tool: 8 threads x 5 rounds keeps the concurrency check quick. */
  @Override
  protected int samplesPerThread() {
    return 5;
  }

  /**
   * {@code nvidia-smi/mig-and-spacing.csv}: a MIG instance with {@code [N/A]} used/free and {@code
   * [Not Supported]} utilisation, and a T4 with {@code [N/A]} temperature, {@code [Not Supported]}
   * power and a genuine 0 MiB used.
   */
  @Nested
  class NotAvailableCells extends GpuBackendContract {

    @TempDir Path migDir;

    private Path migTool;

    @BeforeEach
    void installTool() throws IOException {
      migTool = fakeTool(migDir, "mig-and-spacing.csv");
    }

    @Override
    protected GpuBackendProvider provider() {
      Path path = migTool;
      return new NvidiaSmiBackendProvider(() -> Optional.of(path), Duration.ofSeconds(10));
    }

    @Override
    protected Set<Metric> expectedUnsupported(GpuDevice device) {
      Set<Metric> unsupported = EnumSet.copyOf(NEVER_QUERIED);
      if (device.index() == 0) {
        unsupported.addAll(EnumSet.of(Metric.MEMORY_USED, Metric.MEMORY_FREE, Metric.UTILIZATION));
      } else {
        unsupported.addAll(EnumSet.of(Metric.TEMPERATURE, Metric.POWER));
      }
      return unsupported;
    }

    @Override
    protected Set<Metric> expectedSupported(GpuDevice device) {
      return allBut(expectedUnsupported(device));
    }

    @Override
    protected int expectedDeviceCount() {
      return 2;
    }

    @Override
    protected int samplesPerThread() {
      return 5;
    }
  }
}
