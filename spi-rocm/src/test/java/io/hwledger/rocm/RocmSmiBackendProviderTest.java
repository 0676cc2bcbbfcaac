package io.hwledger.rocm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.hwledger.rocm.jna.RocmSmiLoader;
import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.ProcessMemory;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import io.hwledger.testsupport.Verifies;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the production JNA path against {@code src/test/c/fake_rocm_smi.c}, whose path Surefire
 * passes in {@code hwledger.rocm.library}.
 */
@Verifies({"FR-TELEMETRY-004", "FR-TELEMETRY-007"})
class RocmSmiBackendProviderTest {
  private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** The fake's control functions; the same native handle as the production binding. */
  interface FakeControl extends Library {
    void fake_rsmi_reset();

    void fake_rsmi_set_scenario(int scenario);

    int fake_rsmi_refcount();

    int fake_rsmi_init_calls();

    int fake_rsmi_shutdown_calls();
  }

  /** The same fake compiled without the newer exports (Surefire passes its path). */
  interface OldFakeControl extends Library {
    void fake_rsmi_reset();

    int fake_rsmi_refcount();
  }

  private static final String OLD_LIBRARY_PROPERTY = "hwledger.test.rocm.old.library";

  private static final FakeControl FAKE =
      Native.load(System.getProperty(RocmSmiLoader.LIBRARY_PROPERTY), FakeControl.class);

  @BeforeEach
  void reset() {
    FAKE.fake_rsmi_reset();
  }

  @Test
  void lookupUsesTheExplicitPathFirst() {
    List<String> candidates = RocmSmiLoader.candidates();
    assertThat(candidates.get(0)).isEqualTo(System.getProperty(RocmSmiLoader.LIBRARY_PROPERTY));
    assertThat(candidates.subList(1, candidates.size()))
        .containsExactly(
            "rocm_smi64", "librocm_smi64.so.7", "librocm_smi64.so.6", "librocm_smi64.so.5");
    RocmSmiLoader.Loaded loaded = RocmSmiLoader.get();
    assertThat(loaded.library()).isPresent();
    assertThat(loaded.description()).isEqualTo(candidates.get(0));
  }

  @Test
  void serviceLoaderFindsBothProviders() {
    assertThat(ServiceLoader.load(GpuBackendProvider.class).stream().map(p -> p.get().id()))
        .contains("rocm-smi-lib", "amdgpu-sysfs");
  }

  @Test
  void availableAndInitPairedWithShutdown() {
    RocmSmiBackendProvider p = new RocmSmiBackendProvider();
    assertThat(p.id()).isEqualTo("rocm-smi-lib");
    assertThat(p.priority()).isEqualTo(90);
    Availability a = p.isAvailable();
    assertThat(a.available()).isTrue();
    assertThat(a.reason()).startsWith("2 GPU(s) through ");
    assertThat(FAKE.fake_rsmi_init_calls()).isEqualTo(1);
    assertThat(FAKE.fake_rsmi_shutdown_calls()).isEqualTo(1);
    assertThat(FAKE.fake_rsmi_refcount()).isZero();
  }

  @Test
  void devicesCarryScriptedIdentity() {
    try (GpuBackend backend = new RocmSmiBackendProvider().open(CLOCK)) {
      assertThat(backend.id()).isEqualTo("rocm-smi-lib");
      assertThat(backend.devices())
          .containsExactly(
              new GpuDevice(
                  "rocm-smi-lib",
                  0,
                  "0x1234abcd5678ef00",
                  Optional.of("0000:c1:00.0"),
                  "AMD Instinct MI300X",
                  Vendor.AMD,
                  Optional.of("gfx942"),
                  Optional.of("6.10.5"),
                  OptionalLong.of(206158430208L)),
              new GpuDevice(
                  "rocm-smi-lib",
                  1,
                  "0001:03:00.1",
                  Optional.of("0001:03:00.1"),
                  "Radeon RX 7900 XT",
                  Vendor.AMD,
                  Optional.of("gfx1100"),
                  Optional.of("6.10.5"),
                  OptionalLong.of(21458059264L)));
    }
  }

