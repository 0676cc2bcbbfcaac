package io.hwledger.nvidia;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of looking up the NVML library.
 *
 * @param api the loaded library, if one was found
 * @param description the library's name or path when found, else why not (naming every candidate
 *     tried)
 */
public record NvmlLoad(Optional<NvmlApi> api, String description) {

  /**
   * Checks that nothing is null.
   *
   * @param api the loaded library, if found
   * @param description what was loaded, or why nothing was
   */
  public NvmlLoad {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(description, "description");
  }
}
