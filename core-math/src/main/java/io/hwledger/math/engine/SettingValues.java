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

  /**
   * The given values, by setting name.
   *
   * @param values text by {@link EngineSetting#name()}; the empty text for a flag given; copied
   * @return the values
   */
  public static SettingValues of(Map<String, String> values) {
    return values.isEmpty() ? NONE : new SettingValues(Map.copyOf(values));
  }

  /**
   * No setting given.
   *
   * @return the shared empty instance
   */
  public static SettingValues none() {
    return NONE;
  }

  /**
   * Whether {@code name} was given, with or without a value.
   *
   * @param name a setting name, e.g. {@code block-size}
   * @return true if it was given
   */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /**
   * The text given for {@code name}, unparsed.
   *
   * @param name a setting name
   * @return the text as given (empty text for a flag), or empty if the setting was not given
   */
  public java.util.Optional<String> text(String name) {
    return java.util.Optional.ofNullable(values.get(name));
  }

  /**
   * Whether the flag {@code name} was given; same test as {@link #has}.
   *
   * @param name a flag's setting name, e.g. {@code kv-unified}
   * @return true if it was given
   */
  public boolean flag(String name) {
    return values.containsKey(name);
  }

  /**
   * The value of {@code name} as a fraction in (0, 1], e.g. a memory utilisation.
   *
   * @param name a setting name
   * @return the fraction, or empty if the setting was not given
   * @throws IllegalArgumentException naming the option when the text is not a number or not in (0,
   *     1]
   */
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

  /**
   * The value of {@code name} as a plain positive whole number no larger than {@code max}.
   *
   * @param name a setting name
   * @param max the largest value accepted
   * @return the number, or empty if the setting was not given
   * @throws IllegalArgumentException as {@link Sizes#count}
   */
  public OptionalLong count(String name, long max) {
    String text = values.get(name);
    return text == null
        ? OptionalLong.empty()
        : OptionalLong.of(Sizes.count(option(name), text, max));
  }

  /**
   * The value of {@code name} as a plain whole number from 0 to {@code max}, for settings where 0
   * means something (llama.cpp's {@code -ngl 0}: no layer on the GPU).
   *
   * @param name a setting name
   * @param max the largest value accepted
   * @return the number, or empty if the setting was not given
   * @throws IllegalArgumentException naming the option when the text is negative, not a whole
   *     number, or above {@code max}
   */
  public OptionalLong countFromZero(String name, long max) {
    String text = values.get(name);
    if (text == null) {
      return OptionalLong.empty();
    }
    String trimmed = text.trim();
    if (trimmed.startsWith("-")) {
      throw new IllegalArgumentException(option(name) + ": '" + text + "' must not be negative");
    }
    if (!trimmed.isEmpty() && trimmed.chars().allMatch(c -> c == '0')) {
      return OptionalLong.of(0);
    }
    return OptionalLong.of(Sizes.count(option(name), text, max));
  }

  /**
   * The value of {@code name} as a plain positive whole number that fits an {@code int}.
   *
   * @param name a setting name
   * @return the number, or empty if the setting was not given
   * @throws IllegalArgumentException as {@link Sizes#count}
   */
  public OptionalInt intCount(String name) {
    OptionalLong value = count(name, Integer.MAX_VALUE);
    return value.isPresent() ? OptionalInt.of((int) value.getAsLong()) : OptionalInt.empty();
  }

  /**
   * The value of {@code name} as a token count with an optional binary suffix ({@code 32K}).
   *
   * @param name a setting name
   * @return the count, tokens, or empty if the setting was not given
   * @throws IllegalArgumentException as {@link Sizes#parse}
   */
  public OptionalLong tokens(String name) {
    String text = values.get(name);
    return text == null ? OptionalLong.empty() : OptionalLong.of(Sizes.tokens(option(name), text));
  }

  /**
   * The value of {@code name} as a byte size with an optional binary suffix ({@code 2GiB}).
   *
   * @param name a setting name
   * @return the size, bytes, or empty if the setting was not given
   * @throws IllegalArgumentException as {@link Sizes#parse}
   */
  public OptionalLong bytes(String name) {
    String text = values.get(name);
    return text == null ? OptionalLong.empty() : OptionalLong.of(Sizes.bytes(option(name), text));
  }

  /**
   * The value of {@code name} as {@code on} or {@code off}, ignoring case and surrounding
   * whitespace.
   *
   * @param name a setting name
   * @return true for on, false for off, or empty if the setting was not given
   * @throws IllegalArgumentException naming the option for any other text
   */
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
