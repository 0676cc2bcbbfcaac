package io.hwledger.cloud;

import java.util.Objects;

/**
 * A provider's API key. It prints as {@code ApiKey[***]}: {@link #toString()}, exceptions and logs
 * never show it; only {@link #reveal()} does, for the one request header that carries it.
 */
public final class ApiKey {
  private final String value;

  private ApiKey(String value) {
    this.value = value;
  }

  /**
   * Wraps a key.
   *
   * @param value the key, without surrounding whitespace (trimmed), not empty, without control
   *     characters (it goes into an HTTP header)
   * @return the key
   * @throws IllegalArgumentException if the key is empty or holds a control character; the message
   *     does not contain the key
   */
  public static ApiKey of(String value) {
    Objects.requireNonNull(value, "value");
    String trimmed = value.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("API key is empty");
    }
    for (int i = 0; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("API key holds a control character");
      }
    }
    return new ApiKey(trimmed);
  }

  /**
   * The key itself, for the request header that carries it. Never log or store it.
   *
   * @return the key
   */
  public String reveal() {
    return value;
  }

  /**
   * {@code Bearer } and the key, the {@code Authorization} header value of Vast.ai, RunPod and
   * Lambda.
   *
   * @return the header value; never log it
   */
  public String bearer() {
    return "Bearer " + value;
  }

  /** Never the key. */
  @Override
  public String toString() {
    return "ApiKey[***]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiKey && ((ApiKey) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
