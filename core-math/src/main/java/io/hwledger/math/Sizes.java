package io.hwledger.math;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the counts the command line and engine settings accept: token counts and byte sizes as
 * whole numbers with an optional binary suffix, and plain positive integers.
 *
 * <p>A size is digits, optionally followed by {@code K}, {@code M}, {@code G} or {@code T} (powers
 * of 1024) and then optionally {@code i}, {@code iB} or {@code B}, case-insensitively: {@code 32K}
 * = 32768, {@code 80GiB} = 85899345920, {@code 4096} = 4096. Fractions ({@code 1.5K}), signs, zero
 * and values that do not fit a {@code long} are rejected with a message naming the option and the
 * text. Stateless.
 */
public final class Sizes {

  /** What a size counts; decides the wording of messages only. */
  public enum Unit {
    /** A count of tokens. */
    TOKENS("tokens"),
    /** A size in bytes. */
    BYTES("bytes");

    private final String word;

    Unit(String word) {
      this.word = word;
    }
  }

  private static final Pattern SIZE =
      Pattern.compile("([0-9]+)(?:([KMGT])(I|IB|B)?)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private Sizes() {}

  /**
   * Parses a token count such as {@code 8192} or {@code 32K}.
   *
   * @param option the option's name, for the message, e.g. {@code --context}
   * @param text the value as given; surrounding whitespace is ignored
   * @return the count, tokens, at least 1
   * @throws IllegalArgumentException as {@link #parse}
   */
  public static long tokens(String option, String text) {
    return parse(option, text, Unit.TOKENS);
  }

  /**
   * Parses a byte size such as {@code 85899345920} or {@code 80GiB}.
   *
   * @param option the option's name, for the message
   * @param text the value as given; surrounding whitespace is ignored
   * @return the size, bytes, at least 1
   * @throws IllegalArgumentException as {@link #parse}
   */
  public static long bytes(String option, String text) {
    return parse(option, text, Unit.BYTES);
  }

  /**
   * Parses a size.
   *
   * @param option the option's name, for the message
   * @param text the value as given; surrounding whitespace is ignored
   * @param unit what the size counts, for the message
   * @return the value with its suffix applied, at least 1
   * @throws IllegalArgumentException naming {@code option} and {@code text} when the text is not a
   *     positive whole number with an optional binary suffix, or overflows a {@code long}
   */
  public static long parse(String option, String text, Unit unit) {
    String trimmed = text.trim();
    Matcher m = SIZE.matcher(trimmed);
    if (trimmed.startsWith("-") && SIZE.matcher(trimmed.substring(1)).matches()) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' must be a positive number of " + unit.word);
    }
    if (!m.matches()) {
      throw new IllegalArgumentException(
          option
              + ": '"
              + text
              + "' is not a whole number of "
              + unit.word
              + " (digits with an optional binary suffix K, M, G or T, e.g. 32K or 80GiB)");
    }
    long value = digits(option, text, m.group(1), unit);
    if (m.group(2) != null) {
      int shift = 10 * ("KMGT".indexOf(m.group(2).toUpperCase(Locale.ROOT)) + 1);
      if (value > (Long.MAX_VALUE >> shift)) {
        throw tooLarge(option, text, unit);
      }
      value <<= shift;
    }
    if (value == 0) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' must be a positive number of " + unit.word);
    }
    return value;
  }

  /**
   * Parses a plain positive integer no larger than {@code max} (a count of users or GPUs).
   *
   * @param option the option's name, for the message
   * @param text digits only, no suffix; surrounding whitespace is ignored
   * @param max the largest value accepted
   * @return the value, in {@code [1, max]}
   * @throws IllegalArgumentException naming {@code option} and {@code text} otherwise
   */
  public static long count(String option, String text, long max) {
    String trimmed = text.trim();
    if (trimmed.startsWith("-") && DIGITS.matcher(trimmed.substring(1)).matches()) {
      throw new IllegalArgumentException(option + ": '" + text + "' must be positive");
    }
    if (!DIGITS.matcher(trimmed).matches()) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' is not a positive whole number");
    }
    long value;
    try {
      value = Long.parseLong(trimmed);
    } catch (NumberFormatException e) {
      value = Long.MAX_VALUE;
    }
    if (value == 0) {
      throw new IllegalArgumentException(option + ": '" + text + "' must be positive");
    }
    if (value > max) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' is too large (at most " + max + ")");
    }
    return value;
  }

  private static long digits(String option, String text, String digits, Unit unit) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw tooLarge(option, text, unit);
    }
  }

  private static IllegalArgumentException tooLarge(String option, String text, Unit unit) {
    return new IllegalArgumentException(
        option + ": '" + text + "' is too many " + unit.word + " (overflows a 64-bit count)");
  }
}
