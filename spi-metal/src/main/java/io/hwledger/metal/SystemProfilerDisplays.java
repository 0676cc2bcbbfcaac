package io.hwledger.metal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the output of {@code system_profiler SPDisplaysDataType -json}, which a Mac answers
 * without an agent: one entry per GPU under {@code "SPDisplaysDataType"}. Keys read: {@code
 * sppci_model} (else {@code _name}), {@code spdisplays_vendor}, {@code sppci_cores}, {@code
 * spdisplays_vram} or {@code _spdisplays_vram} (such as {@code "8 GB"}; macOS 10.13 writes the
 * underscored one), {@code sppci_bus} ({@code spdisplays_builtin} or {@code spdisplays_pcie}).
 * Apple silicon prints no VRAM: its GPU uses the unified memory ({@code sysctl -n hw.memsize}).
 */
public final class SystemProfilerDisplays {

  /** The read-only command whose output {@link #parse(String)} reads. */
  public static final List<String> COMMAND =
      List.of("system_profiler", "SPDisplaysDataType", "-json");

  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(MB|GB|TB)");
  private static final String VENDOR_PREFIX = "sppci_vendor_";

  private SystemProfilerDisplays() {}

  /**
   * One GPU as system_profiler lists it.
   *
   * @param name the model ({@code Apple M1}, {@code AMD Radeon Pro 5500M})
   * @param vendor the vendor without system_profiler's {@code sppci_vendor_} prefix ({@code
   *     Apple}), where printed
   * @param cores GPU cores ({@code sppci_cores}), where printed (Apple silicon)
   * @param vramBytes dedicated memory, bytes (MB and GB read as 2^20 and 2^30), where printed
   * @param builtIn whether {@code sppci_bus} says built in (an SoC or on-board GPU), not PCIe
   */
  public record Gpu(
      String name,
      Optional<String> vendor,
      OptionalInt cores,
      OptionalLong vramBytes,
      boolean builtIn) {

    /**
     * Checks that nothing is null.
     *
     * @param name the model
     * @param vendor the vendor, if printed
     * @param cores GPU cores, if printed
     * @param vramBytes dedicated memory in bytes, if printed
     * @param builtIn whether it is built in
     */
    public Gpu {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(vendor, "vendor");
      Objects.requireNonNull(cores, "cores");
      Objects.requireNonNull(vramBytes, "vramBytes");
    }
  }

  /**
   * Parses the tool's whole output.
   *
   * @param json the tool's standard output
   * @return the GPUs in the order printed; an unmodifiable list
   * @throws IllegalArgumentException if it is not JSON, has no {@code SPDisplaysDataType} array, or
   *     an entry has no name
   */
  public static List<Gpu> parse(String json) {
    Objects.requireNonNull(json, "json");
    Object root = MiniJson.parse(json);
    Object items = root instanceof Map<?, ?> m ? m.get("SPDisplaysDataType") : null;
    if (!(items instanceof List<?> list)) {
      throw new IllegalArgumentException(
          "system_profiler output has no \"SPDisplaysDataType\" array");
    }
    List<Gpu> gpus = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      int index = i;
      if (!(list.get(i) instanceof Map<?, ?> entry)) {
        throw new IllegalArgumentException("SPDisplaysDataType entry " + i + " is not an object");
      }
      String name =
          text(entry, "sppci_model")
              .or(() -> text(entry, "_name"))
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "SPDisplaysDataType entry " + index + " has no name"));
      gpus.add(
          new Gpu(
              name,
              text(entry, "spdisplays_vendor").map(SystemProfilerDisplays::vendor),
              cores(entry),
              text(entry, "spdisplays_vram")
                  .or(() -> text(entry, "_spdisplays_vram"))
                  .map(SystemProfilerDisplays::bytes)
                  .orElse(OptionalLong.empty()),
              text(entry, "sppci_bus").map("spdisplays_builtin"::equals).orElse(false)));
    }
    return List.copyOf(gpus);
  }

  private static Optional<String> text(Map<?, ?> entry, String key) {
    return entry.get(key) instanceof String s && !s.isBlank()
        ? Optional.of(s.strip())
        : Optional.empty();
  }

  private static String vendor(String raw) {
    return raw.startsWith(VENDOR_PREFIX) ? raw.substring(VENDOR_PREFIX.length()) : raw;
  }

  private static OptionalInt cores(Map<?, ?> entry) {
    Optional<String> text = text(entry, "sppci_cores");
    if (text.isEmpty()) {
      return OptionalInt.empty();
    }
    try {
      int n = Integer.parseInt(text.get());
      return n >= 0 ? OptionalInt.of(n) : OptionalInt.empty();
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** {@code "8 GB"} or {@code "1536 MB"} in bytes; empty for anything else. */
  static OptionalLong bytes(String text) {
    Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    int shift =
        switch (m.group(2)) {
          case "MB" -> 20;
          case "GB" -> 30;
          default -> 40;
        };
    try {
      return OptionalLong.of(
          new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift)).longValueExact());
    } catch (ArithmeticException e) {
      return OptionalLong.empty();
    }
  }
}
