package io.hwledger.metal;

import io.hwledger.metal.jna.MetalJna;
import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.Vendor;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apple GPUs through Metal (id {@code metal}, priority 100): memory from Metal's default device,
 * utilisation from IOKit's {@code PerformanceStatistics} read with {@code ioreg}.
 *
 * <p>The device's memory total is {@code recommendedMaxWorkingSetSize}, the GPU's budget: on Apple
 * silicon it is part of unified memory and follows {@code sysctl iogpu.wired_limit_mb}. Used is
 * {@code currentAllocatedSize}: what <em>this JVM process</em> has allocated through Metal, not the
 * whole machine's GPU memory. On any other OS the provider is unavailable with that reason.
 */
public final class MetalBackendProvider implements GpuBackendProvider {
  private static final Logger LOG = LoggerFactory.getLogger(MetalBackendProvider.class);

  /** The provider id. */
  public static final String ID = "metal";

  private final String osName;
  private final Supplier<MetalDevice> opener;
  private final CommandRunner runner;

  /** For {@link java.util.ServiceLoader}: no side effects; Metal loads on first use. */
  public MetalBackendProvider() {
    this(System.getProperty("os.name", ""), MetalJna::openDefaultDevice, CommandRunner.system());
  }

  /**
   * For tests.
   *
   * @param opener opens Metal's default device, throwing {@link BackendException} if it cannot
   */
  MetalBackendProvider(String osName, Supplier<MetalDevice> opener, CommandRunner runner) {
    this.osName = osName;
    this.opener = opener;
    this.runner = runner;
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
    return Vendor.APPLE;
  }

  @Override
  public Availability isAvailable() {
    if (!Platforms.isMac(osName)) {
      return Availability.unavailable(notMac());
    }
    try (MetalDevice device = opener.get()) {
      return Availability.available(
          "Metal device " + device.name() + (device.hasUnifiedMemory() ? " (unified memory)" : ""));
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("Metal unavailable", e);
      return Availability.unavailable(String.valueOf(e.getMessage()));
    }
  }

  @Override
  public GpuBackend open(Clock clock) {
    if (!Platforms.isMac(osName)) {
      throw new BackendException(BackendException.Kind.UNAVAILABLE, notMac());
    }
    MetalDevice device;
    try {
      device = opener.get();
    } catch (BackendException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      throw new BackendException(
          BackendException.Kind.UNAVAILABLE, "cannot open Metal: " + e.getMessage(), e);
    }
    try {
      return new MetalBackend(ID, device, runner, clock);
    } catch (RuntimeException e) {
      device.close();
      throw e;
    }
  }

  private String notMac() {
    return "Metal is only available on macOS; this is " + osName;
  }
}
