package io.hwledger.cli;

import io.hwledger.math.Sizes;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts for people: formats bytes in binary units (GiB = 2^30 bytes) and parameters in billions,
 * and reads the byte sizes the command line takes, which must have a unit.
 */
final class Units {
  private static final long KIB = 1L << 10;
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final long TIB = 1L << 40;

  /** The byte units {@link #bytes} accepts, as {@code --help} and its errors list them. */
  static final String BYTE_UNITS =
      "B, KiB, MiB, GiB and TiB; KB, MB, GB, TB, K, M, G and T mean the same powers of 1024";

  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern BYTE_SIZE =
      Pattern.compile("([0-9]+)(B|[KMGT](?:I|IB|B)?)", Pattern.CASE_INSENSITIVE);

  private Units() {}

  /**
   * Reads a byte size given with a unit: {@code 80GiB} = 80 × 2^30, {@code 512MB} = 512 × 2^20,
   * {@code 85520809984B}. Every multiple is binary, as {@link Sizes} reads them (an 80 GB GPU has
   * 80 GiB); a number without a unit is refused, so that {@code --memory 80} cannot silently mean
   * 80 bytes.
   *
   * @throws IllegalArgumentException naming {@code option} and the text, and saying which units
   *     exist, when there is no unit or the text is not a positive whole number of bytes
   */
  static long bytes(String option, String text) {
    String trimmed = text.strip();
    boolean negative = trimmed.startsWith("-");
    String unsigned = negative ? trimmed.substring(1) : trimmed;
    boolean number = DIGITS.matcher(unsigned).matches();
    Matcher m = BYTE_SIZE.matcher(unsigned);
    boolean sized = m.matches();
    if ((negative && (number || sized)) || (number && unsigned.matches("0+"))) {
      return Sizes.bytes(option, text); // says it must be positive
    }
    if (number) {
      throw new IllegalArgumentException(
          option
              + ": '"
              + trimmed
              + "' needs a unit, e.g. "
              + trimmed
              + "GiB; the units are "
              + BYTE_UNITS);
    }
    if (negative || !sized) {
      throw new IllegalArgumentException(
          option
              + ": '"
              + text
              + "' is not a byte size: give a whole number and a unit, e.g. 80GiB; the units are "
              + BYTE_UNITS);
    }
    if (!m.group(2).equalsIgnoreCase("B")) {
      return Sizes.bytes(option, trimmed);
    }
    long value;
    try {
      value = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' is too many bytes (overflows a 64-bit count)", e);
    }
    if (value == 0) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' must be a positive number of bytes");
    }
    return value;
  }

  /** Bytes in GiB with two decimals, e.g. {@code 14.96 GiB}. */
  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", (double) bytes / GIB);
  }

  /**
   * Bytes in the largest binary unit that keeps the number at least 1 ({@code B}, {@code KiB},
   * {@code MiB}, {@code GiB}, {@code TiB}); whole bytes below 1 KiB.
   */
  static String binary(long bytes) {
    long magnitude = Math.abs(bytes);
    if (magnitude < KIB) {
      return bytes + " B";
    }
    if (magnitude < MIB) {
      return String.format(Locale.ROOT, "%.2f KiB", (double) bytes / KIB);
    }
    if (magnitude < GIB) {
      return String.format(Locale.ROOT, "%.2f MiB", (double) bytes / MIB);
    }
    if (magnitude < TIB) {
      return String.format(Locale.ROOT, "%.2f GiB", (double) bytes / GIB);
    }
    return String.format(Locale.ROOT, "%.2f TiB", (double) bytes / TIB);
  }

  /** Parameters in billions with two decimals, e.g. {@code 8.03B}. */
  static String billions(long parameters) {
    return String.format(Locale.ROOT, "%.2fB", parameters / 1e9);
  }

  /**
   * A bar of {@code width} cells showing {@code used} of {@code budget}, then the percentage and
   * the budget, e.g. {@code [██████████░░░░░░░░░░] 52% of 80.00 GiB}. The bar is full when use
   * exceeds the budget; the percentage is not capped. With {@code unicode} false the bar is drawn
   * with {@code #} and {@code .}.
   */
  static String bar(long used, long budget, int width, boolean unicode) {
    double fraction = (double) used / budget;
    int filled = (int) Math.min(width, Math.round(fraction * width));
    String full = unicode ? "\u2588" : "#";
    String empty = unicode ? "\u2591" : ".";
    return "["
        + full.repeat(filled)
        + empty.repeat(width - filled)
        + "] "
        + Math.round(fraction * 100)
        + "% of "
        + gib(budget);
  }
}
