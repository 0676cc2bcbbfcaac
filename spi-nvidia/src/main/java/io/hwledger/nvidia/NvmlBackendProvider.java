package io.hwledger.nvidia;

import io.hwledger.nvidia.jna.NvmlLoader;
import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.Vendor;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NVML backend ({@code nvml}, priority 100): reads NVIDIA GPUs through {@code libnvidia-ml}
 * with JNA, in microseconds per sample. The library is found by {@link NvmlLoader} on first use,
 * never in the constructor. See {@link NvmlErrors} for how NVML return codes are reported.
 */
public final class NvmlBackendProvider implements GpuBackendProvider {

  /** This provider's id. */
  public static final String ID = "nvml";

  private static final Logger log = LoggerFactory.getLogger(NvmlBackendProvider.class);

  private final Supplier<NvmlLoad> loader;

  /** The provider {@link java.util.ServiceLoader} creates; loads nothing. */
  public NvmlBackendProvider() {
    this(NvmlLoader::shared);
  }

  /**
   * A provider that finds NVML with {@code loader} (for tests and embedding).
   *
   * @param loader looks the library up; called by {@link #isAvailable()} and {@link #open}, never
   *     here
   */
  public NvmlBackendProvider(Supplier<NvmlLoad> loader) {
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public Vendor vendor() {
    return Vendor.NVIDIA;
  }

  /** Loads the library and runs {@code nvmlInit_v2}/{@code nvmlShutdown}; never throws. */
  @Override
  public Availability isAvailable() {
    try {
      NvmlLoad load = loader.get();
      if (load.api().isEmpty()) {
        log.debug("NVML unavailable: {}", load.description());
        return Availability.unavailable(load.description());
      }
      NvmlApi api = load.api().get();
      try {
        api.init();
      } catch (NvmlCallException e) {
        String reason = NvmlErrors.describe(api, e, "NVML at " + api.library());
        log.debug("NVML unavailable: {}", reason);
        return Availability.unavailable(reason);
      }
      try {
        int count = api.deviceCount();
        if (count == 0) {
          return Availability.unavailable("NVML at " + api.library() + " reports no NVIDIA GPU");
        }
        return Availability.available(
            "NVML at " + api.library() + ": " + count + (count == 1 ? " GPU" : " GPUs"));
      } catch (NvmlCallException e) {
        return Availability.unavailable(NvmlErrors.describe(api, e, "NVML at " + api.library()));
      } finally {
        try {
          api.shutdown();
        } catch (NvmlCallException e) {
          log.debug("nvmlShutdown failed after availability check", e);
        }
      }
    } catch (RuntimeException | LinkageError e) {
      log.debug("NVML unavailable", e);
      return Availability.unavailable("NVML unusable: " + e);
    }
  }

  @Override
  public GpuBackend open(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    NvmlLoad load;
    try {
      load = loader.get();
    } catch (LinkageError e) {
      throw new BackendException(BackendException.Kind.UNAVAILABLE, "NVML unusable: " + e, e);
    }
    NvmlApi api =
        load.api()
            .orElseThrow(
                () -> new BackendException(BackendException.Kind.UNAVAILABLE, load.description()));
    return NvmlBackend.open(api, clock);
  }
}
