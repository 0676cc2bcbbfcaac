package io.hwledger.fleet.placement;

import java.time.Duration;
import java.util.Locale;

/** How refusal messages print sizes and ages. */
final class Bytes {
  private static final long KIB = 1L << 10;
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  private Bytes() {}

  /** {@code bytes} in GiB (or MiB, KiB, B below them) with one decimal, e.g. {@code 71.3 GiB}. */
  static String format(long bytes) {
    long magnitude = Math.abs(bytes);
    if (magnitude >= GIB) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) GIB);
    }
    if (magnitude >= MIB) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }
    if (magnitude >= KIB) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / (double) KIB);
    }
    return bytes + " B";
  }

  /**
   * {@code a} and {@code b} formatted for a comparison: when they differ but print the same (20.0
   * GiB against 20.0 GiB), each with its exact byte count, so a message never says that a size is
   * refused for being larger than itself.
   */
  static String[] pair(long a, long b) {
    String first = format(a);
    String second = format(b);
    if (a != b && first.equals(second)) {
      return new String[] {first + " (" + a + " B)", second + " (" + b + " B)"};
    }
    return new String[] {first, second};
  }

  /** An age such as {@code 4 s}, or {@code 350 ms} below a second. */
  static String age(Duration age) {
    long millis = age.toMillis();
    return millis < 1000 ? millis + " ms" : age.toSeconds() + " s";
  }
}
