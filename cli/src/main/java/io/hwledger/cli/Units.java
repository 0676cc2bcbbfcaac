package io.hwledger.cli;

import java.util.Locale;

/** Formats counts for people: binary byte units (GiB = 2^30 bytes) and billions of parameters. */
final class Units {
  private static final long KIB = 1L << 10;
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final long TIB = 1L << 40;

  private Units() {}

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
