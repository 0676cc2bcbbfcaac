package io.hwledger.ledger;

/**
 * A checkpoint or signed note that cannot be accepted: malformed text, a body that is not a
 * checkpoint, or no signature that verifies under the expected key. The message is one line and
 * says which.
 *
 * <p>It extends {@link IllegalArgumentException} because it always describes bad input, so callers
 * that already map that to a user-facing error need nothing new.
 */
public class CheckpointException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a one-line message.
   *
   * @param message what is wrong, in one line
   */
  public CheckpointException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a one-line message and its cause.
   *
   * @param message what is wrong, in one line
   * @param cause the failure beneath it, e.g. a base64 decoding error
   */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
