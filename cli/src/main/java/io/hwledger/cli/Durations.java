package io.hwledger.cli;

import java.time.Duration;
import java.util.Locale;

/**
 * Reads the durations the command line takes ({@code devices --interval}, {@code fleet token create
 * --ttl}, {@code fleet … --interval}) and prints them back. Stateless.
 */
final class Durations {
  private Durations() {}

  /**
   * Parses a positive duration: a whole number with one unit, {@code ms}, {@code s}, {@code m}
   * (minutes), {@code h} or {@code d} ({@code 500ms}, {@code 2s}, {@code 30m}, {@code 1h}, {@code
   * 7d}), or an ISO-8601 duration ({@code PT0.5S}, {@code P7D}); case-insensitive.
   *
   * @param option the option the text came from, for the message
   * @throws IllegalArgumentException naming {@code option} and the text when it is not one of these
   *     or is zero or negative
   */
  static Duration parse(String option, String text) {
    return parse(option, text, "500ms, 2s, 1m");
  }

  /**
   * {@link #parse(String, String)}, the error's examples being {@code examples}, e.g. {@code 30m,
   * 1h, 7d}.
   */
  static Duration parse(String option, String text, String examples) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } else if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("d")) {
        d = Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
      } else {
        throw new NumberFormatException(text);
      }
      if (d.isNegative() || d.isZero()) {
        throw new NumberFormatException(text);
      }
      return d;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' is not a positive duration (e.g. " + examples + ")", e);
    }
  }

  /**
   * A duration for people, in its largest whole units, at most two of them: {@code 59s}, {@code 1h
   * 30m}, {@code 7d}, {@code 2d 4h}; under a second, {@code 0s}. Negative durations read as their
   * magnitude.
   */
  static String format(Duration duration) {
    long seconds = Math.abs(duration.getSeconds());
    long[] sizes = {86_400, 3_600, 60, 1};
    String[] units = {"d", "h", "m", "s"};
    StringBuilder out = new StringBuilder();
    int parts = 0;
    for (int i = 0; i < sizes.length && parts < 2; i++) {
      long n = seconds / sizes[i];
      if (n > 0 || (parts > 0)) {
        if (n > 0) {
          out.append(out.length() > 0 ? " " : "").append(n).append(units[i]);
        }
        parts++;
        seconds -= n * sizes[i];
      }
    }
    return out.length() == 0 ? "0s" : out.toString();
  }
}
