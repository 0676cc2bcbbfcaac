package io.hwledger.rocm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code rocm-smi --json} output: an object keyed by {@code cardN} whose values are objects
 * of strings. Keys drift between versions, so each metric has a list of known keys, tried in order;
 * other top-level keys ({@code system}) are ignored; {@code N/A} and unparsable values are absent.
 */
public final class RocmSmiJsonParser {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern CARD = Pattern.compile("card(\\d+)");

  static final List<String> VRAM_TOTAL = List.of("VRAM Total Memory (B)");
  static final List<String> VRAM_USED = List.of("VRAM Total Used Memory (B)");
  static final List<String> GPU_USE = List.of("GPU use (%)");
  static final List<String> TEMPERATURE =
      List.of(
          "Temperature (Sensor edge) (C)",
          "Temperature (Sensor junction) (C)",
          "Temperature (Sensor memory) (C)");
  static final List<String> POWER =
      List.of(
          "Average Graphics Package Power (W)",
          "Current Socket Graphics Package Power (W)",
          "Current Graphics Package Power (W)");
  static final List<String> NAME = List.of("Card Series", "Card series", "Device Name");
  static final List<String> UNIQUE_ID = List.of("Unique ID");
  static final List<String> PCI_BUS = List.of("PCI Bus");

  private RocmSmiJsonParser() {}

  /**
   * The GPUs in {@code json}, by card number.
   *
   * @param json the tool's whole standard output
   * @return one reading per {@code cardN} key, in card-number order; no name or PCI bus id here
   *     means the tool did not print one
   * @throws IOException if it is not JSON or not an object
   */
  public static List<AmdToolReading> parse(String json) throws IOException {
    JsonNode root = MAPPER.readTree(json);
    if (root == null || !root.isObject()) {
      throw new IOException("rocm-smi --json output is not a JSON object");
    }
    List<AmdToolReading> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      Matcher m = CARD.matcher(e.getKey());
      if (!m.matches() || !e.getValue().isObject()) {
        continue;
      }
      JsonNode card = e.getValue();
      out.add(
          new AmdToolReading(
              Integer.parseInt(m.group(1)),
              text(card, NAME),
              text(card, UNIQUE_ID),
              text(card, PCI_BUS).map(s -> s.toLowerCase(Locale.ROOT)),
              longValue(card, VRAM_TOTAL),
              longValue(card, VRAM_USED),
              doubleValue(card, GPU_USE),
              doubleValue(card, TEMPERATURE),
              doubleValue(card, POWER)));
    }
    out.sort(Comparator.comparingInt(AmdToolReading::index));
    return out;
  }

  private static Optional<String> text(JsonNode card, List<String> keys) {
    for (String key : keys) {
      JsonNode v = card.get(key);
      if (v != null && v.isValueNode() && !v.isNull()) {
        String s = v.asText().trim();
        if (!s.isEmpty() && !isNotAvailable(s)) {
          return Optional.of(s);
        }
      }
    }
    return Optional.empty();
  }

  private static OptionalLong longValue(JsonNode card, List<String> keys) {
    Optional<String> s = text(card, keys);
    if (s.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(new BigDecimal(s.get()).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      return OptionalLong.empty();
    }
  }

  private static OptionalDouble doubleValue(JsonNode card, List<String> keys) {
    for (String key : keys) {
      Optional<String> s = text(card, List.of(key));
      if (s.isPresent()) {
        try {
          return OptionalDouble.of(Double.parseDouble(s.get()));
        } catch (NumberFormatException e) {
          // try the next key
        }
      }
    }
    return OptionalDouble.empty();
  }

  static boolean isNotAvailable(String s) {
    String t = s.trim();
    return t.equalsIgnoreCase("N/A") || t.equalsIgnoreCase("[N/A]") || t.equalsIgnoreCase("NA");
  }
}
