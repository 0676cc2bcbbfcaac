package io.hwledger.metal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@Verifies({"FR-TELEMETRY-006", "FR-TELEMETRY-001"})
class MetalBackendProviderTest {
  private static final long GIB = 1L << 30;
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

  /** A scripted Metal device. */
  static final class FakeMetal implements MetalDevice {
    final AtomicInteger releases = new AtomicInteger();
    long allocated = 2 * GIB;

    @Override
    public String name() {
      return "Apple M4";
    }

    @Override
    public boolean hasUnifiedMemory() {
      return true;
    }

    @Override
    public MetalReading read() {
      return new MetalReading(OptionalLong.of(12 * GIB), OptionalLong.of(allocated));
    }

    @Override
    public void close() {
      releases.incrementAndGet();
    }
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void unavailableOnThisLinuxMachineWithTheReason() {
    MetalBackendProvider provider = new MetalBackendProvider();

    assertThat(provider.id()).isEqualTo("metal");
    assertThat(provider.priority()).isEqualTo(100);
    assertThat(provider.isAvailable())
        .isEqualTo(Availability.unavailable("Metal is only available on macOS; this is Linux"));
    assertThatThrownBy(() -> provider.open(CLOCK))
        .isInstanceOfSatisfying(
            BackendException.class,
            e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNAVAILABLE))
        .hasMessage("Metal is only available on macOS; this is Linux");
  }

  @Test
  void nonMacNeverTouchesMetal() {
    MetalBackendProvider provider =
        new MetalBackendProvider(
            "Windows 11",
            () -> {
              throw new AssertionError("must not load Metal");
            },
            (cmd, t) -> {
              throw new AssertionError("must not run " + cmd);
            });
    assertThat(provider.isAvailable().reason())
        .isEqualTo("Metal is only available on macOS; this is Windows 11");
  }

  @Test
  void macWithoutMetalIsUnavailableWithTheReason() {
    MetalBackendProvider provider =
        new MetalBackendProvider(
            "Mac OS X",
            () -> {
              throw new BackendException(
                  BackendException.Kind.UNAVAILABLE, "MTLCreateSystemDefaultDevice returned nil");
            },
            (cmd, t) -> "");
    assertThat(provider.isAvailable())
        .isEqualTo(Availability.unavailable("MTLCreateSystemDefaultDevice returned nil"));
    assertThatThrownBy(() -> provider.open(CLOCK))
        .isInstanceOf(BackendException.class)
        .hasMessage("MTLCreateSystemDefaultDevice returned nil");
  }

  @Test
  void macSessionSamplesMetalAndIoreg() {
    FakeMetal metal = new FakeMetal();
    List<List<String>> commands = new ArrayList<>();
    MetalBackendProvider provider =
        new MetalBackendProvider(
            "Mac OS X",
            () -> metal,
            (cmd, t) -> {
              commands.add(cmd);
              return Fixtures.read("ioreg-m4.txt");
            });

    assertThat(provider.isAvailable())
        .isEqualTo(Availability.available("Metal device Apple M4 (unified memory)"));
    assertThat(metal.releases).hasValue(1);

    GpuBackend backend = provider.open(CLOCK);
    GpuDevice device = backend.devices().get(0);
    assertThat(device.name()).isEqualTo("Apple M4");
    assertThat(device.uuid()).isEqualTo("apple-gpu-0");
    assertThat(device.architecture()).hasValue("AGXAcceleratorG16G");
    assertThat(device.memoryTotalBytes()).hasValue(12 * GIB);

    TelemetrySample s = backend.sample(device);
    assertThat(s.timestamp()).isEqualTo(CLOCK.instant());
    assertThat(s.memory().totalBytes()).hasValue(12 * GIB);
    assertThat(s.memory().usedBytes()).hasValue(2 * GIB);
    assertThat(s.memory().freeBytes()).hasValue(10 * GIB);
    assertThat(s.utilizationPercent()).hasValue(30.0);
    assertThat(s.temperatureC()).isEmpty();
    assertThat(s.powerWatts()).isEmpty();
    // The platform UUID is read once, at open; the IOAccelerator statistics at open and per sample.
    assertThat(commands).filteredOn(PlatformUuid.COMMAND::equals).hasSize(1);
    assertThat(commands)
        .filteredOn(c -> !c.equals(PlatformUuid.COMMAND))
        .allSatisfy(
            c ->
                assertThat(c)
                    .containsExactly("ioreg", "-r", "-d", "1", "-w", "0", "-c", "IOAccelerator"));

    backend.close();
    backend.close();
    assertThat(metal.releases).hasValue(2); // one for isAvailable, one for the session
    assertThatThrownBy(() -> backend.sample(device)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(backend::devices).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void failingIoregLeavesUtilisationAbsentButMemoryReported() {
    MetalBackendProvider provider =
        new MetalBackendProvider(
            "Mac OS X",
            FakeMetal::new,
            (cmd, t) -> {
              throw new IOException("ioreg exited with status 1");
            });
    try (GpuBackend backend = provider.open(CLOCK)) {
      GpuDevice device = backend.devices().get(0);
      assertThat(device.architecture()).isEmpty();
      TelemetrySample s = backend.sample(device);
      assertThat(s.utilizationPercent()).isEmpty();
      assertThat(s.memory().usedBytes()).hasValue(2 * GIB);
    }
  }

  @Test
  void serviceLoaderFindsBothProviders() {
    List<String> ids = new ArrayList<>();
    for (GpuBackendProvider p : ServiceLoader.load(GpuBackendProvider.class)) {
      ids.add(p.id());
      assertThat(p.isAvailable()).isNotNull(); // never throws, on any OS
    }
    assertThat(ids).contains("metal", "macmon");
  }
}
