package io.hwledger.math.engine;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One setting of an engine, as a user gives it: the command line offers it as {@code --NAME}.
 *
 * @param name the engine's own option name without dashes, e.g. {@code block-size}: lower-case
 *     letters, digits and {@code -}
 * @param paramLabel what the value is, e.g. {@code N}, {@code F}, {@code TOKENS}; empty for a flag
 *     that takes no value
 * @param description one line: what it sets and its default, e.g. {@code tokens per KV block
 *     (default 16).}
 */
public record EngineSetting(String name, Optional<String> paramLabel, String description) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  /**
   * Validates the arguments.
   *
   * @param name the option name without dashes
   * @param paramLabel what the value is; empty for a flag
   * @param description one line: what it sets and its default
   * @throws IllegalArgumentException if {@code name} is not lower-case letters and digits in words
   *     joined by single {@code -}
   */
  public EngineSetting {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(paramLabel, "paramLabel");
    Objects.requireNonNull(description, "description");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "setting name must be lower-case words joined by '-', was '" + name + "'");
    }
  }

  /**
   * A setting that takes a value described by {@code paramLabel}.
   *
   * @param name the option name without dashes, e.g. {@code block-size}
   * @param paramLabel what the value is, e.g. {@code N}
   * @param description one line: what it sets and its default
   * @return the setting
   * @throws IllegalArgumentException if {@code name} is malformed
   */
  public static EngineSetting value(String name, String paramLabel, String description) {
    return new EngineSetting(name, Optional.of(paramLabel), description);
  }

  /**
   * A flag that takes no value.
   *
   * @param name the option name without dashes, e.g. {@code enforce-eager}
   * @param description one line: what it switches on
   * @return the setting
   * @throws IllegalArgumentException if {@code name} is malformed
   */
  public static EngineSetting flag(String name, String description) {
    return new EngineSetting(name, Optional.empty(), description);
  }

  /**
   * Whether this setting is a flag without a value.
   *
   * @return true when {@link #paramLabel()} is empty
   */
  public boolean isFlag() {
    return paramLabel.isEmpty();
  }

  /**
   * The command-line option.
   *
   * @return {@code --NAME}
   */
  public String option() {
    return "--" + name;
  }
}
