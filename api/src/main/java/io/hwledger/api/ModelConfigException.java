package io.hwledger.api;

/**
 * A model description (a {@code config.json}, a catalog entry, a checkpoint header) is malformed,
 * incomplete or describes something the planner cannot represent. The message names the field or
 * value at fault in one line.
 */
public class ModelConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a one-line message naming what is wrong. */
  public ModelConfigException(String message) {
    super(message);
  }

  /** Creates an exception with a one-line message and the underlying cause. */
  public ModelConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
