package io.hwledger.rocm;

import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.tck.GpuBackendContract;
import io.hwledger.tck.Metric;
import io.hwledger.testsupport.Verifies;
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
 * <p>KFD has a node for card0 only (0000:c1:00.0, gpu_id 41235) with one process (pid 4242, 8 GiB
 * of VRAM), so card0 lists processes; card1 and card10 have no KFD node. sysfs has no reserved
 * memory, so that is always absent.
 */
@Verifies({"FR-TELEMETRY-005", "FR-TELEMETRY-007", "FR-TELEMETRY-009"})
class AmdgpuSysfsBackendTckTest extends GpuBackendContract {

  private static final Set<Metric> NEVER_READ = EnumSet.of(Metric.MEMORY_RESERVED);

  @TempDir Path root;

  @BeforeEach
  void tree() throws IOException {
    FakeSysfsTree.write(root);
    Path node = root.resolve("sys/class/kfd/kfd/topology/nodes/1");
    FakeSysfsTree.file(node.resolve("gpu_id"), "41235\n");
    FakeSysfsTree.file(
        node.resolve("properties"), "gfx_target_version 90402\nlocation_id 49408\ndomain 0\n");
    FakeSysfsTree.file(root.resolve("sys/class/kfd/kfd/proc/4242/vram_41235"), "8589934592\n");
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
      // card1 has a PCI address but no KFD node, so no process list
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
