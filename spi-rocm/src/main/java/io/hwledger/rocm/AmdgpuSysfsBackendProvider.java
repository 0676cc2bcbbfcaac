package io.hwledger.rocm;

import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.Vendor;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AMD GPUs read from the amdgpu kernel driver's sysfs files (id {@code amdgpu-sysfs}, priority 50):
 * works with only the kernel driver, no ROCm. The root is {@code /} unless {@value
 * AmdgpuSysfs#ROOT_PROPERTY} or {@value AmdgpuSysfs#ROOT_ENV} says otherwise.
 */
public final class AmdgpuSysfsBackendProvider implements GpuBackendProvider {
  /** The provider id. */
  public static final String ID = "amdgpu-sysfs";

  private static final Logger LOG = LoggerFactory.getLogger(AmdgpuSysfsBackendProvider.class);

  private final Supplier<AmdgpuSysfs> sysfs;

  /** The provider {@link java.util.ServiceLoader} creates; reads the root on use. */
  public AmdgpuSysfsBackendProvider() {
    this(AmdgpuSysfs::fromConfiguration);
  }

  /** A provider reading the tree that {@code sysfs} supplies (tests). */
  AmdgpuSysfsBackendProvider(Supplier<AmdgpuSysfs> sysfs) {
    this.sysfs = sysfs;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int priority() {
    return 50;
  }

  @Override
  public Vendor vendor() {
    return Vendor.AMD;
  }

  @Override
  public Availability isAvailable() {
    try {
      AmdgpuSysfs reader = sysfs.get();
      List<AmdgpuSysfs.Card> cards = reader.scan();
      if (cards.isEmpty()) {
        LOG.debug("no amdgpu card under {}", reader.drmDirectory());
        return Availability.unavailable("no AMD (0x1002) card under " + reader.drmDirectory());
      }
      return Availability.available(
          cards.size() + " amdgpu card(s) under " + reader.drmDirectory());
    } catch (IOException | RuntimeException e) {
      LOG.debug("amdgpu sysfs scan failed", e);
      return Availability.unavailable("amdgpu sysfs scan failed: " + e);
    }
  }

  @Override
  public GpuBackend open(Clock clock) {
    AmdgpuSysfs reader = sysfs.get();
    List<AmdgpuSysfs.Card> cards;
    try {
      cards = reader.scan();
    } catch (IOException e) {
      throw new BackendException(
          BackendException.Kind.UNAVAILABLE, "cannot list " + reader.drmDirectory(), e);
    }
    if (cards.isEmpty()) {
      throw new BackendException(
          BackendException.Kind.UNAVAILABLE, "no AMD (0x1002) card under " + reader.drmDirectory());
    }
    return new AmdgpuSysfsBackend(reader, cards, clock);
  }
}
