package io.hwledger.nvidia;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Parses the output of {@code nvidia-smi --query-gpu=}{@value #QUERY} {@code
 * --format=csv,noheader,nounits}: one line per GPU, fields separated by {@code ", "}, memory in
 * MiB, utilisation in %, temperature in °C, power in W. A field the GPU or driver cannot report
 * reads {@code [N/A]}, {@code [Not Supported]} (or, in older drivers, {@code N/A}); it is parsed as
 * absent, never 0. Blank lines are skipped; any other malformed line is an error that names the
 * line.
 */
public final class NvidiaSmiCsv {

  /** The fields queried, in order. */
  public static final String QUERY =
      "index,uuid,name,memory.total,memory.used,memory.free,utilization.gpu,temperature.gpu,"
          + "power.draw";

  private static final int FIELDS = 9;
  private static final long MIB = 1024L * 1024L;

  private NvidiaSmiCsv() {}

  /**
   * One GPU's line.
   *
   * @param index nvidia-smi's index
   * @param uuid the {@code GPU-…} UUID
   * @param name the product name
   * @param memoryTotalBytes total memory (MiB converted to bytes), if reported
   * @param memoryUsedBytes used memory, bytes, driver-reserved memory included, if reported
   * @param memoryFreeBytes free memory, bytes, if reported
   * @param utilizationPercent GPU utilisation, %, if reported
   * @param temperatureC GPU temperature, °C, if reported
   * @param powerWatts power draw, W, if reported
   */
  public record Row(
      int index,
      String uuid,
      String name,
      OptionalLong memoryTotalBytes,
      OptionalLong memoryUsedBytes,
      OptionalLong memoryFreeBytes,
      OptionalDouble utilizationPercent,
      OptionalDouble temperatureC,
      OptionalDouble powerWatts) {

    /**
     * Checks that nothing is null.
     *
     * @param index nvidia-smi's index
     * @param uuid the UUID
     * @param name the product name
     * @param memoryTotalBytes total memory, bytes, if reported
     * @param memoryUsedBytes used memory, bytes, if reported
     * @param memoryFreeBytes free memory, bytes, if reported
     * @param utilizationPercent utilisation, %, if reported
     * @param temperatureC temperature, °C, if reported
     * @param powerWatts power draw, W, if reported
     */
    public Row {
      Objects.requireNonNull(uuid, "uuid");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(memoryTotalBytes, "memoryTotalBytes");
      Objects.requireNonNull(memoryUsedBytes, "memoryUsedBytes");
      Objects.requireNonNull(memoryFreeBytes, "memoryFreeBytes");
      Objects.requireNonNull(utilizationPercent, "utilizationPercent");
      Objects.requireNonNull(temperatureC, "temperatureC");
      Objects.requireNonNull(powerWatts, "powerWatts");
    }
  }

  /**
   * Parses the tool's whole output.
   *
   * @param output the tool's standard output, one line per GPU
   * @return one row per non-blank line, in the tool's order; an unmodifiable list
   * @throws IllegalArgumentException naming the line number and text of a malformed line
   */
  public static List<Row> parse(String output) {
    return parseLines(output, NvidiaSmiCsv::parseLine);
  }

  /**
   * Each non-blank line of {@code output}, stripped, through {@code parseLine}; a line it rejects
   * with {@link IllegalArgumentException} fails the whole output, naming the line.
   */
  static <T> List<T> parseLines(String output, Function<String, Optional<T>> parseLine) {
    List<T> rows = new ArrayList<>();
    List<String> lines = output.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      try {
        parseLine.apply(line).ifPresent(rows::add);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "nvidia-smi output line " + (i + 1) + " (\"" + line + "\"): " + e.getMessage(), e);
      }
    }
    return List.copyOf(rows);
  }

  /** The {@code count} comma-separated fields of {@code line}, stripped. */
  static String[] fields(String line, int count) {
    String[] fields = line.split(",", -1);
    if (fields.length != count) {
      throw new IllegalArgumentException(
          "expected " + count + " comma-separated fields, found " + fields.length);
    }
    for (int i = 0; i < fields.length; i++) {
      fields[i] = fields[i].strip();
    }
    return fields;
  }

  private static Optional<Row> parseLine(String line) {
    String[] fields = fields(line, FIELDS);
    int index;
    try {
      index = Integer.parseInt(fields[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("index is not an integer: \"" + fields[0] + "\"", e);
    }
    if (index < 0) {
      throw new IllegalArgumentException("index is negative: " + index);
    }
    if (isUnavailable(fields[1])) {
      throw new IllegalArgumentException("uuid is missing");
    }
    return Optional.of(
        new Row(
            index,
            fields[1],
            isUnavailable(fields[2]) ? "NVIDIA GPU" : fields[2],
            mebibytes("memory.total", fields[3]),
            mebibytes("memory.used", fields[4]),
            mebibytes("memory.free", fields[5]),
            number("utilization.gpu", fields[6]),
            number("temperature.gpu", fields[7]),
            number("power.draw", fields[8])));
  }

  /** {@code [N/A]}, {@code [Not Supported]}, {@code [Unknown Error]}, {@code N/A} or empty. */
  static boolean isUnavailable(String field) {
    String value = field.toLowerCase(Locale.ROOT);
    return value.isEmpty()
        || (value.startsWith("[") && value.endsWith("]"))
        || value.equals("n/a")
        || value.equals("not supported");
  }

  private static OptionalDouble number(String name, String field) {
    if (isUnavailable(field)) {
      return OptionalDouble.empty();
    }
    try {
      double value = Double.parseDouble(field);
      if (!Double.isFinite(value)) {
        throw new NumberFormatException("not finite");
      }
      return OptionalDouble.of(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: \"" + field + "\"", e);
    }
  }

  static OptionalLong mebibytes(String name, String field) {
    if (isUnavailable(field)) {
      return OptionalLong.empty();
    }
    try {
      long mib = Long.parseLong(field);
      if (mib < 0) {
        throw new NumberFormatException("negative");
      }
      return OptionalLong.of(Math.multiplyExact(mib, MIB));
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(name + " is not a MiB count: \"" + field + "\"", e);
    }
  }
}
