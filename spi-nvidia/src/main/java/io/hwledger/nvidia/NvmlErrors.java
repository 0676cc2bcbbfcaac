package io.hwledger.nvidia;

import io.hwledger.spi.BackendException;
import java.util.Set;

/**
 * Maps NVML return codes to this project's outcomes: 0 success; 3 (not supported) and 13 (function
 * not found, including a symbol the driver does not export) make the metric absent; 1
 * (uninitialised), 9 (driver not loaded) and 12 (library not found) make the backend {@link
 * BackendException.Kind#UNAVAILABLE}; 15 (GPU lost) is {@link BackendException.Kind#DEVICE_LOST};
 * anything else, 999 (unknown) included, is {@link BackendException.Kind#FAILED} with NVML's own
 * text from {@code nvmlErrorString}.
 */
final class NvmlErrors {

  private static final Set<Integer> ABSENT =
      Set.of(NvmlApi.ERROR_NOT_SUPPORTED, NvmlApi.ERROR_FUNCTION_NOT_FOUND);

  private static final Set<Integer> UNAVAILABLE =
      Set.of(
          NvmlApi.ERROR_UNINITIALIZED,
          NvmlApi.ERROR_DRIVER_NOT_LOADED,
          NvmlApi.ERROR_LIBRARY_NOT_FOUND);

  private NvmlErrors() {}

  /** Whether {@code code} means "this metric is unsupported here". */
  static boolean isAbsent(int code) {
    return ABSENT.contains(code);
  }

  /** The kind of failure {@code code} is (never called for success). */
  static BackendException.Kind kind(int code) {
    if (UNAVAILABLE.contains(code)) {
      return BackendException.Kind.UNAVAILABLE;
    }
    if (code == NvmlApi.ERROR_GPU_IS_LOST) {
      return BackendException.Kind.DEVICE_LOST;
    }
    return BackendException.Kind.FAILED;
  }

  /** One line naming the call, NVML's text and the code. */
  static String describe(NvmlApi api, NvmlCallException e, String context) {
    return context + ": " + e.getMessage() + " (" + api.errorString(e.code()) + ")";
  }

  /** The exception to throw for a failed call. */
  static BackendException toException(NvmlApi api, NvmlCallException e, String context) {
    return new BackendException(kind(e.code()), describe(api, e, context), e);
  }
}
