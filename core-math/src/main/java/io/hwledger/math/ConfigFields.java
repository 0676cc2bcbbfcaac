package io.hwledger.math;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.ModelConfigException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Typed access to the fields of one {@code config.json} object, by canonical name and aliases.
 *
 * <p>A field that is absent or JSON {@code null} counts as missing. When it is missing, the value
 * comes from the model type's configuration-class defaults given to the constructor, if that class
 * defines one; otherwise the {@code require*} methods throw a {@link ModelConfigException} naming
 * the field and its aliases. Wrong types, non-positive counts and values that overflow an {@code
 * int} are errors naming the field as spelled in the file and the value found.
 */
final class ConfigFields {

  /** A field: its canonical name and the aliases read in its place, in order of preference. */
  static final class Key {
    final String name;
    final List<String> aliases;
    private final List<String> names;

    private Key(String name, List<String> aliases) {
      this.name = name;
      this.aliases = aliases;
      List<String> all = new ArrayList<>(aliases.size() + 1);
      all.add(name);
      all.addAll(aliases);
      this.names = List.copyOf(all);
    }

    static Key of(String name, String... aliases) {
      return new Key(name, List.of(aliases));
    }

    /** Names to look up, canonical first; a dotted name reads a nested object. */
    List<String> names() {
      return names;
    }

    String describe() {
      return aliases.isEmpty()
          ? "'" + name + "'"
          : "'" + name + "' (also read as " + String.join(", ", aliases) + ")";
    }
  }

  // Aliases of REFERENCES.md §1 (config field aliases seen in public configs).
  static final Key LAYERS = Key.of("num_hidden_layers", "n_layer", "n_layers", "num_layers");
  static final Key HIDDEN = Key.of("hidden_size", "n_embd", "d_model", "dim");
  static final Key HEADS = Key.of("num_attention_heads", "n_head", "n_heads", "num_heads");
  static final Key KV_HEADS =
      Key.of(
          "num_key_value_heads",
          "n_head_kv",
          "num_kv_heads",
          "n_kv_heads",
          "multi_query_group_num",
          "attn_config.kv_n_heads");
  static final Key HEAD_DIM = Key.of("head_dim", "kv_channels", "d_kv");
  static final Key FFN = Key.of("intermediate_size", "ffn_hidden_size", "n_inner", "hidden_dim");
  static final Key VOCAB = Key.of("vocab_size");
  static final Key CONTEXT =
      Key.of("max_position_embeddings", "n_positions", "max_seq_len", "seq_length");
  static final Key TIE = Key.of("tie_word_embeddings", "tie_embeddings");
  static final Key DTYPE = Key.of("torch_dtype", "dtype");
  static final Key SLIDING_WINDOW = Key.of("sliding_window");

  private final JsonNode node;
  private final String source;
  private final Map<String, Object> defaults;

  /**
   * @param node the JSON object read
   * @param source the file name used in messages, e.g. {@code config.json}
   * @param defaults configuration-class defaults by canonical name: {@code Integer}, {@code Long},
   *     {@code Boolean} or {@code String}
   */
  ConfigFields(JsonNode node, String source, Map<String, Object> defaults) {
    this.node = node;
    this.source = source;
    this.defaults = defaults;
  }

  String source() {
    return source;
  }

  JsonNode node() {
    return node;
  }

  ModelConfigException error(String message) {
    return new ModelConfigException(source + ": " + message);
  }

  /** The first present, non-null value among the key's names, with the name it was found under. */
  Optional<Found> find(Key key) {
    for (String name : key.names()) {
      JsonNode value = lookup(node, name);
      if (value != null && !value.isNull()) {
        return Optional.of(new Found(name, value));
      }
    }
    return Optional.empty();
  }

  /**
   * The configuration-class default for a missing key, or null. A key written as JSON {@code null}
   * is Python's {@code None} and gets no default.
   */
  private Object defaultFor(Key key) {
    for (String name : key.names()) {
      JsonNode value = lookup(node, name);
      if (value != null && value.isNull()) {
        return null;
      }
    }
    return defaults.get(key.name);
  }

