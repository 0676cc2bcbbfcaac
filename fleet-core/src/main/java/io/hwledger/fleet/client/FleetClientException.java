package io.hwledger.fleet.client;

/**
 * A request the fleet server refused or could not answer. The message is one line: the server's own
 * error where it gave one, never a credential.
 */
public final class FleetClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status, or 0 when no response came (connection refused, TLS failure, timeout). */
  private final int status;

  /**
   * Creates one.
   *
   * @param status the HTTP status, or 0 without a response
   * @param message one line
   * @param cause what failed underneath, or null
   */
  public FleetClientException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /**
   * The HTTP status.
   *
   * @return the status, or 0 when no response came
   */
  public int status() {
    return status;
  }
}
