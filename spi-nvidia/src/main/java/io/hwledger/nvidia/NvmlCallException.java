package io.hwledger.nvidia;

/**
 * One NVML call returned something other than {@code NVML_SUCCESS}. A function the loaded library
 * does not export is reported as {@link NvmlApi#ERROR_FUNCTION_NOT_FOUND}.
 */
public final class NvmlCallException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int code;

  /** Creates an exception for {@code function} returning {@code code}. */
  public NvmlCallException(String function, int code) {
    super(function + " returned " + code);
    this.code = code;
  }

  /** Creates an exception for {@code function} returning {@code code}, with its cause. */
  public NvmlCallException(String function, int code, Throwable cause) {
    super(function + " returned " + code, cause);
    this.code = code;
  }

  /** The {@code nvmlReturn_t} value. */
  public int code() {
    return code;
  }
}
