package io.hwledger.ledger;

/**
 * A ledger cannot do what was asked: it is locked by another process, its files are corrupt, an I/O
 * operation failed, or an earlier write failure stopped the writer. The message says which, in one
 * line.
 */
public class LedgerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a one-line message. */
  public LedgerException(String message) {
    super(message);
  }

  /** Creates an exception with a one-line message and its cause. */
  public LedgerException(String message, Throwable cause) {
    super(message, cause);
  }
}