  @Test
  void samplesScriptedValues() {
    try (GpuBackend backend = new RocmSmiBackendProvider().open(CLOCK)) {
      TelemetrySample s = backend.sample(backend.devices().get(0));
      assertThat(s.timestamp()).isEqualTo(NOW);
      assertThat(s.memory().totalBytes()).hasValue(206158430208L);
      assertThat(s.memory().usedBytes()).hasValue(1073741824L);
      assertThat(s.memory().freeBytes()).hasValue(205084688384L);
      assertThat(s.memory().reservedBytes()).isEmpty();
      assertThat(s.utilizationPercent()).isEqualTo(OptionalDouble.of(37.0));
      assertThat(s.temperatureC()).isEqualTo(OptionalDouble.of(45.0));
      assertThat(s.powerWatts()).isEqualTo(OptionalDouble.of(350.0));
      assertThat(s.graphicsClockMhz()).isEmpty();
      assertThat(s.processes())
          .hasValue(
              List.of(
                  new ProcessMemory(4242, OptionalLong.of(8589934592L)),
                  new ProcessMemory(77, OptionalLong.of(268435456L))));
    }
  }

  @Test
  void notSupportedIsAbsentAndJunctionBacksUpEdge() {
    try (GpuBackend backend = new RocmSmiBackendProvider().open(CLOCK)) {
      TelemetrySample s = backend.sample(backend.devices().get(1));
      assertThat(s.memory().totalBytes()).hasValue(21458059264L);
      assertThat(s.memory().usedBytes()).hasValue(27856896L);
      assertThat(s.utilizationPercent()).isEmpty();
      assertThat(s.powerWatts()).isEmpty();
      assertThat(s.temperatureC()).isEqualTo(OptionalDouble.of(61.5));
      // pid 3000000000 does not fit a Java int: widened from uint32_t.
      assertThat(s.processes())
          .hasValue(
              List.of(
                  new ProcessMemory(4242, OptionalLong.of(1048576L)),
                  new ProcessMemory(3000000000L, OptionalLong.of(33554432L))));
    }
  }

  @Test
  void unsupportedIdentityAndRefusedProcessListAreAbsent() {
    FAKE.fake_rsmi_set_scenario(3);
    try (GpuBackend backend = new RocmSmiBackendProvider().open(CLOCK)) {
      GpuDevice d0 = backend.devices().get(0);
      assertThat(d0.architecture()).isEmpty();
      assertThat(d0.driverVersion()).isEmpty();
      TelemetrySample s = backend.sample(d0);
      assertThat(s.processes()).isEmpty();
      assertThat(s.memory().usedBytes()).hasValue(1073741824L);
    }
  }

  @Test
  void processListThatKeepsGrowingIsAbsent() {
    try (GpuBackend backend = new RocmSmiBackendProvider().open(CLOCK)) {
      FAKE.fake_rsmi_set_scenario(4);
      assertThat(backend.sample(backend.devices().get(0)).processes()).isEmpty();
    }
  }

  @Test
  void olderLibraryWithoutNewerExportsDegrades() {
    RocmSmiBackendProvider p =
        new RocmSmiBackendProvider(
            () -> RocmSmiLoader.load(List.of(System.getProperty(OLD_LIBRARY_PROPERTY))));
    OldFakeControl old =
        Native.load(System.getProperty(OLD_LIBRARY_PROPERTY), OldFakeControl.class);
    old.fake_rsmi_reset();
    try (GpuBackend backend = p.open(CLOCK)) {
      List<GpuDevice> devices = backend.devices();
      // rsmi_dev_target_graphics_version_get is missing: no architecture; the driver still reads.
      assertThat(devices).extracting(GpuDevice::architecture).containsOnly(Optional.empty());
      assertThat(devices).extracting(GpuDevice::driverVersion).containsOnly(Optional.of("6.10.5"));
      // rsmi_compute_process_info_by_device_get is missing: the per-pid total stands in for a
      // process on one GPU only (77, 3000000000); 4242 uses both GPUs, so its bytes are unknown.
      assertThat(backend.sample(devices.get(0)).processes())
          .hasValue(
              List.of(
                  new ProcessMemory(4242, OptionalLong.empty()),
                  new ProcessMemory(77, OptionalLong.of(268435456L))));
      assertThat(backend.sample(devices.get(1)).processes())
          .hasValue(
              List.of(
                  new ProcessMemory(4242, OptionalLong.empty()),
                  new ProcessMemory(3000000000L, OptionalLong.of(33554432L))));
    }
    assertThat(old.fake_rsmi_refcount()).isZero();
  }

