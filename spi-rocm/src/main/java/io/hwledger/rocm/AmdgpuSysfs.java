package io.hwledger.rocm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads AMD GPUs from the amdgpu kernel driver's sysfs files under {@code
 * <root>/sys/class/drm/cardN/device/}; needs no ROCm installation. A file that is missing or
 * unreadable makes its metric absent, never 0.
 *
 * <p>Files and units (Linux kernel amdgpu documentation, "Memory information" and "HWMON
 * interfaces"): {@code vendor} ({@code 0x1002}), {@code mem_info_vram_total} and {@code
 * mem_info_vram_used} (bytes), {@code gpu_busy_percent} (%), {@code hwmon/hwmonM/temp1_input}
 * (millidegrees Celsius, edge), {@code power1_average} (microwatts; since Linux 6.6 some GPUs
 * expose only the instantaneous {@code power1_input}, which is used as fallback), {@code
 * freq1_input} / {@code freq2_input} (sclk / mclk, Hz), {@code unique_id}, {@code product_name}.
 */
public final class AmdgpuSysfs {
  /** System property that moves the sysfs root (default {@code /}). */
  public static final String ROOT_PROPERTY = "hwledger.sysfs.root";

  /** Environment variable that moves the sysfs root when the property is not set. */
  public static final String ROOT_ENV = "HWLEDGER_SYSFS_ROOT";

  static final String AMD_VENDOR_ID = "0x1002";

  private static final Pattern CARD = Pattern.compile("card(\\d+)");
  private static final Pattern HWMON = Pattern.compile("hwmon(\\d+)");
  private static final Pattern PCI_ADDRESS =
      Pattern.compile("[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]");

  private final Path root;

  /**
   * A reader of the sysfs tree under {@code root} (normally {@code /}).
   *
   * @param root the directory that holds {@code sys/}; tests pass a fake tree
   */
  public AmdgpuSysfs(Path root) {
    this.root = root;
  }

  /**
   * A reader rooted at {@link #ROOT_PROPERTY}, else {@link #ROOT_ENV}, else {@code /}.
   *
   * @return a reader of the configured root, read now
   */
  public static AmdgpuSysfs fromConfiguration() {
    return new AmdgpuSysfs(Paths.get(Config.setting(ROOT_PROPERTY, ROOT_ENV).orElse("/")));
  }

  /**
   * The root this reader was given.
   *
   * @return the directory that holds {@code sys/}
   */
  public Path root() {
    return root;
  }

  /**
   * The amdgpu driver's version from {@code sys/module/amdgpu/version}. Only the out-of-tree (DKMS,
   * ROCm installer) driver declares a {@code MODULE_VERSION}, so only it has this file; the in-tree
   * driver's version is the kernel's, which is not reported as a driver version here (ROCm SMI's
   * {@code rsmi_version_str_get} falls back to {@code uname} release in that case).
   *
   * @return the version, e.g. {@code 6.8.5}, or empty for the in-tree driver
   */
  public Optional<String> driverVersion() {
    return readString(root.resolve("sys/module/amdgpu/version"));
  }

  /** The {@code sys/class/drm} directory under the root. */
  Path drmDirectory() {
    return root.resolve("sys/class/drm");
  }

  /**
   * One amdgpu card: its DRM card number and its {@code device} directory.
   *
   * @param cardNumber N of {@code cardN}
   * @param deviceDirectory {@code sys/class/drm/cardN/device} under the root
   */
  public record Card(int cardNumber, Path deviceDirectory) {}

  /**
   * The AMD cards under {@code sys/class/drm}, by card number; connector directories ({@code
   * card0-DP-1}), render nodes ({@code renderD128}) and other vendors are skipped.
   *
   * @return the cards in card-number order; empty without a DRM directory or an AMD card
   * @throws IOException if the DRM directory exists but cannot be listed
   */
  public List<Card> scan() throws IOException {
    Path drm = drmDirectory();
    List<Card> cards = new ArrayList<>();
    if (!Files.isDirectory(drm)) {
      return cards;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(drm)) {
      for (Path entry : entries) {
        Matcher m = CARD.matcher(Objects.toString(entry.getFileName(), ""));
        if (!m.matches()) {
          continue;
        }
        Path device = entry.resolve("device");
        Optional<String> vendor = readString(device.resolve("vendor"));
        if (vendor.isPresent() && vendor.get().equalsIgnoreCase(AMD_VENDOR_ID)) {
          cards.add(new Card(Integer.parseInt(m.group(1)), device));
        }
      }
    }
    cards.sort(Comparator.comparingInt(Card::cardNumber));
    return cards;
  }

  /**
   * VRAM in total, bytes.
   *
   * @param card a card from {@link #scan()}
   * @return {@code mem_info_vram_total}, bytes, or empty
   */
  public static OptionalLong vramTotalBytes(Card card) {
    return readLong(card.deviceDirectory().resolve("mem_info_vram_total"));
  }

  /**
   * VRAM in use, bytes.
   *
   * @param card a card from {@link #scan()}
   * @return {@code mem_info_vram_used}, bytes, or empty
   */
  public static OptionalLong vramUsedBytes(Card card) {
    return readLong(card.deviceDirectory().resolve("mem_info_vram_used"));
  }

  /**
   * GPU busy, percent.
   *
   * @param card a card from {@link #scan()}
   * @return {@code gpu_busy_percent}, 0–100, or empty
   */
  public static OptionalDouble busyPercent(Card card) {
    OptionalLong v = readLong(card.deviceDirectory().resolve("gpu_busy_percent"));
    return v.isPresent() ? OptionalDouble.of((double) v.getAsLong()) : OptionalDouble.empty();
  }

