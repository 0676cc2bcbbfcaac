package io.hwledger.nvidia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.nvidia.jna.NvmlLoader;
import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.ProcessMemory;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.testsupport.Verifies;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The NVML backend against the fake library in {@code src/test/c/fake_nvml.c}, loaded through the
 * production lookup ({@code hwledger.nvml.library}, set by Surefire).
 */
@Verifies({"FR-TELEMETRY-002", "FR-TELEMETRY-007"})
class NvmlBackendNativeTest {

  private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static final long H100_TOTAL = 85_520_809_984L;
  private static final long H100_RESERVED = 566_231_040L;
  private static final long H100_USED = 10_737_418_240L;
  private static final long H100_FREE = 74_217_160_704L;

  private final FakeNvml fake = FakeNvml.load(FakeNvml.currentPath());
  private final FakeNvml oldFake = FakeNvml.load(FakeNvml.oldPath());

  @BeforeEach
  @AfterEach
  void reset() {
    fake.fake_nvml_reset();
    oldFake.fake_nvml_reset();
  }

  private static NvmlBackendProvider provider() {
    return new NvmlBackendProvider();
  }

  @Test
  void productionLookupFindsTheExplicitPath() {
    assertThat(NvmlLoader.defaultCandidates())
        .startsWith(FakeNvml.currentPath(), "nvidia-ml", "libnvidia-ml.so.1");
    NvmlLoad load = NvmlLoader.shared();
    assertThat(load.api()).isPresent();
    assertThat(load.description()).isEqualTo(FakeNvml.currentPath());
  }

  @Test
  void serviceLoaderFindsBothProviders() {
    List<String> ids = new ArrayList<>();
    for (GpuBackendProvider p : ServiceLoader.load(GpuBackendProvider.class)) {
      ids.add(p.id() + "@" + p.priority());
    }
    assertThat(ids).contains("nvml@100", "nvidia-smi@10");
  }

  @Test
  void devicesCarryTheScriptedIdentity() {
    try (GpuBackend backend = provider().open(CLOCK)) {
      assertThat(backend.id()).isEqualTo("nvml");
      List<GpuDevice> devices = backend.devices();
      assertThat(devices).hasSize(2);
      GpuDevice h100 = devices.get(0);
      assertThat(h100.index()).isZero();
      assertThat(h100.uuid()).isEqualTo("GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f");
      assertThat(h100.name()).isEqualTo("NVIDIA H100 80GB HBM3");
      assertThat(h100.pciBusId()).contains("00000000:1B:00.0");
      assertThat(h100.architecture()).contains("sm_90");
      assertThat(h100.driverVersion()).contains("550.54.15");
      assertThat(h100.memoryTotalBytes()).hasValue(H100_TOTAL);
      GpuDevice a100 = devices.get(1);
      assertThat(a100.uuid()).isEqualTo("GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d");
      assertThat(a100.name()).isEqualTo("NVIDIA A100-SXM4-40GB");
      assertThat(a100.pciBusId()).contains("00000000:3B:00.0");
      assertThat(a100.architecture()).contains("sm_80");
      assertThat(a100.memoryTotalBytes()).hasValue(42_949_672_960L);
      assertThat(backend.devices()).isEqualTo(devices);
    }
  }

  @Test
  void sampleReportsExactScriptedValues() {
    try (GpuBackend backend = provider().open(CLOCK)) {
      GpuDevice h100 = backend.devices().get(0);
      TelemetrySample s = backend.sample(h100);
      assertThat(s.device()).isEqualTo(h100);
      assertThat(s.timestamp()).isEqualTo(NOW);
      assertThat(s.memory())
          .isEqualTo(
              new MemoryUsage(
                  OptionalLong.of(H100_TOTAL),
                  OptionalLong.of(H100_USED),
                  OptionalLong.of(H100_FREE),
                  OptionalLong.of(H100_RESERVED),
                  false));
      assertThat(s.utilizationPercent()).hasValue(87.0);
      assertThat(s.temperatureC()).hasValue(64.0);
      assertThat(s.powerWatts()).hasValue(312.5);
      assertThat(s.graphicsClockMhz()).hasValue(1755);
      assertThat(s.memoryClockMhz()).hasValue(2619);
      assertThat(s.processes())
          .contains(
              List.of(
                  new ProcessMemory(4242, OptionalLong.of(8_589_934_592L)),
                  new ProcessMemory(4343, OptionalLong.of(2_147_483_648L)),
                  new ProcessMemory(4444, OptionalLong.empty())));

      TelemetrySample a = backend.sample(backend.devices().get(1));
      assertThat(a.memory().usedBytes()).hasValue(0);
      assertThat(a.memory().reservedBytes()).hasValue(419_430_400L);
      assertThat(a.memory().freeBytes()).hasValue(42_530_242_560L);
      assertThat(a.utilizationPercent()).hasValue(0.0);
      assertThat(a.powerWatts()).hasValue(54.321);
      assertThat(a.processes()).contains(List.of());
    }
    assertThat(fake.fake_nvml_memory_v1_calls()).isZero();
  }

