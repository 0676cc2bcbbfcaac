package io.hwledger.nvidia;

/**
 * One NVML call returned something other than {@code NVML_SUCCESS}. A function the loaded library
 * does not export is reported as {@link NvmlApi#ERROR_FUNCTION_NOT_FOUND}.
 */
public final class NvmlCallException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The {@code nvmlReturn_t} value; part of the serialised form. */
  private final int code;

  /**
   * Creates an exception for {@code function} returning {@code code}.
   *
   * @param function the NVML function's exported name, e.g. {@code nvmlDeviceGetPowerUsage}
   * @param code the {@code nvmlReturn_t} it returned
   */
  public NvmlCallException(String function, int code) {
    super(function + " returned " + code);
    this.code = code;
  }

  /**
   * Creates an exception for {@code function} returning {@code code}, with its cause.
   *
   * @param function the NVML function's exported name
   * @param code the {@code nvmlReturn_t} it returned, or {@link NvmlApi#ERROR_FUNCTION_NOT_FOUND}
   * @param cause what made the call fail in Java, e.g. the {@code UnsatisfiedLinkError} of a
   *     missing symbol
   */
  public NvmlCallException(String function, int code, Throwable cause) {
    super(function + " returned " + code, cause);
    this.code = code;
  }

  /**
   * The {@code nvmlReturn_t} value.
   *
   * @return the code, one of the {@code NvmlApi.ERROR_*} constants or another NVML error
   */
  public int code() {
    return code;
  }
}
