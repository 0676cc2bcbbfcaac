package io.hwledger.rocm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Writes a fake amdgpu sysfs tree under a root, shaped like a real {@code /sys}: two AMD cards
 * behind device symlinks into {@code /sys/devices}, an Intel card, an AMD card with only {@code
 * power1_input}, and entries that are not cards (connectors, render nodes).
 */
final class FakeSysfsTree {
  private FakeSysfsTree() {}

  /** Writes the tree under {@code root} and returns its {@code sys/class/drm} directory. */
  static Path write(Path root) throws IOException {
    Path drm = root.resolve("sys/class/drm");
    Path pci = root.resolve("sys/devices/pci0000:00");

    // card0: a full MI-class card; device is a symlink to its PCI directory; unique_id, product
    // name, power1_average.
    Path dev0 = pci.resolve("0000:c1:00.0");
    file(dev0.resolve("vendor"), "0x1002\n");
    file(dev0.resolve("device"), "0x74a1\n");
    file(dev0.resolve("unique_id"), "a1b2c3d4e5f60718\n");
    file(dev0.resolve("product_name"), "AMD Instinct MI300X\n");
    file(dev0.resolve("mem_info_vram_total"), "206158430208\n");
    file(dev0.resolve("mem_info_vram_used"), "1073741824\n");
    file(dev0.resolve("gpu_busy_percent"), "37\n");
    file(dev0.resolve("uevent"), "DRIVER=amdgpu\nPCI_CLASS=38000\nPCI_SLOT_NAME=0000:c1:00.0\n");
    file(dev0.resolve("hwmon/hwmon3/temp1_input"), "45000\n");
    file(dev0.resolve("hwmon/hwmon3/power1_average"), "350000000\n");
    file(dev0.resolve("hwmon/hwmon3/freq1_input"), "2100000000\n");
    file(dev0.resolve("hwmon/hwmon3/freq2_input"), "1300000000\n");
    Files.createDirectories(drm.resolve("card0"));
    Files.createSymbolicLink(drm.resolve("card0/device"), dev0);

    // card1: consumer card without hwmon, unique_id, product_name or uevent; PCI from the symlink.
    Path dev1 = pci.resolve("0000:03:00.0");
    file(dev1.resolve("vendor"), "0x1002\n");
    file(dev1.resolve("device"), "0x744c\n");
    file(dev1.resolve("mem_info_vram_total"), "21458059264\n");
    file(dev1.resolve("mem_info_vram_used"), "27856896\n");
    Files.createDirectories(drm.resolve("card1"));
    Files.createSymbolicLink(
        drm.resolve("card1/device"), Paths.get("../../../devices/pci0000:00/0000:03:00.0"));

    // card2: another vendor (Intel); must be skipped.
    file(drm.resolve("card2/device/vendor"), "0x8086\n");
    file(drm.resolve("card2/device/mem_info_vram_total"), "1\n");

    // card10: AMD with only power1_input (Linux 6.6+ on some GPUs), sorted after card2.
    file(drm.resolve("card10/device/vendor"), "0x1002\n");
    file(drm.resolve("card10/device/hwmon/hwmon7/power1_input"), "12500000\n");
    file(drm.resolve("card10/device/hwmon/hwmon7/temp1_input"), "38500\n");

    // Connectors and render nodes: not cards.
    file(drm.resolve("card0-DP-1/status"), "connected\n");
    file(drm.resolve("card1-HDMI-A-1/device/vendor"), "0x1002\n");
    file(drm.resolve("renderD128/device/vendor"), "0x1002\n");
    file(drm.resolve("version"), "drm 1.1.0 20060810\n");
    return drm;
  }

  /** Writes {@code content} to {@code file}, creating its directories. */
  static void file(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content.getBytes(StandardCharsets.UTF_8));
  }
}
