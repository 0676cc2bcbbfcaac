package io.hwledger.cloud;

/**
 * A source could not give its prices: the provider refused the key, kept answering 429 or 5xx,
 * timed out, or sent a body that is not what its API documents. The message is one line naming the
 * provider and what went wrong; it never holds an API key.
 */
public final class PriceSourceException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * With a message.
   *
   * @param message one line: the provider and what went wrong
   */
  public PriceSourceException(String message) {
    super(message);
  }

  /**
   * With a message and a cause.
   *
   * @param message one line: the provider and what went wrong
   * @param cause what failed underneath
   */
  public PriceSourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
