package io.hwledger.rocm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies({"FR-TELEMETRY-005", "FR-TELEMETRY-007"})
class AmdgpuSysfsBackendProviderTest {
  private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir Path root;

  private Path drm;

  @BeforeEach
  void tree() throws IOException {
    drm = FakeSysfsTree.write(root);
  }

  private AmdgpuSysfsBackendProvider provider() {
    return new AmdgpuSysfsBackendProvider(() -> new AmdgpuSysfs(root));
  }

  @Test
  void scanFindsOnlyAmdCardsInCardOrder() throws IOException {
    List<AmdgpuSysfs.Card> cards = new AmdgpuSysfs(root).scan();
    assertThat(cards).extracting(AmdgpuSysfs.Card::cardNumber).containsExactly(0, 1, 10);
  }

  @Test
  void availableWithCount() {
    Availability a = provider().isAvailable();
    assertThat(a.available()).isTrue();
    assertThat(a.reason()).startsWith("3 amdgpu card(s) under ");
    assertThat(provider().id()).isEqualTo("amdgpu-sysfs");
    assertThat(provider().priority()).isEqualTo(50);
  }

  @Test
  void devicesHaveStableIdentity() {
    try (GpuBackend backend = provider().open(CLOCK)) {
      List<GpuDevice> devices = backend.devices();
      assertThat(devices)
          .containsExactly(
              new GpuDevice(
                  "amdgpu-sysfs",
                  0,
                  "0xa1b2c3d4e5f60718", // sysfs unique_id a1b2c3d4e5f60718, as AmdGpuIdentity
                  Optional.of("0000:c1:00.0"),
                  "AMD Instinct MI300X",
                  Vendor.AMD,
                  Optional.empty(),
                  Optional.empty(),
                  OptionalLong.of(206158430208L)),
              new GpuDevice(
                  "amdgpu-sysfs",
                  1,
                  "0000:03:00.0",
                  Optional.of("0000:03:00.0"),
                  "AMD GPU 0x744c",
                  Vendor.AMD,
                  Optional.empty(),
                  Optional.empty(),
                  OptionalLong.of(21458059264L)),
              new GpuDevice(
                  "amdgpu-sysfs",
                  2,
                  "amdgpu-card10",
                  Optional.empty(),
                  "AMD GPU card10",
                  Vendor.AMD,
                  Optional.empty(),
                  Optional.empty(),
                  OptionalLong.empty()));
      assertThat(backend.devices()).isEqualTo(devices);
    }
  }

  @Test
  void fullCardSample() {
    try (GpuBackend backend = provider().open(CLOCK)) {
      TelemetrySample s = backend.sample(backend.devices().get(0));
      assertThat(s.timestamp()).isEqualTo(NOW);
      assertThat(s.memory().totalBytes()).hasValue(206158430208L);
      assertThat(s.memory().usedBytes()).hasValue(1073741824L);
      assertThat(s.memory().freeBytes()).hasValue(206158430208L - 1073741824L);
      assertThat(s.memory().reservedBytes()).isEmpty();
      assertThat(s.memory().usedIncludesReserved()).isFalse();
      assertThat(s.utilizationPercent()).isEqualTo(OptionalDouble.of(37.0));
      assertThat(s.temperatureC()).isEqualTo(OptionalDouble.of(45.0));
      assertThat(s.powerWatts()).isEqualTo(OptionalDouble.of(350.0));
      assertThat(s.graphicsClockMhz()).hasValue(2100);
      assertThat(s.memoryClockMhz()).hasValue(1300);
      assertThat(s.processes()).isEmpty();
    }
  }

  @Test
  void missingFilesAreAbsentNeverZero() {
    try (GpuBackend backend = provider().open(CLOCK)) {
      TelemetrySample s = backend.sample(backend.devices().get(1));
      assertThat(s.memory().totalBytes()).hasValue(21458059264L);
      assertThat(s.memory().usedBytes()).hasValue(27856896L);
      assertThat(s.memory().freeBytes()).hasValue(21458059264L - 27856896L);
      assertThat(s.utilizationPercent()).isEmpty();
      assertThat(s.temperatureC()).isEmpty();
      assertThat(s.powerWatts()).isEmpty();
      assertThat(s.graphicsClockMhz()).isEmpty();
      assertThat(s.memoryClockMhz()).isEmpty();

      TelemetrySample t = backend.sample(backend.devices().get(2));
      assertThat(t.memory().totalBytes()).isEmpty();
      assertThat(t.memory().usedBytes()).isEmpty();
      assertThat(t.memory().freeBytes()).isEmpty();
      assertThat(t.powerWatts()).isEqualTo(OptionalDouble.of(12.5));
      assertThat(t.temperatureC()).isEqualTo(OptionalDouble.of(38.5));
    }
  }

  @Test
  void malformedFileIsAbsent() throws IOException {
    FakeSysfsTree.file(drm.resolve("card10/device/gpu_busy_percent"), "garbage\n");
    try (GpuBackend backend = provider().open(CLOCK)) {
      assertThat(backend.sample(backend.devices().get(2)).utilizationPercent()).isEmpty();
    }
  }

  @Test
  void removedCardIsDeviceLost() throws IOException {
    try (GpuBackend backend = provider().open(CLOCK)) {
      GpuDevice card10 = backend.devices().get(2);
      deleteTree(drm.resolve("card10"));
      assertThatThrownBy(() -> backend.sample(card10))
          .isInstanceOfSatisfying(
              BackendException.class,
              e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.DEVICE_LOST));
    }
  }

  @Test
  void closeIsIdempotentAndFinal() {
    GpuBackend backend = provider().open(CLOCK);
    GpuDevice d = backend.devices().get(0);
    backend.close();
    backend.close();
    assertThatThrownBy(() -> backend.sample(d)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(backend::devices).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void unavailableWithoutCardsAndOpenThrows(@TempDir Path empty) {
    AmdgpuSysfsBackendProvider p = new AmdgpuSysfsBackendProvider(() -> new AmdgpuSysfs(empty));
    Availability a = p.isAvailable();
    assertThat(a.available()).isFalse();
    assertThat(a.reason()).startsWith("no AMD (0x1002) card under ");
    assertThatThrownBy(() -> p.open(CLOCK))
        .isInstanceOfSatisfying(
            BackendException.class,
            e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNAVAILABLE));
  }

  @Test
  void availabilityNeverThrows() {
    AmdgpuSysfsBackendProvider broken =
        new AmdgpuSysfsBackendProvider(
            () -> {
              throw new IllegalStateException("boom");
            });
    assertThat(broken.isAvailable().available()).isFalse();
  }

  @Test
  void rootFromSystemProperty() {
    String old = System.getProperty(AmdgpuSysfs.ROOT_PROPERTY);
    System.setProperty(AmdgpuSysfs.ROOT_PROPERTY, root.toString());
    try {
      assertThat(AmdgpuSysfs.fromConfiguration().root()).isEqualTo(root);
      assertThat(new AmdgpuSysfsBackendProvider().isAvailable().available()).isTrue();
    } finally {
      if (old == null) {
        System.clearProperty(AmdgpuSysfs.ROOT_PROPERTY);
      } else {
        System.setProperty(AmdgpuSysfs.ROOT_PROPERTY, old);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