  /**
   * Edge temperature, degrees Celsius ({@code temp1_input} is in millidegrees).
   *
   * @param card a card from {@link #scan()}
   * @return the edge temperature, °C, or empty
   */
  public static OptionalDouble temperatureC(Card card) {
    return scaled(hwmonLong(card, "temp1_input"), 1000.0);
  }

  /**
   * Power, watts: {@code power1_average}, else {@code power1_input} (both microwatts; most GPUs
   * offer only one of the two).
   *
   * @param card a card from {@link #scan()}
   * @return the power draw, watts, or empty
   */
  public static OptionalDouble powerWatts(Card card) {
    OptionalLong microwatts = hwmonLong(card, "power1_average");
    if (microwatts.isEmpty()) {
      microwatts = hwmonLong(card, "power1_input");
    }
    return scaled(microwatts, 1_000_000.0);
  }

  /**
   * Graphics (sclk) clock, MHz, from {@code freq1_input} in Hz.
   *
   * @param card a card from {@link #scan()}
   * @return the clock, whole MHz (rounded down), or empty
   */
  public static OptionalLong graphicsClockMhz(Card card) {
    return hz(hwmonLong(card, "freq1_input"));
  }

  /**
   * Memory (mclk) clock, MHz, from {@code freq2_input} in Hz.
   *
   * @param card a card from {@link #scan()}
   * @return the clock, whole MHz (rounded down), or empty
   */
  public static OptionalLong memoryClockMhz(Card card) {
    return hz(hwmonLong(card, "freq2_input"));
  }

  /**
   * The product name ({@code product_name}, newer GPUs only).
   *
   * @param card a card from {@link #scan()}
   * @return the name, e.g. {@code AMD Instinct MI300X}, or empty
   */
  public static Optional<String> productName(Card card) {
    return readString(card.deviceDirectory().resolve("product_name"));
  }

  /**
   * The PCI device id ({@code device}, e.g. {@code 0x744c}).
   *
   * @param card a card from {@link #scan()}
   * @return the id as the file has it, or empty
   */
  public static Optional<String> pciDeviceId(Card card) {
    return readString(card.deviceDirectory().resolve("device"));
  }

  /**
   * The GPU's {@code unique_id} (hex), where the GPU has one.
   *
   * @param card a card from {@link #scan()}
   * @return the id as the file has it, or empty
   */
  public static Optional<String> uniqueId(Card card) {
    return readString(card.deviceDirectory().resolve("unique_id"));
  }

  /**
   * The PCI address ({@code 0000:03:00.0}): {@code PCI_SLOT_NAME} in {@code uevent}, else the last
   * element of the {@code device} symlink's target.
   *
   * @param card a card from {@link #scan()}
   * @return the address in lower case, or empty if neither gives a valid one
   */
  public static Optional<String> pciAddress(Card card) {
    Path device = card.deviceDirectory();
    Optional<String> uevent = readString(device.resolve("uevent"));
    if (uevent.isPresent()) {
      for (String line : uevent.get().split("\n", -1)) {
        if (line.startsWith("PCI_SLOT_NAME=")) {
          String value = line.substring("PCI_SLOT_NAME=".length()).trim();
          if (PCI_ADDRESS.matcher(value).matches()) {
            return Optional.of(value.toLowerCase(Locale.ROOT));
          }
        }
      }
    }
    try {
      if (Files.isSymbolicLink(device)) {
        Path target = Files.readSymbolicLink(device).getFileName();
        if (target != null && PCI_ADDRESS.matcher(target.toString()).matches()) {
          return Optional.of(target.toString().toLowerCase(Locale.ROOT));
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** The first {@code hwmon/hwmonM} directory of the card, by M. */
  static Optional<Path> hwmonDirectory(Card card) {
    Path hwmon = card.deviceDirectory().resolve("hwmon");
    if (!Files.isDirectory(hwmon)) {
      return Optional.empty();
    }
    Path best = null;
    int bestNumber = Integer.MAX_VALUE;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(hwmon)) {
      for (Path entry : entries) {
        Matcher m = HWMON.matcher(Objects.toString(entry.getFileName(), ""));
        if (m.matches() && Files.isDirectory(entry)) {
          int n = Integer.parseInt(m.group(1));
          if (n < bestNumber) {
            bestNumber = n;
            best = entry;
          }
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.ofNullable(best);
  }

  private static OptionalLong hwmonLong(Card card, String file) {
    Optional<Path> dir = hwmonDirectory(card);
    return dir.isPresent() ? readLong(dir.get().resolve(file)) : OptionalLong.empty();
  }

  private static OptionalDouble scaled(OptionalLong raw, double divisor) {
    return raw.isPresent()
        ? OptionalDouble.of((double) raw.getAsLong() / divisor)
        : OptionalDouble.empty();
  }

  private static OptionalLong hz(OptionalLong raw) {
    return raw.isPresent() ? OptionalLong.of(raw.getAsLong() / 1_000_000L) : OptionalLong.empty();
  }

  /** The trimmed content of {@code file}; empty if missing, unreadable or blank. */
  static Optional<String> readString(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  /** The decimal number in {@code file}; empty if missing, unreadable or not a number. */
  static OptionalLong readLong(Path file) {
    Optional<String> s = readString(file);
    if (s.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(s.get()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
