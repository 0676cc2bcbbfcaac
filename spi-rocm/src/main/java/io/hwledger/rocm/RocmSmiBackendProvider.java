package io.hwledger.rocm;

import io.hwledger.rocm.jna.RocmSmiLoader;
import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.Vendor;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AMD GPUs read through the ROCm SMI library via JNA (id {@code rocm-smi-lib}, priority 90). The
 * library is found as {@link RocmSmiLoader} describes; nothing loads before {@link #isAvailable()}
 * or {@link #open}. Every {@code rsmi_init} is paired with an {@code rsmi_shut_down}.
 */
public final class RocmSmiBackendProvider implements GpuBackendProvider {
  /** The provider id. */
  public static final String ID = "rocm-smi-lib";

  private static final Logger LOG = LoggerFactory.getLogger(RocmSmiBackendProvider.class);

  private final Supplier<RocmSmiLoader.Loaded> loader;

  /** The provider {@link java.util.ServiceLoader} creates. */
  public RocmSmiBackendProvider() {
    this(RocmSmiLoader::get);
  }

  /** A provider whose library comes from {@code loader} (tests). */
  RocmSmiBackendProvider(Supplier<RocmSmiLoader.Loaded> loader) {
    this.loader = loader;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int priority() {
    return 90;
  }

  @Override
  public Vendor vendor() {
    return Vendor.AMD;
  }

  @Override
  public Availability isAvailable() {
    try {
      RocmSmiLoader.Loaded loaded = loader.get();
      Optional<RocmSmiApi> lib = loaded.library();
      if (lib.isEmpty()) {
        LOG.debug("{}", loaded.description());
        return Availability.unavailable(loaded.description());
      }
      RocmSmiApi rsmi = lib.get();
      int status = rsmi.init(0L);
      if (status != RsmiStatus.SUCCESS) {
        String reason = "rsmi_init failed: " + RsmiStatus.name(status);
        LOG.debug("{}", reason);
        return Availability.unavailable(reason);
      }
      try {
        RocmSmiApi.Reading count = rsmi.numMonitorDevices();
        if (count.status() != RsmiStatus.SUCCESS) {
          return Availability.unavailable(
              "rsmi_num_monitor_devices failed: " + RsmiStatus.name(count.status()));
        }
        long devices = count.value();
        if (devices == 0) {
          return Availability.unavailable("ROCm SMI sees no GPU");
        }
        return Availability.available(devices + " GPU(s) through " + loaded.description());
      } finally {
        rsmi.shutDown();
      }
    } catch (LinkageError | RuntimeException e) {
      LOG.debug("ROCm SMI probe failed", e);
      return Availability.unavailable("ROCm SMI probe failed: " + e);
    }
  }

  @Override
  public GpuBackend open(Clock clock) {
    RocmSmiLoader.Loaded loaded;
    try {
      loaded = loader.get();
    } catch (LinkageError e) {
      throw new BackendException(BackendException.Kind.UNAVAILABLE, "ROCm SMI not loadable", e);
    }
    RocmSmiApi rsmi =
        loaded
            .library()
            .orElseThrow(
                () ->
                    new BackendException(BackendException.Kind.UNAVAILABLE, loaded.description()));
    try {
      return RocmSmiBackend.open(rsmi, clock);
    } catch (LinkageError e) {
      throw new BackendException(
          BackendException.Kind.UNAVAILABLE, "ROCm SMI is missing a function: " + e, e);
    }
  }
}