  @Test
  void everyInitIsPairedWithOneShutdownAndCloseIsIdempotent() {
    NvmlBackendProvider provider = provider();
    assertThat(provider.isAvailable().available()).isTrue();
    assertThat(fake.fake_nvml_init_calls()).isEqualTo(1);
    assertThat(fake.fake_nvml_shutdown_calls()).isEqualTo(1);

    GpuBackend first = provider.open(CLOCK);
    GpuBackend second = provider.open(CLOCK);
    assertThat(fake.fake_nvml_init_refs()).isEqualTo(2);
    first.close();
    first.close();
    assertThat(fake.fake_nvml_init_refs()).isEqualTo(1);
    second.sample(second.devices().get(0));
    second.close();
    second.close();
    assertThat(fake.fake_nvml_init_calls()).isEqualTo(3);
    assertThat(fake.fake_nvml_shutdown_calls()).isEqualTo(3);
    assertThat(fake.fake_nvml_init_refs()).isZero();
  }

  @Test
  void callsAfterCloseThrowIllegalState() {
    GpuBackend backend = provider().open(CLOCK);
    GpuDevice device = backend.devices().get(0);
    backend.close();
    assertThatThrownBy(() -> backend.sample(device)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(backend::devices).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void availabilityNamesTheLibrary() {
    Availability availability = provider().isAvailable();
    assertThat(availability.available()).isTrue();
    assertThat(availability.reason()).contains(FakeNvml.currentPath()).contains("2 GPUs");
  }

  @Test
  void driverNotLoadedIsUnavailableWithReason() {
    fake.fake_nvml_set_scenario(FakeNvml.DRIVER_NOT_LOADED);
    Availability availability = provider().isAvailable();
    assertThat(availability.available()).isFalse();
    assertThat(availability.reason())
        .contains(FakeNvml.currentPath())
        .contains("nvmlInit_v2 returned 9")
        .contains("Driver Not Loaded");
    assertThatThrownBy(() -> provider().open(CLOCK))
        .isInstanceOfSatisfying(
            BackendException.class,
            e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNAVAILABLE))
        .hasMessageContaining("Driver Not Loaded");
    assertThat(fake.fake_nvml_shutdown_calls()).isZero();
  }

  @Test
  void libraryNotFoundFromInitIsUnavailable() {
    fake.fake_nvml_set_scenario(FakeNvml.LIBRARY_NOT_FOUND);
    assertThatThrownBy(() -> provider().open(CLOCK))
        .isInstanceOfSatisfying(
            BackendException.class,
            e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNAVAILABLE))
        .hasMessageContaining("returned 12");
  }

