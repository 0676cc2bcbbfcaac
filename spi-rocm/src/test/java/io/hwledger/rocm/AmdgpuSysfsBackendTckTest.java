package io.hwledger.rocm;

import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.tck.GpuBackendContract;
import io.hwledger.tck.Metric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
    Path drm = root.resolve("sys/class/drm");
    Path pci = root.resolve("sys/devices/pci0000:00");

    Path dev0 = pci.resolve("0000:c1:00.0");
    write(dev0.resolve("vendor"), "0x1002\n");
    write(dev0.resolve("device"), "0x74a1\n");
    write(dev0.resolve("unique_id"), "a1b2c3d4e5f60718\n");
    write(dev0.resolve("product_name"), "AMD Instinct MI300X\n");
    write(dev0.resolve("mem_info_vram_total"), "206158430208\n");
    write(dev0.resolve("mem_info_vram_used"), "1073741824\n");
    write(dev0.resolve("gpu_busy_percent"), "37\n");
    write(dev0.resolve("uevent"), "DRIVER=amdgpu\nPCI_CLASS=38000\nPCI_SLOT_NAME=0000:c1:00.0\n");
    write(dev0.resolve("hwmon/hwmon3/temp1_input"), "45000\n");
    write(dev0.resolve("hwmon/hwmon3/power1_average"), "350000000\n");
    write(dev0.resolve("hwmon/hwmon3/freq1_input"), "2100000000\n");
    write(dev0.resolve("hwmon/hwmon3/freq2_input"), "1300000000\n");
    Files.createDirectories(drm.resolve("card0"));
    Files.createSymbolicLink(drm.resolve("card0/device"), dev0);

    Path dev1 = pci.resolve("0000:03:00.0");
    write(dev1.resolve("vendor"), "0x1002\n");
    write(dev1.resolve("device"), "0x744c\n");
    write(dev1.resolve("mem_info_vram_total"), "21458059264\n");
    write(dev1.resolve("mem_info_vram_used"), "27856896\n");
    Files.createDirectories(drm.resolve("card1"));
    Files.createSymbolicLink(
        drm.resolve("card1/device"), Paths.get("../../../devices/pci0000:00/0000:03:00.0"));

    write(drm.resolve("card2/device/vendor"), "0x8086\n");
    write(drm.resolve("card2/device/mem_info_vram_total"), "1\n");

    write(drm.resolve("card10/device/vendor"), "0x1002\n");
    write(drm.resolve("card10/device/hwmon/hwmon7/power1_input"), "12500000\n");
    write(drm.resolve("card10/device/hwmon/hwmon7/temp1_input"), "38500\n");

    write(drm.resolve("card0-DP-1/status"), "connected\n");
    write(drm.resolve("renderD128/device/vendor"), "0x1002\n");
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content.getBytes(StandardCharsets.UTF_8));
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
