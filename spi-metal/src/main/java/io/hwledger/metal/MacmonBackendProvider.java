package io.hwledger.metal;

import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.Vendor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * Apple GPUs through the {@code macmon} tool (id {@code macmon}, priority 20): utilisation, GPU
 * temperature, GPU power and frequency from {@code macmon pipe -s 1}, without sudo. Memory is not
 * reported (see {@link AppleSamples#fromMacmon}). Each sample spawns macmon, which itself samples
 * for about a second. Available on macOS when {@code macmon} is on {@code PATH}.
 */
public final class MacmonBackendProvider implements GpuBackendProvider {

  /** The provider id. */
  public static final String ID = "macmon";

  private final String osName;
  private final String path;
  private final CommandRunner runner;

  /** For {@link java.util.ServiceLoader}: no side effects. */
  public MacmonBackendProvider() {
    this(
        System.getProperty("os.name", ""),
        Optional.ofNullable(System.getenv("PATH")).orElse(""),
        CommandRunner.system());
  }

  /** For tests: {@code path} is a {@code PATH}-style list of directories. */
  MacmonBackendProvider(String osName, String path, CommandRunner runner) {
    this.osName = osName;
    this.path = path;
    this.runner = runner;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int priority() {
    return 20;
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
    return locate()
        .map(p -> Availability.available("macmon at " + p))
        .orElseGet(() -> Availability.unavailable(notFound()));
  }

  @Override
  public GpuBackend open(Clock clock) {
    if (!Platforms.isMac(osName)) {
      throw new BackendException(BackendException.Kind.UNAVAILABLE, notMac());
    }
    Path macmon =
        locate()
            .orElseThrow(() -> new BackendException(BackendException.Kind.UNAVAILABLE, notFound()));
    return new MacmonBackend(ID, macmon.toString(), runner, clock);
  }

  private Optional<Path> locate() {
    return Platforms.which("macmon", path);
  }

  private String notMac() {
    return "macmon is only available on macOS; this is " + osName;
  }

  private static String notFound() {
    return "macmon not found on PATH (install it with: brew install macmon)";
  }
}
