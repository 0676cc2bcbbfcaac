package io.hwledger.metal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Parses {@code macmon pipe} output: one JSON object per line (macmon by vladkens, {@code
 * readme.md} "Piping" section). {@code gpu_usage} is a pair {@code [frequency MHz, usage ratio
 * 0–1]}; temperatures sit under {@code temp}, memory under {@code memory}, powers at the top level
 * in watts. Unknown fields are ignored; missing ones are absent.
 */
public final class MacmonParser {

  private MacmonParser() {}

  /**
   * Every non-blank line of {@code output}, in order.
   *
   * @param output macmon's standard output, one JSON object per line
   * @return one sample per non-blank line; an unmodifiable list
   * @throws IllegalArgumentException naming the line, if one is not a macmon sample
   */
  public static List<MacmonSample> parseAll(String output) {
    List<MacmonSample> samples = new ArrayList<>();
    int lineNo = 0;
    for (String line : output.split("\r?\n", -1)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      try {
        samples.add(parseLine(line));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("macmon line " + lineNo + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(samples);
  }

  /**
   * One line of {@code macmon pipe}.
   *
   * @param line one JSON object
   * @return the fields this project reads, each absent when the line lacks it
   * @throws IllegalArgumentException if it is not a JSON object or a known field has the wrong type
   */
  public static MacmonSample parseLine(String line) {
    if (!(MiniJson.parse(line) instanceof Map<?, ?> root)) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    Map<?, ?> temp = object(root, "temp");
    Map<?, ?> memory = object(root, "memory");
    OptionalLong frequency = OptionalLong.empty();
    OptionalDouble usage = OptionalDouble.empty();
    Object gpu = root.get("gpu_usage");
    if (gpu != null && gpu != MiniJson.NULL) {
      if (!(gpu instanceof List<?> pair) || pair.size() != 2) {
        throw new IllegalArgumentException("gpu_usage is not a [MHz, ratio] pair: " + gpu);
      }
      frequency = wholeNumber("gpu_usage[0]", pair.get(0));
      OptionalDouble ratio = decimal("gpu_usage[1]", pair.get(1));
      if (ratio.isPresent()) {
        usage = OptionalDouble.of(ratio.getAsDouble() * 100.0);
      }
    }
    Object ts = root.get("timestamp");
    return new MacmonSample(
        ts instanceof String s ? Optional.of(s) : Optional.empty(),
        frequency,
        usage,
        decimal("temp.gpu_temp_avg", temp.get("gpu_temp_avg")),
        decimal("temp.cpu_temp_avg", temp.get("cpu_temp_avg")),
        decimal("gpu_power", root.get("gpu_power")),
        decimal("gpu_ram_power", root.get("gpu_ram_power")),
        decimal("sys_power", root.get("sys_power")),
        wholeNumber("memory.ram_total", memory.get("ram_total")),
        wholeNumber("memory.ram_usage", memory.get("ram_usage")));
  }

  private static Map<?, ?> object(Map<?, ?> root, String key) {
    Object v = root.get(key);
    if (v == null || v == MiniJson.NULL) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(key + " is not an object");
    }
    return m;
  }

  private static OptionalDouble decimal(String field, Object v) {
    if (v == null || v == MiniJson.NULL) {
      return OptionalDouble.empty();
    }
    if (!(v instanceof BigDecimal d)) {
      throw new IllegalArgumentException(field + " is not a number: " + v);
    }
    return OptionalDouble.of(d.doubleValue());
  }

  private static OptionalLong wholeNumber(String field, Object v) {
    if (v == null || v == MiniJson.NULL) {
      return OptionalLong.empty();
    }
    if (!(v instanceof BigDecimal d)) {
      throw new IllegalArgumentException(field + " is not a number: " + v);
    }
    try {
      return OptionalLong.of(d.longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(field + " is not a whole number: " + d, e);
    }
  }
}
