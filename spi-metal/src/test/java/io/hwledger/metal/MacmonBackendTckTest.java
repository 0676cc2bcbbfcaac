package io.hwledger.metal;

import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.tck.GpuBackendContract;
import io.hwledger.tck.Metric;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The macmon backend keeps the SPI contract. The provider {@link java.util.ServiceLoader} creates
 * is unavailable off macOS, so on Linux only the identity and availability checks run (and {@code
 * open()} must throw UNAVAILABLE); {@link ScriptedMac} runs every check against a fake {@code
 * macmon} on a temporary PATH whose runs print the first line of {@code macmon-pipe.jsonl}.
 */
@Verifies({"FR-TELEMETRY-006", "FR-TELEMETRY-007", "FR-TELEMETRY-009"})
class MacmonBackendTckTest extends GpuBackendContract {

  /** macmon gives GPU utilisation, temperature, power and frequency; memory is left absent. */
  private static final Set<Metric> SUPPORTED =
      EnumSet.of(Metric.UTILIZATION, Metric.TEMPERATURE, Metric.POWER, Metric.GRAPHICS_CLOCK);

  @Override
  protected GpuBackendProvider provider() {
    return new MacmonBackendProvider();
  }

  /**
   * On a real Mac what is present depends on the machine (ioreg lacks utilisation on some), so only
   * what this backend never reports is stated here; {@link ScriptedMac} states both sides.
   */
  @Override
  protected Set<Metric> expectedUnsupported(GpuDevice device) {
    return EnumSet.complementOf(EnumSet.copyOf(SUPPORTED));
  }

  @Override
  protected int expectedDeviceCount() {
    return 1;
  }

  /** "Mac OS X" with a fake macmon on PATH and the {@code ioreg-m4.txt} fixture. */
  @Nested
  class ScriptedMac extends GpuBackendContract {

    @TempDir Path bin;

    private final String ioreg = Fixtures.read("ioreg-m4.txt");
    private final String line =
        Fixtures.read("macmon-pipe.jsonl").lines().findFirst().orElseThrow() + "\n";

    @BeforeEach
    void installFakeMacmon() throws IOException {
      Path macmon = bin.resolve("macmon");
      Files.writeString(macmon, "#!/bin/sh\n");
      Files.setPosixFilePermissions(macmon, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Override
    protected GpuBackendProvider provider() {
      return new MacmonBackendProvider(
          "Mac OS X", bin.toString(), (cmd, timeout) -> cmd.get(0).equals("ioreg") ? ioreg : line);
    }

    @Override
    protected Set<Metric> expectedSupported(GpuDevice device) {
      return SUPPORTED;
    }

    @Override
    protected Set<Metric> expectedUnsupported(GpuDevice device) {
      return EnumSet.complementOf(EnumSet.copyOf(SUPPORTED));
    }

    @Override
    protected int expectedDeviceCount() {
      return 1;
    }
  }
}
