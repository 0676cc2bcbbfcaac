package io.hwledger.math;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One real engine startup log of the corpus in {@code enginelogs/}: a header of {@code # key:
 * value} lines (its source, engine version, GPU, model, flags, FIT or HELD-OUT, category, the
 * planner's inputs under {@code plan:} and {@code settings:}, the logged figures under {@code
 * expect:}, the checks that must be exact under {@code exact:}) and the quoted log lines.
 *
 * @param file the resource's file name
 * @param header the header's values by key
 * @param plan the planner's inputs ({@code model}, {@code weights}, {@code kv}, {@code context},
 *     {@code gpu-gib}, {@code tp}, {@code pp})
 * @param settings the engine's settings, by the names of its {@code --engine-setting}s
 * @param expect the logged figures by name ({@code kv-tokens}, {@code kv-gib}, {@code weights-gib},
 *     {@code kv-mib}, {@code params-b}, ...)
 */
record EngineLog(
    String file,
    Map<String, String> header,
    Map<String, String> plan,
    Map<String, String> settings,
    Map<String, Double> expect) {
  private static final String DIRECTORY = "/io/hwledger/math/enginelogs/";

  /** Every log the corpus index names, in index order. */
  static List<EngineLog> all() {
    List<EngineLog> logs = new ArrayList<>();
    for (String name : lines(DIRECTORY + "index.txt")) {
      if (!name.isBlank()) {
        logs.add(parse(name.trim(), lines(DIRECTORY + name.trim())));
      }
    }
    return List.copyOf(logs);
  }

  static EngineLog parse(String file, List<String> lines) {
    Map<String, String> header = new LinkedHashMap<>();
    for (String line : lines) {
      if (!line.startsWith("# ")) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(file + ": header line without a key: " + line);
      }
      header.put(line.substring(2, colon).trim(), line.substring(colon + 1).trim());
    }
    for (String key : List.of("id", "split", "engine", "source", "category", "plan", "expect")) {
      if (!header.containsKey(key)) {
        throw new IllegalArgumentException(file + ": header has no '" + key + "'");
      }
    }
    String split = header.get("split");
    if (!split.equals("FIT") && !split.equals("HELD-OUT")) {
      throw new IllegalArgumentException(file + ": split must be FIT or HELD-OUT, was " + split);
    }
    Map<String, Double> expect = new LinkedHashMap<>();
    pairs(file, header.get("expect")).forEach((k, v) -> expect.put(k, Double.valueOf(v)));
    return new EngineLog(
        file,
        header,
        pairs(file, header.get("plan")),
        pairs(file, header.getOrDefault("settings", "")),
        expect);
  }

  private static Map<String, String> pairs(String file, String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : text.trim().split("\\s+")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(file + ": expected key=value, was " + pair);
      }
      values.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return values;
  }

  private static List<String> lines(String resource) {
    try (InputStream in =
            Objects.requireNonNull(
                EngineLog.class.getResourceAsStream(resource), "no resource " + resource);
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String id() {
    return header.get("id");
  }

  String engine() {
    return header.get("engine");
  }

  boolean heldOut() {
    return header.get("split").equals("HELD-OUT");
  }

  String category() {
    return header.get("category");
  }

  /** Whether the header's {@code exact:} line names {@code check}. */
  boolean exact(String check) {
    String names = header.getOrDefault("exact", "none").split("\\(", 2)[0];
    return List.of(names.trim().split("[\\s,]+")).contains(check);
  }

  Optional<Double> expected(String name) {
    return Optional.ofNullable(expect.get(name));
  }

  @Override
  public String toString() {
    return id();
  }
}