  @Test
  void missingLibraryIsUnavailableNamingEveryPathTried() {
    String missing = "/nonexistent/hwledger/libnvidia-ml.so.1";
    NvmlBackendProvider provider =
        new NvmlBackendProvider(() -> NvmlLoader.load(List.of(missing, "hwledger-no-such-nvml")));
    Availability availability = provider.isAvailable();
    assertThat(availability.available()).isFalse();
    assertThat(availability.reason())
        .startsWith("NVML library not found (tried ")
        .contains(missing)
        .contains("hwledger-no-such-nvml");
    assertThat(availability.reason()).contains("cannot open shared object file");
    assertThatThrownBy(() -> provider.open(CLOCK))
        .isInstanceOfSatisfying(
            BackendException.class,
            e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNAVAILABLE))
        .hasMessageContaining(missing);
  }

  @Test
  void unsupportedMetricsAreAbsentNotZero() {
    fake.fake_nvml_set_scenario(FakeNvml.NOT_SUPPORTED);
    try (GpuBackend backend = provider().open(CLOCK)) {
      TelemetrySample s = backend.sample(backend.devices().get(0));
      assertThat(s.powerWatts()).isEqualTo(OptionalDouble.empty());
      assertThat(s.memoryClockMhz()).isEqualTo(OptionalLong.empty());
      assertThat(s.processes()).isEqualTo(Optional.empty());
      assertThat(s.graphicsClockMhz()).hasValue(1755);
      assertThat(s.temperatureC()).hasValue(64.0);
      assertThat(s.memory().usedBytes()).hasValue(H100_USED);
    }
  }

  @Test
  void gpuLostDuringSessionIsDeviceLostForThatDeviceOnly() {
    try (GpuBackend backend = provider().open(CLOCK)) {
      GpuDevice lost = backend.devices().get(1);
      fake.fake_nvml_set_scenario(FakeNvml.GPU_LOST);
      assertThatThrownBy(() -> backend.sample(lost))
          .isInstanceOfSatisfying(
              BackendException.class,
              e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.DEVICE_LOST))
          .hasMessageContaining("GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d")
          .hasMessageContaining("GPU is lost");
      assertThat(backend.sample(backend.devices().get(0)).powerWatts()).hasValue(312.5);
    }
  }

  @Test
  void gpuLostAtOpenSkipsThatDevice() {
    fake.fake_nvml_set_scenario(FakeNvml.GPU_LOST);
    try (GpuBackend backend = provider().open(CLOCK)) {
      assertThat(backend.devices())
          .extracting(GpuDevice::uuid)
          .containsExactly("GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f");
    }
    assertThat(fake.fake_nvml_init_refs()).isZero();
  }

  @Test
  void unknownErrorFailsWithNvmlText() {
    try (GpuBackend backend = provider().open(CLOCK)) {
      GpuDevice device = backend.devices().get(0);
      fake.fake_nvml_set_scenario(FakeNvml.UNKNOWN_ERROR);
      assertThatThrownBy(() -> backend.sample(device))
          .isInstanceOfSatisfying(
              BackendException.class,
              e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.FAILED))
          .hasMessageContaining("nvmlDeviceGetUtilizationRates returned 999")
          .hasMessageContaining("Unknown Error");
    }
  }

  @Test
  void v2OnlyDriverNeverNeedsV1() {
    fake.fake_nvml_set_scenario(FakeNvml.V2_ONLY);
    try (GpuBackend backend = provider().open(CLOCK)) {
      MemoryUsage memory = backend.sample(backend.devices().get(0)).memory();
      assertThat(memory.usedIncludesReserved()).isFalse();
      assertThat(memory.usedBytes()).hasValue(H100_USED);
      assertThat(memory.reservedBytes()).hasValue(H100_RESERVED);
    }
    assertThat(fake.fake_nvml_memory_v1_calls()).isZero();
  }

  @Test
  void versionMismatchFallsBackToV1LabelledIncludingReserved() {
    fake.fake_nvml_set_scenario(FakeNvml.V2_VERSION_MISMATCH);
    try (GpuBackend backend = provider().open(CLOCK)) {
      GpuDevice device = backend.devices().get(0);
      assertThat(device.memoryTotalBytes()).hasValue(H100_TOTAL);
      int v2CallsAfterOpen = fake.fake_nvml_memory_v2_calls();
      MemoryUsage memory = backend.sample(device).memory();
      backend.sample(device);
      assertThat(memory)
          .isEqualTo(
              new MemoryUsage(
                  OptionalLong.of(H100_TOTAL),
                  OptionalLong.of(H100_USED + H100_RESERVED),
                  OptionalLong.of(H100_FREE),
                  OptionalLong.empty(),
                  true));
      // v2 is tried once per device, then the session sticks to v1.
      assertThat(fake.fake_nvml_memory_v2_calls()).isEqualTo(v2CallsAfterOpen + 1);
    }
  }

  @Test
  void oldDriverWithoutMemoryV2SymbolFallsBackToV1() {
    NvmlLoad load = NvmlLoader.load(List.of(FakeNvml.oldPath()));
    NvmlBackendProvider provider = new NvmlBackendProvider(() -> load);
    assertThat(provider.isAvailable().available()).isTrue();
    try (GpuBackend backend = provider.open(CLOCK)) {
      GpuDevice device = backend.devices().get(0);
      assertThat(device.memoryTotalBytes()).hasValue(H100_TOTAL);
      MemoryUsage memory = backend.sample(device).memory();
      assertThat(memory.usedIncludesReserved()).isTrue();
      assertThat(memory.usedBytes()).hasValue(H100_USED + H100_RESERVED);
      assertThat(memory.freeBytes()).hasValue(H100_FREE);
      assertThat(memory.reservedBytes()).isEmpty();
      assertThat(backend.sample(device).powerWatts()).hasValue(312.5);
    }
    assertThat(oldFake.fake_nvml_init_refs()).isZero();
    assertThat(oldFake.fake_nvml_memory_v1_calls()).isPositive();
    assertThat(fake.fake_nvml_init_calls()).isZero();
  }

  @Test
  void concurrentSamplingFromEightThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (GpuBackend backend = provider().open(CLOCK)) {
      List<GpuDevice> devices = backend.devices();
      TelemetrySample expected0 = backend.sample(devices.get(0));
      TelemetrySample expected1 = backend.sample(devices.get(1));
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        tasks.add(
            () -> {
              for (int i = 0; i < 500; i++) {
                GpuDevice device = devices.get((thread + i) % 2);
                TelemetrySample s = backend.sample(device);
                assertThat(s).isEqualTo(device.index() == 0 ? expected0 : expected1);
              }
              return 500;
            });
      }
      int total = 0;
      for (Future<Integer> f : pool.invokeAll(tasks)) {
        total += f.get();
      }
      assertThat(total).isEqualTo(4000);
    } finally {
      pool.shutdownNow();
    }
    assertThat(fake.fake_nvml_init_refs()).isZero();
  }

  @Test
  void foreignDeviceIsRejected() {
    try (GpuBackend backend = provider().open(CLOCK)) {
      GpuDevice real = backend.devices().get(0);
      GpuDevice foreign =
          new GpuDevice(
              "nvml",
              7,
              "GPU-x",
              Optional.empty(),
              "x",
              real.vendor(),
              Optional.empty(),
              Optional.empty(),
              OptionalLong.empty());
      assertThatThrownBy(() -> backend.sample(foreign))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
