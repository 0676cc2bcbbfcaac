package io.hwledger.fleet.protocol;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Argument checks shared by the protocol records, with one-line messages naming the field. */
final class Values {
  // One character, or letters and digits at both ends: no quantified group, so no backtracking.
  private static final Pattern LABEL_KEY =
      Pattern.compile("[a-z0-9]|[a-z0-9][a-z0-9._/-]*[a-z0-9]");

  private Values() {}

  static String text(String value, String field, int maxLength) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    if (value.isEmpty() || value.length() > maxLength) {
      throw new IllegalArgumentException(
          field + " must be 1 to " + maxLength + " characters, was " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(field + " holds a control character");
      }
    }
    return value;
  }

  /** PEM text: printable ASCII and line breaks only. */
  static String pem(String value, String field, int maxLength) {
    if (value == null || value.isEmpty() || value.length() > maxLength) {
      throw new IllegalArgumentException(
          field + " must be PEM text of 1 to " + maxLength + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\n' && c != '\r' && (c < 0x20 || c > 0x7e)) {
        throw new IllegalArgumentException(field + " is not PEM text");
      }
    }
    return value;
  }

  static void atLeast(long value, long min, String field) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be at least " + min + ", was " + value);
    }
  }

  static <T> List<T> list(List<T> values, String field, int maxSize) {
    if (values == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    if (values.size() > maxSize) {
      throw new IllegalArgumentException(
          field + " holds " + values.size() + " entries, at most " + maxSize + " allowed");
    }
    for (T v : values) {
      if (v == null) {
        throw new IllegalArgumentException(field + " holds a null entry");
      }
    }
    return List.copyOf(values);
  }

  static Map<String, String> labels(Map<String, String> labels, String field) {
    if (labels == null) {
      return Map.of();
    }
    if (labels.size() > 64) {
      throw new IllegalArgumentException(field + " holds more than 64 labels");
    }
    labels.forEach(
        (k, v) -> {
          text(k, field + " key", 63);
          if (!LABEL_KEY.matcher(k).matches()) {
            throw new IllegalArgumentException(
                field + " key '" + k + "' must be lower-case letters, digits, '.', '_', '-', '/'");
          }
          text(v, field + "." + k, 253);
        });
    return Map.copyOf(labels);
  }
}