  @Test
  void driverMissingIsUnavailableWithReason() {
    FAKE.fake_rsmi_set_scenario(1);
    RocmSmiBackendProvider p = new RocmSmiBackendProvider();
    Availability a = p.isAvailable();
    assertThat(a.available()).isFalse();
    assertThat(a.reason()).isEqualTo("rsmi_init failed: RSMI_STATUS_INIT_ERROR");
    assertThatThrownBy(() -> p.open(CLOCK))
        .isInstanceOfSatisfying(
            BackendException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(BackendException.Kind.UNAVAILABLE);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "rsmi_init failed: RSMI_STATUS_INIT_ERROR (RSMI_STATUS_INIT_ERROR: An error"
                          + " occurred during initialization)");
            });
    assertThat(FAKE.fake_rsmi_refcount()).isZero();
  }

  @Test
  void deviceErrorFailsTheSample() {
    try (GpuBackend backend = new RocmSmiBackendProvider().open(CLOCK)) {
      FAKE.fake_rsmi_set_scenario(2);
      GpuDevice d0 = backend.devices().get(0);
      assertThatThrownBy(() -> backend.sample(d0))
          .isInstanceOfSatisfying(
              BackendException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(BackendException.Kind.FAILED);
                assertThat(e.getMessage())
                    .isEqualTo(
                        "rsmi_dev_memory_usage_get failed: RSMI_STATUS_INTERNAL_EXCEPTION"
                            + " (RSMI_STATUS_INTERNAL_EXCEPTION: An internal exception was"
                            + " caught)");
              });
      // The other device is unaffected.
      assertThat(backend.sample(backend.devices().get(1)).memory().usedBytes()).hasValue(27856896L);
    }
  }

  @Test
  void closeShutsDownOnceAndIsFinal() {
    GpuBackend backend = new RocmSmiBackendProvider().open(CLOCK);
    GpuDevice d = backend.devices().get(0);
    assertThat(FAKE.fake_rsmi_refcount()).isEqualTo(1);
    backend.close();
    backend.close();
    assertThat(FAKE.fake_rsmi_refcount()).isZero();
    assertThat(FAKE.fake_rsmi_shutdown_calls()).isEqualTo(1);
    assertThatThrownBy(() -> backend.sample(d)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void missingLibraryIsUnavailableNeverThrows() {
    RocmSmiBackendProvider p =
        new RocmSmiBackendProvider(
            () -> RocmSmiLoader.load(List.of("/nonexistent/librocm_smi64.so.7")));
    Availability a = p.isAvailable();
    assertThat(a.available()).isFalse();
    assertThat(a.reason())
        .isEqualTo("ROCm SMI library not found (tried [/nonexistent/librocm_smi64.so.7])");
    assertThatThrownBy(() -> p.open(CLOCK))
        .isInstanceOfSatisfying(
            BackendException.class,
            e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNAVAILABLE));
  }

  @Test
  void statusMapping() {
    assertThat(RsmiStatus.outcome(0)).isEqualTo(RsmiStatus.Outcome.OK);
    assertThat(RsmiStatus.outcome(2)).isEqualTo(RsmiStatus.Outcome.ABSENT);
    assertThat(RsmiStatus.outcome(9)).isEqualTo(RsmiStatus.Outcome.ABSENT);
    assertThat(RsmiStatus.outcome(8)).isEqualTo(RsmiStatus.Outcome.UNAVAILABLE);
    assertThat(RsmiStatus.outcome(6)).isEqualTo(RsmiStatus.Outcome.FAILED);
    assertThat(RsmiStatus.outcome(0xFFFFFFFF)).isEqualTo(RsmiStatus.Outcome.FAILED);
    assertThat(RsmiStatus.name(0xFFFFFFFF)).isEqualTo("RSMI_STATUS_UNKNOWN_ERROR");
    assertThat(RocmSmiBackend.pciAddress(0x0000_0001_0000_c119L)).isEqualTo("0001:c1:03.1");
  }
}
