package io.hwledger.rocm;

import io.hwledger.spi.BackendException;

/**
 * {@code rsmi_status_t} codes ({@code rocm_smi.h}) and what each means for hwLedger. A code that
 * says the metric is not there for this GPU, driver or user makes the metric absent; an init error
 * makes the backend unavailable; everything else fails the call.
 */
final class RsmiStatus {
  static final int SUCCESS = RocmSmiApi.SUCCESS;
  static final int INVALID_ARGS = 1;
  static final int NOT_SUPPORTED = 2;
  static final int FILE_ERROR = 3;
  static final int PERMISSION = 4;
  static final int OUT_OF_RESOURCES = 5;
  static final int INTERNAL_EXCEPTION = 6;
  static final int INPUT_OUT_OF_BOUNDS = 7;
  static final int INIT_ERROR = 8;
  static final int NOT_YET_IMPLEMENTED = 9;
  static final int NOT_FOUND = 10;
  static final int INSUFFICIENT_SIZE = 11;
  static final int INTERRUPT = 12;
  static final int UNEXPECTED_SIZE = 13;
  static final int NO_DATA = 14;
  static final int UNEXPECTED_DATA = 15;
  static final int BUSY = 16;
  static final int REFCOUNT_OVERFLOW = 17;

  /** {@code RSMI_STATUS_UNKNOWN_ERROR = 0xFFFFFFFF}, as a Java int. */
  static final int UNKNOWN_ERROR = 0xFFFFFFFF;

  /** What a status means. */
  enum Outcome {
    OK,
    /** The metric is not available here: report it absent. */
    ABSENT,
    /** The library is not initialised or the driver is missing. */
    UNAVAILABLE,
    /** Any other failure. */
    FAILED
  }

  private RsmiStatus() {}

  static Outcome outcome(int status) {
    return switch (status) {
      case SUCCESS -> Outcome.OK;
      // FILE_ERROR: rocm_smi.h says it may mean the kernel does not support the operation;
      // PERMISSION: a root-only file is absent for this user, not 0.
      case NOT_SUPPORTED, NOT_YET_IMPLEMENTED, NOT_FOUND, NO_DATA, FILE_ERROR, PERMISSION ->
          Outcome.ABSENT;
      case INIT_ERROR -> Outcome.UNAVAILABLE;
      default -> Outcome.FAILED;
    };
  }

  /** The enum constant's name, for messages. */
  static String name(int status) {
    return switch (status) {
      case SUCCESS -> "RSMI_STATUS_SUCCESS";
      case INVALID_ARGS -> "RSMI_STATUS_INVALID_ARGS";
      case NOT_SUPPORTED -> "RSMI_STATUS_NOT_SUPPORTED";
      case FILE_ERROR -> "RSMI_STATUS_FILE_ERROR";
      case PERMISSION -> "RSMI_STATUS_PERMISSION";
      case OUT_OF_RESOURCES -> "RSMI_STATUS_OUT_OF_RESOURCES";
      case INTERNAL_EXCEPTION -> "RSMI_STATUS_INTERNAL_EXCEPTION";
      case INPUT_OUT_OF_BOUNDS -> "RSMI_STATUS_INPUT_OUT_OF_BOUNDS";
      case INIT_ERROR -> "RSMI_STATUS_INIT_ERROR";
      case NOT_YET_IMPLEMENTED -> "RSMI_STATUS_NOT_YET_IMPLEMENTED";
      case NOT_FOUND -> "RSMI_STATUS_NOT_FOUND";
      case INSUFFICIENT_SIZE -> "RSMI_STATUS_INSUFFICIENT_SIZE";
      case INTERRUPT -> "RSMI_STATUS_INTERRUPT";
      case UNEXPECTED_SIZE -> "RSMI_STATUS_UNEXPECTED_SIZE";
      case NO_DATA -> "RSMI_STATUS_NO_DATA";
      case UNEXPECTED_DATA -> "RSMI_STATUS_UNEXPECTED_DATA";
      case BUSY -> "RSMI_STATUS_BUSY";
      case REFCOUNT_OVERFLOW -> "RSMI_STATUS_REFCOUNT_OVERFLOW";
      case UNKNOWN_ERROR -> "RSMI_STATUS_UNKNOWN_ERROR";
      default -> "rsmi_status_t " + Integer.toUnsignedString(status);
    };
  }

  /** The exception for a failed call whose outcome is not {@link Outcome#ABSENT}. */
  static BackendException exception(String function, int status, String text) {
    BackendException.Kind kind =
        outcome(status) == Outcome.UNAVAILABLE
            ? BackendException.Kind.UNAVAILABLE
            : BackendException.Kind.FAILED;
    return new BackendException(kind, function + " failed: " + name(status) + " (" + text + ")");
  }
}
