package io.hwledger.metal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import io.hwledger.testsupport.Verifies;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

@Verifies({"FR-TELEMETRY-006", "FR-TELEMETRY-007"})
class AppleSamplesTest {
  private static final Instant T = Instant.parse("2025-01-02T03:04:05Z");
  private static final long GIB = 1L << 30;

  private final GpuDevice device =
      AppleSamples.device(
          "metal",
          Optional.of("Apple M4 Max"),
          Optional.of("AGXAcceleratorG16X"),
          OptionalLong.of(96 * GIB));

  @Test
  void deviceIdentity() {
    assertThat(device)
        .isEqualTo(
            new GpuDevice(
                "metal",
                0,
                "apple-gpu-0",
                Optional.empty(),
                "Apple M4 Max",
                Vendor.APPLE,
                Optional.of("AGXAcceleratorG16X"),
                Optional.empty(),
                OptionalLong.of(96 * GIB),
                true)); // Apple silicon: unified memory
    assertThat(
            AppleSamples.device("macmon", Optional.empty(), Optional.empty(), OptionalLong.empty())
                .name())
        .isEqualTo("Apple GPU");
  }

  @Test
  void metalSampleUsesWorkingSetAsTotalAndProcessAllocationAsUsed() {
    TelemetrySample s =
        AppleSamples.fromMetal(
            device,
            T,
            new MetalReading(OptionalLong.of(96 * GIB), OptionalLong.of(3 * GIB)),
            Optional.of(
                new PerformanceStatistics(
                    Map.of("Device Utilization %", 41L, "In use system memory", 5 * GIB))));

    assertThat(s)
        .isEqualTo(
            new TelemetrySample(
                device,
                T,
                new MemoryUsage(
                    OptionalLong.of(96 * GIB),
                    OptionalLong.of(3 * GIB),
                    OptionalLong.of(93 * GIB),
                    OptionalLong.empty(),
                    false),
                OptionalDouble.of(41.0),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                Optional.empty()));
  }

  @Test
  void missingStatisticsOrMetalFiguresStayAbsent() {
    TelemetrySample s =
        AppleSamples.fromMetal(
            device,
            T,
            new MetalReading(OptionalLong.of(96 * GIB), OptionalLong.empty()),
            Optional.of(new PerformanceStatistics(Map.of("Renderer Utilization %", 9L))));
    assertThat(s.memory().totalBytes()).hasValue(96 * GIB);
    assertThat(s.memory().usedBytes()).isEmpty();
    assertThat(s.memory().freeBytes()).isEmpty();
    assertThat(s.utilizationPercent()).isEmpty();

    assertThat(
            AppleSamples.fromMetal(
                    device,
                    T,
                    new MetalReading(OptionalLong.empty(), OptionalLong.empty()),
                    Optional.empty())
                .utilizationPercent())
        .isEmpty();
  }

  @Test
  void freeIsFlooredAtZeroWhenAllocationExceedsTheWorkingSet() {
    TelemetrySample s =
        AppleSamples.fromMetal(
            device,
            T,
            new MetalReading(OptionalLong.of(8 * GIB), OptionalLong.of(9 * GIB)),
            Optional.empty());
    assertThat(s.memory().freeBytes()).hasValue(0);
  }

  @Test
  void macmonSampleFromTheReadmeLine() {
    MacmonSample m =
        MacmonParser.parseLine(
            "{\"gpu_usage\":[461,0.25],\"gpu_power\":0.5,"
                + "\"temp\":{\"gpu_temp_avg\":36.5},\"memory\":{\"ram_total\":25769803776}}");
    TelemetrySample s = AppleSamples.fromMacmon(device, T, m);

    assertThat(s)
        .isEqualTo(
            new TelemetrySample(
                device,
                T,
                new MemoryUsage(
                    OptionalLong.empty(),
                    OptionalLong.empty(),
                    OptionalLong.empty(),
                    OptionalLong.empty(),
                    false),
                OptionalDouble.of(25.0),
                OptionalDouble.of(36.5),
                OptionalDouble.of(0.5),
                OptionalLong.of(461),
                OptionalLong.empty(),
                Optional.empty()));
  }

  @Test
  void onlyTheSessionsOwnDeviceIsAccepted() {
    GpuDevice other =
        new GpuDevice(
            "nvml",
            0,
            "GPU-1f2e",
            Optional.empty(),
            "NVIDIA H100",
            Vendor.NVIDIA,
            Optional.empty(),
            Optional.empty(),
            OptionalLong.empty());
    assertThatCode(() -> AppleSamples.requireSessionDevice(device, device))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> AppleSamples.requireSessionDevice(device, other))
        .isInstanceOfSatisfying(
            BackendException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(BackendException.Kind.FAILED);
              assertThat(e.getMessage()).isEqualTo("not a device of the metal backend: GPU-1f2e");
            });
  }
}
