package io.hwledger.math.engine;

import io.hwledger.math.Sizes;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The settings a user gave an engine, by {@link EngineSetting#name()}, as text, with parsers whose
 * one-line errors name the option ({@code --block-size: 'x' is not a positive whole number}). A
 * flag that was given maps to the empty text. Immutable.
 */
public final class SettingValues {
  private static final SettingValues NONE = new SettingValues(Map.of());

  private final Map<String, String> values;

  private SettingValues(Map<String, String> values) {
    this.values = values;
  }

  /** The given values, by setting name. */
  public static SettingValues of(Map<String, String> values) {
    return values.isEmpty() ? NONE : new SettingValues(Map.copyOf(values));
  }

  /** No setting given. */
  public static SettingValues none() {
    return NONE;
  }

  /** Whether {@code name} was given. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The text given for {@code name}. */
  public java.util.Optional<String> text(String name) {
    return java.util.Optional.ofNullable(values.get(name));
  }

  /** Whether the flag {@code name} was given. */
  public boolean flag(String name) {
    return values.containsKey(name);
  }

  /** A fraction in (0, 1]. */
  public OptionalDouble fraction(String name) {
    String text = values.get(name);
    if (text == null) {
      return OptionalDouble.empty();
    }
    double value;
    try {
      value = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option(name) + ": '" + text + "' is not a number", e);
    }
    if (!(value > 0 && value <= 1)) {
      throw new IllegalArgumentException(option(name) + ": " + text + " is not in (0, 1]");
    }
    return OptionalDouble.of(value);
  }

  /** A plain positive whole number no larger than {@code max}. */
  public OptionalLong count(String name, long max) {
    String text = values.get(name);
    return text == null
        ? OptionalLong.empty()
        : OptionalLong.of(Sizes.count(option(name), text, max));
  }

  /** A plain positive whole number that fits an {@code int}. */
  public OptionalInt intCount(String name) {
    OptionalLong value = count(name, Integer.MAX_VALUE);
    return value.isPresent() ? OptionalInt.of((int) value.getAsLong()) : OptionalInt.empty();
  }

  /** A token count with an optional binary suffix ({@code 32K}). */
  public OptionalLong tokens(String name) {
    String text = values.get(name);
    return text == null ? OptionalLong.empty() : OptionalLong.of(Sizes.tokens(option(name), text));
  }

  /** A byte size with an optional binary suffix ({@code 2GiB}). */
  public OptionalLong bytes(String name) {
    String text = values.get(name);
    return text == null ? OptionalLong.empty() : OptionalLong.of(Sizes.bytes(option(name), text));
  }

  /** {@code on} or {@code off}, case-insensitive. */
  public java.util.Optional<Boolean> onOff(String name) {
    String text = values.get(name);
    if (text == null) {
      return java.util.Optional.empty();
    }
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "on":
        return java.util.Optional.of(true);
      case "off":
        return java.util.Optional.of(false);
      default:
        throw new IllegalArgumentException(
            option(name) + ": expected on or off, was '" + text + "'");
    }
  }

  private static String option(String name) {
    return "--" + Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return "SettingValues" + values;
  }
}
