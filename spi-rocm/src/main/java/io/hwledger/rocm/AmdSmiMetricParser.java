package io.hwledger.rocm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code amd-smi metric --json} output across schema versions:
 *
 * <ul>
 *   <li>a top-level array of GPUs (ROCm 6.1–6.3) or an object with a {@code gpu_data} array (later
 *       amd-smi);
 *   <li>each value either {@code {"value": 16368, "unit": "MB"}}, a bare number (older tools, in
 *       the metric's default unit: MB, %, °C, W), a string such as {@code "16368 MB"}, or {@code
 *       "N/A"} (absent).
 * </ul>
 *
 * amd-smi's MB are MiB (a 16 GiB card reports 16368 MB).
 */
public final class AmdSmiMetricParser {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  // possessive between number and unit: a long run of spaces is taken once, so matching is linear
  private static final Pattern NUMBER_UNIT =
      Pattern.compile("\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s*+([A-Za-z%°]*)\\s*");

  private AmdSmiMetricParser() {}

  /**
   * The GPUs in {@code json}, by index.
   *
   * @param json the tool's whole standard output
   * @return one reading per GPU, in index order; {@code amd-smi metric} prints no name, unique id
   *     or PCI bus id, so those are always empty
   * @throws IOException if it is not JSON or has neither shape
   */
  public static List<AmdToolReading> parse(String json) throws IOException {
    JsonNode root = MAPPER.readTree(json);
    JsonNode gpus = root;
    if (root != null && root.isObject() && root.has("gpu_data")) {
      gpus = root.get("gpu_data");
    }
    if (gpus == null || !gpus.isArray()) {
      throw new IOException("amd-smi metric --json output has no GPU array");
    }
    List<AmdToolReading> out = new ArrayList<>();
    int position = 0;
    for (JsonNode gpu : gpus) {
      int index = gpu.path("gpu").isInt() ? gpu.path("gpu").asInt() : position;
      position++;
      JsonNode mem = gpu.path("mem_usage");
      JsonNode usage = gpu.path("usage");
      JsonNode power = gpu.path("power");
      JsonNode temp = gpu.path("temperature");
      out.add(
          new AmdToolReading(
              index,
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              bytes(mem.path("total_vram")),
              bytes(mem.path("used_vram")),
              first(quantity(usage.path("gfx_activity"), "%")),
              first(
                  quantity(temp.path("edge"), "C"),
                  quantity(temp.path("hotspot"), "C"),
                  quantity(temp.path("junction"), "C")),
              first(
                  quantity(power.path("socket_power"), "W"),
                  quantity(power.path("average_socket_power"), "W"),
                  quantity(power.path("current_socket_power"), "W"))));
    }
    out.sort(Comparator.comparingInt(AmdToolReading::index));
    return out;
  }

  private static OptionalDouble first(OptionalDouble... values) {
    for (OptionalDouble v : values) {
      if (v.isPresent()) {
        return v;
      }
    }
    return OptionalDouble.empty();
  }

  /** A number and its unit from any of the shapes; empty for N/A, missing or malformed. */
  private record Quantity(double value, String unit) {}

  private static Optional<Quantity> read(JsonNode node, String defaultUnit) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return Optional.empty();
    }
    if (node.isObject()) {
      JsonNode value = node.get("value");
      JsonNode unit = node.get("unit");
      String u = unit != null && unit.isTextual() ? unit.asText().trim() : defaultUnit;
      if (value == null) {
        return Optional.empty();
      }
      if (value.isNumber()) {
        return Optional.of(new Quantity(value.asDouble(), u));
      }
      return value.isTextual() ? parseText(value.asText(), u) : Optional.empty();
    }
    if (node.isNumber()) {
      return Optional.of(new Quantity(node.asDouble(), defaultUnit));
    }
    if (node.isTextual()) {
      return parseText(node.asText(), defaultUnit);
    }
    return Optional.empty();
  }

  private static Optional<Quantity> parseText(String text, String defaultUnit) {
    if (RocmSmiJsonParser.isNotAvailable(text)) {
      return Optional.empty();
    }
    Matcher m = NUMBER_UNIT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    String unit = m.group(2).isEmpty() ? defaultUnit : m.group(2);
    return Optional.of(new Quantity(Double.parseDouble(m.group(1)), unit));
  }

  private static OptionalDouble quantity(JsonNode node, String defaultUnit) {
    Optional<Quantity> q = read(node, defaultUnit);
    return q.isPresent() ? OptionalDouble.of(q.get().value()) : OptionalDouble.empty();
  }

  private static OptionalLong bytes(JsonNode node) {
    Optional<Quantity> q = read(node, "MB");
    if (q.isEmpty()) {
      return OptionalLong.empty();
    }
    long factor =
        switch (q.get().unit().toUpperCase(Locale.ROOT)) {
          case "B" -> 1L;
          case "KB", "KIB" -> 1L << 10;
          case "MB", "MIB" -> 1L << 20;
          case "GB", "GIB" -> 1L << 30;
          default -> 0L;
        };
    if (factor == 0L) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.round(q.get().value() * factor));
  }
}