  /** Whether any of the key's names is present with a non-null value. */
  boolean has(Key key) {
    return find(key).isPresent();
  }

  boolean has(String name) {
    return has(Key.of(name));
  }

  private static JsonNode lookup(JsonNode object, String dottedName) {
    if (dottedName.indexOf('.') < 0) {
      return object.get(dottedName);
    }
    JsonNode current = object;
    for (String part : dottedName.split("\\.", -1)) {
      if (current == null || !current.isObject()) {
        return null;
      }
      current = current.get(part);
    }
    return current;
  }

  /** A value found under {@code name}. */
  static final class Found {
    final String name;
    final JsonNode value;

    Found(String name, JsonNode value) {
      this.name = name;
      this.value = value;
    }
  }

  // ---- integers ----

  /** A positive integer that must be present (or defaulted by the configuration class). */
  int requireInt(Key key) {
    OptionalInt value = optInt(key);
    if (value.isEmpty()) {
      throw missing(key);
    }
    return value.getAsInt();
  }

  int requireInt(String name) {
    return requireInt(Key.of(name));
  }

  /** A positive integer, or empty when missing and not defaulted. */
  OptionalInt optInt(Key key) {
    OptionalLong value = optLong(key);
    if (value.isEmpty()) {
      return OptionalInt.empty();
    }
    long v = value.getAsLong();
    if (v > Integer.MAX_VALUE) {
      throw error(foundName(key) + " is too large, was " + v);
    }
    return OptionalInt.of((int) v);
  }

  OptionalInt optInt(String name) {
    return optInt(Key.of(name));
  }

  /** A non-negative integer, or empty when missing and not defaulted. */
  OptionalInt optNonNegativeInt(Key key) {
    Optional<Found> found = find(key);
    if (found.isEmpty()) {
      Object d = defaultFor(key);
      return d == null ? OptionalInt.empty() : OptionalInt.of(((Number) d).intValue());
    }
    long v = integral(found.get());
    if (v < 0) {
      throw error("'" + found.get().name + "' must not be negative, was " + v);
    }
    if (v > Integer.MAX_VALUE) {
      throw error("'" + found.get().name + "' is too large, was " + v);
    }
    return OptionalInt.of((int) v);
  }

  /**
   * Checks {@code value}, read from {@code key}, against a stated limit before anything is
   * allocated per unit of it.
   *
   * @throws ModelConfigException naming the field as spelled in the file, the value and the limit
   */
  void atMost(Key key, long value, long limit, String unit) {
    if (value > limit) {
      throw error(
          foundName(key) + " is " + value + ", more than the limit of " + limit + " " + unit);
    }
  }

  long requireLong(Key key) {
    OptionalLong value = optLong(key);
    if (value.isEmpty()) {
      throw missing(key);
    }
    return value.getAsLong();
  }

  /** A positive long integer, or empty when missing and not defaulted. */
  OptionalLong optLong(Key key) {
    Optional<Found> found = find(key);
    if (found.isEmpty()) {
      Object d = defaultFor(key);
      return d == null ? OptionalLong.empty() : OptionalLong.of(((Number) d).longValue());
    }
    long v = integral(found.get());
    if (v <= 0) {
      throw error("'" + found.get().name + "' must be positive, was " + v);
    }
    return OptionalLong.of(v);
  }

  private String foundName(Key key) {
    return find(key).map(f -> "'" + f.name + "'").orElse("'" + key.name + "'");
  }

