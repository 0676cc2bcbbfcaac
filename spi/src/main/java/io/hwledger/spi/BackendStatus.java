package io.hwledger.spi;

import java.util.Objects;

/**
 * What the registry knows about one discovered provider.
 *
 * @param id the provider's {@link GpuBackendProvider#id()}
 * @param priority the provider's {@link GpuBackendProvider#priority()}
 * @param availability what {@link GpuBackendProvider#isAvailable()} said; a provider whose check
 *     threw is reported unavailable with the exception as the reason
 */
public record BackendStatus(String id, int priority, Availability availability) {

  /**
   * Checks that nothing is missing.
   *
   * @param id the provider's id
   * @param priority the provider's priority
   * @param availability what its availability check said
   */
  public BackendStatus {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(availability, "availability");
  }
}
