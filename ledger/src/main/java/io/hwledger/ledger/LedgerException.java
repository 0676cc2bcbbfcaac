package io.hwledger.ledger;

/**
 * A ledger cannot do what was asked: it is locked by another process, its files are corrupt, an I/O
 * operation failed, or an earlier write failure stopped the writer. The message says which, in one
 * line.
 */
public class LedgerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a one-line message.
   *
   * @param message what failed, in one line
   */
  public LedgerException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a one-line message and its cause.
   *
   * @param message what failed, in one line
   * @param cause the failure beneath it, typically an {@link java.io.IOException}
   */
  public LedgerException(String message, Throwable cause) {
    super(message, cause);
  }
}