  /** The value as an exact integer; integral floating-point values such as 4096.0 are accepted. */
  long integral(Found found) {
    JsonNode v = found.value;
    if (!v.isNumber()) {
      throw error("'" + found.name + "' must be an integer, was " + v);
    }
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) {
        throw error("'" + found.name + "' is too large, was " + v);
      }
      return v.asLong();
    }
    double d = v.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d)) {
      throw error("'" + found.name + "' must be an integer, was " + v);
    }
    BigDecimal exact = v.decimalValue();
    try {
      return exact.longValueExact();
    } catch (ArithmeticException e) {
      throw error("'" + found.name + "' is too large, was " + v);
    }
  }

  /** A list of non-negative integers (e.g. {@code mlp_only_layers}); empty when missing. */
  List<Integer> intList(Key key) {
    Optional<Found> found = find(key);
    if (found.isEmpty()) {
      return List.of();
    }
    JsonNode v = found.get().value;
    if (!v.isArray()) {
      throw error("'" + found.get().name + "' must be a list of integers, was " + v);
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode e : v) {
      long n = integral(new Found(found.get().name, e));
      if (n < 0 || n > Integer.MAX_VALUE) {
        throw error("'" + found.get().name + "' entries must be layer indices, was " + n);
      }
      out.add((int) n);
    }
    return out;
  }

  // ---- booleans and strings ----

  /** A boolean, the configuration-class default when missing, or {@code fallback} otherwise. */
  boolean bool(Key key, boolean fallback) {
    Optional<Found> found = find(key);
    if (found.isEmpty()) {
      Object d = defaultFor(key);
      return d == null ? fallback : (Boolean) d;
    }
    JsonNode v = found.get().value;
    if (!v.isBoolean()) {
      throw error("'" + found.get().name + "' must be true or false, was " + v);
    }
    return v.booleanValue();
  }

  boolean bool(String name, boolean fallback) {
    return bool(Key.of(name), fallback);
  }

  /** A boolean that must be present (or defaulted). */
  boolean requireBool(Key key) {
    Optional<Found> found = find(key);
    if (found.isEmpty() && defaultFor(key) == null) {
      throw missing(key);
    }
    return bool(key, false);
  }

  Optional<String> optString(Key key) {
    Optional<Found> found = find(key);
    if (found.isEmpty()) {
      Object d = defaultFor(key);
      return d == null ? Optional.empty() : Optional.of(d.toString());
    }
    JsonNode v = found.get().value;
    if (!v.isTextual()) {
      throw error("'" + found.get().name + "' must be a string, was " + v);
    }
    return Optional.of(v.textValue());
  }

  Optional<String> optString(String name) {
    return optString(Key.of(name));
  }

  /** A list of strings (e.g. {@code layer_types}); empty when missing. */
  Optional<List<String>> stringList(Key key) {
    Optional<Found> found = find(key);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    JsonNode v = found.get().value;
    if (!v.isArray()) {
      throw error("'" + found.get().name + "' must be a list of strings, was " + v);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw error("'" + found.get().name + "' entries must be strings, was " + e);
      }
      out.add(e.textValue());
    }
    return Optional.of(out);
  }

  /** A finite positive number (e.g. a RoPE scaling factor), or empty when missing. */
  Optional<Double> optPositiveDouble(String name) {
    Optional<Found> found = find(Key.of(name));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    JsonNode v = found.get().value;
    if (!v.isNumber() || !Double.isFinite(v.doubleValue()) || v.doubleValue() <= 0) {
      throw error("'" + found.get().name + "' must be a positive number, was " + v);
    }
    return Optional.of(v.doubleValue());
  }

  /** A nested object, or empty when missing or null. */
  Optional<ConfigFields> object(String name) {
    Optional<Found> found = find(Key.of(name));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    if (!found.get().value.isObject()) {
      throw error("'" + name + "' must be an object, was " + found.get().value);
    }
    return Optional.of(new ConfigFields(found.get().value, source, Map.of()));
  }

  ModelConfigException missing(Key key) {
    return error("missing " + key.describe());
  }

  /** Names present among {@code names} (non-null), in the given order. */
  List<String> present(String... names) {
    List<String> out = new ArrayList<>();
    for (String name : Arrays.asList(names)) {
      if (has(name)) {
        out.add(name);
      }
    }
    return out;
  }
}
