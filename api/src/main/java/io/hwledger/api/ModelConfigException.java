package io.hwledger.api;

/**
 * A model description (a {@code config.json}, a catalog entry, a checkpoint header) is malformed,
 * incomplete or describes something the planner cannot represent. The message names the field or
 * value at fault in one line.
 *
 * <p>Messages quote names and values taken from untrusted files, so the constructors pass them
 * through {@link Printable#escape}: a message holds no control, format or line-separator characters
 * and is always one printable line, whatever the file contained.
 */
public class ModelConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message naming what is wrong, escaped to one printable line.
   *
   * @param message what is wrong, naming the field or value
   */
  public ModelConfigException(String message) {
    super(escaped(message));
  }

  /**
   * Creates an exception with a message, escaped to one printable line, and its cause.
   *
   * @param message what is wrong, naming the field or value
   * @param cause the exception that revealed it, e.g. a JSON or I/O error
   */
  public ModelConfigException(String message, Throwable cause) {
    super(escaped(message), cause);
  }

  private static String escaped(String message) {
    return message == null ? null : Printable.escape(message);
  }
}
