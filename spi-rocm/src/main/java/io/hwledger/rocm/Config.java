package io.hwledger.rocm;

import java.util.Optional;

/** Reads a setting from a system property, then an environment variable. */
final class Config {
  private Config() {}

  /** The non-blank value of {@code property}, else of {@code envVar}, else empty. */
  static Optional<String> setting(String property, String envVar) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(envVar);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
