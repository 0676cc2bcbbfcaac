package io.hwledger.spi;

/**
 * A backend could not do what was asked. {@link #kind()} says whether the backend as a whole is
 * unavailable (library or driver missing, not initialised) or one device was lost.
 */
public class BackendException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** The library, driver or tool is missing or refused to start. */
    UNAVAILABLE,
    /** The device fell off the bus or was reset (NVML_ERROR_GPU_IS_LOST). */
    DEVICE_LOST,
    /** Any other failure of one call. */
    FAILED
  }

  /** What went wrong; part of the serialised form. */
  private final Kind kind;

  /**
   * Creates an exception of {@code kind} with a one-line message.
   *
   * @param kind what went wrong
   * @param message one line naming the backend, the call and the failure
   */
  public BackendException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  /**
   * Creates an exception of {@code kind} with a one-line message and its cause.
   *
   * @param kind what went wrong
   * @param message one line naming the backend, the call and the failure
   * @param cause the underlying error, e.g. an {@code UnsatisfiedLinkError} or {@code IOException}
   */
  public BackendException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /**
   * What went wrong.
   *
   * @return the kind, which decides whether the backend or only one device is gone
   */
  public Kind kind() {
    return kind;
  }
}
