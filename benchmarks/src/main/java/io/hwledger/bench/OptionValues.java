package io.hwledger.bench;

import java.time.Duration;

/** Values of the harnesses' command-line options, each refused in one line naming the option. */
public final class OptionValues {
  private OptionValues() {}

  /**
   * A whole number.
   *
   * @param option the option, for the message
   * @param value its text
   * @return the number
   * @throws IllegalArgumentException if it is not a whole number
   */
  public static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes a whole number, not '" + value + "'", e);
    }
  }

  /**
   * A number of seconds, fractions allowed, from 0 to {@code maxSeconds}.
   *
   * @param option the option, for the message
   * @param value its text
   * @param maxSeconds the largest accepted
   * @return the duration
   * @throws IllegalArgumentException if it is not a number or out of range
   */
  public static Duration seconds(String option, String value, int maxSeconds) {
    try {
      double s = Double.parseDouble(value);
      if (!(s >= 0 && s <= maxSeconds)) {
        throw new IllegalArgumentException(
            option + " must be 0 to " + maxSeconds + " seconds, was " + value);
      }
      return Duration.ofNanos(Math.round(s * 1e9));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes seconds, not '" + value + "'", e);
    }
  }
}
