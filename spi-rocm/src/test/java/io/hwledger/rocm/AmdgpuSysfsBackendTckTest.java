package io.hwledger.rocm;

import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.tck.GpuBackendContract;
import io.hwledger.tck.Metric;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The amdgpu sysfs backend keeps the SPI contract against a fake sysfs tree under a temporary root:
 *
 * <ul>
 *   <li>card0 (index 0): a full card: VRAM total/used, busy %, hwmon temperature, power and both
 *       clocks;
 *   <li>card1 (index 1): VRAM total/used only (no hwmon, no busy %);
 *   <li>card2: an Intel card, skipped; card10 (index 2): only hwmon power1_input and temperature.
 * </ul>
 *
 * <p>sysfs has no reserved memory or process list, so those are always absent.
 */
class AmdgpuSysfsBackendTckTest extends GpuBackendContract {

  private static final Set<Metric> NEVER_READ =
      EnumSet.of(Metric.MEMORY_RESERVED, Metric.PROCESSES);

  @TempDir Path root;

  @BeforeEach
  void tree() throws IOException {
    FakeSysfsTree.write(root);
  }

  @Override
  protected GpuBackendProvider provider() {
    Path r = root;
    return new AmdgpuSysfsBackendProvider(() -> new AmdgpuSysfs(r));
  }

  @Override
  protected Set<Metric> expectedSupported(GpuDevice device) {
    return switch (device.index()) {
      case 0 -> EnumSet.complementOf(EnumSet.copyOf(NEVER_READ));
      case 1 -> EnumSet.of(Metric.MEMORY_TOTAL, Metric.MEMORY_USED, Metric.MEMORY_FREE);
      default -> EnumSet.of(Metric.TEMPERATURE, Metric.POWER);
    };
  }

  @Override
  protected Set<Metric> expectedUnsupported(GpuDevice device) {
    return EnumSet.complementOf(EnumSet.copyOf(expectedSupported(device)));
  }

  @Override
  protected int expectedDeviceCount() {
    return 3;
  }
}
