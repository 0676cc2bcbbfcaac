package io.hwledger.ledger;

/**
 * A ledger could not be opened for writing because another writer holds it: another process, or
 * another server of the same fleet. A standby waits and tries again; anything else reports it.
 */
public final class LedgerHeldException extends LedgerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which ledger, and who holds it, in one line
   */
  public LedgerHeldException(String message) {
    super(message);
  }
}
