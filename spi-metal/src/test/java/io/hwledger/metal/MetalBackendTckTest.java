package io.hwledger.metal;

import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.tck.GpuBackendContract;
import io.hwledger.tck.Metric;
import io.hwledger.testsupport.Verifies;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Nested;

/**
 * The Metal backend keeps the SPI contract. The provider {@link java.util.ServiceLoader} creates is
 * unavailable off macOS, so on Linux only the identity and availability checks run (and {@code
 * open()} must throw UNAVAILABLE); {@link ScriptedMac} runs every check against a scripted Metal
 * device and the {@code ioreg-m4.txt} fixture.
 */
@Verifies({"FR-TELEMETRY-006", "FR-TELEMETRY-007", "FR-TELEMETRY-009"})
class MetalBackendTckTest extends GpuBackendContract {

  /** Metal gives the working set and allocated size, ioreg the utilisation; nothing else. */
  private static final Set<Metric> SUPPORTED =
      EnumSet.of(Metric.MEMORY_TOTAL, Metric.MEMORY_USED, Metric.MEMORY_FREE, Metric.UTILIZATION);

  @Override
  protected GpuBackendProvider provider() {
    return new MetalBackendProvider();
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

  /** "Mac OS X" with a scripted Metal device (12 GiB working set, 2 GiB allocated) and ioreg. */
  @Nested
  class ScriptedMac extends GpuBackendContract {

    private final String ioreg = Fixtures.read("ioreg-m4.txt");

    @Override
    protected GpuBackendProvider provider() {
      return new MetalBackendProvider(
          "Mac OS X", MetalBackendProviderTest.FakeMetal::new, (cmd, timeout) -> ioreg);
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
