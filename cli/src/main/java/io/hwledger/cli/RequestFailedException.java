package io.hwledger.cli;

/**
 * The command line is well formed but the request cannot be carried out (a missing ledger, an
 * unreadable key file, a malformed input line): {@link ErrorHandler} prints the message as one line
 * and exits with {@link ErrorHandler.ExitCodes#FAILURE}, without a stack trace.
 */
final class RequestFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RequestFailedException(String message) {
    super(message);
  }

  RequestFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
