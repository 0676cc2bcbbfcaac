package io.hwledger.nvidia;

import io.hwledger.nvidia.jna.NvmlLoader;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.tck.GpuBackendContract;
import io.hwledger.tck.Metric;
import io.hwledger.testsupport.Verifies;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The NVML backend keeps the SPI contract against the fake library in {@code
 * src/test/c/fake_nvml.c} (loaded through the production lookup, {@code hwledger.nvml.library}).
 *
 * <p>Normal scenario: both devices script every metric (the A100 reads 0 used bytes, 0 %
 * utilisation and no processes, which the default {@link #zeroAllowed} covers).
 */
@Verifies({"FR-TELEMETRY-002", "FR-TELEMETRY-007", "FR-TELEMETRY-009"})
class NvmlBackendTckTest extends GpuBackendContract {

  private final FakeNvml fake = FakeNvml.load(FakeNvml.currentPath());

  @BeforeEach
  void resetFake() {
    fake.fake_nvml_reset();
  }

  @Override
  protected GpuBackendProvider provider() {
    return new NvmlBackendProvider();
  }

  @Override
  protected Set<Metric> expectedSupported(GpuDevice device) {
    return EnumSet.allOf(Metric.class);
  }

  @Override
  protected int expectedDeviceCount() {
    return 2;
  }

  /**
   * Scenario NOT_SUPPORTED: power, the memory clock and the process list return {@code
   * NVML_ERROR_NOT_SUPPORTED}; they must be absent, never 0.
   */
  @Nested
  class NotSupported extends GpuBackendContract {

    @BeforeEach
    void scenario() {
      fake.fake_nvml_set_scenario(FakeNvml.NOT_SUPPORTED);
    }

    @Override
    protected GpuBackendProvider provider() {
      return new NvmlBackendProvider();
    }

    @Override
    protected Set<Metric> expectedUnsupported(GpuDevice device) {
      return EnumSet.of(Metric.POWER, Metric.MEMORY_CLOCK, Metric.PROCESSES);
    }

    @Override
    protected Set<Metric> expectedSupported(GpuDevice device) {
      return EnumSet.complementOf(EnumSet.copyOf(expectedUnsupported(device)));
    }

    @Override
    protected int expectedDeviceCount() {
      return 2;
    }
  }

  /**
   * A driver without {@code nvmlDeviceGetMemoryInfo_v2}: memory comes from v1, whose {@code used}
   * includes reserved memory, so reserved is absent (and used is never 0: the fake reserves memory
   * on both devices).
   */
  @Nested
  class OldDriver extends GpuBackendContract {

    private final FakeNvml oldFake = FakeNvml.load(FakeNvml.oldPath());

    @BeforeEach
    void resetOldFake() {
      oldFake.fake_nvml_reset();
    }

    @Override
    protected GpuBackendProvider provider() {
      return new NvmlBackendProvider(() -> NvmlLoader.load(List.of(FakeNvml.oldPath())));
    }

    @Override
    protected Set<Metric> expectedUnsupported(GpuDevice device) {
      return EnumSet.of(Metric.MEMORY_RESERVED);
    }

    @Override
    protected Set<Metric> expectedSupported(GpuDevice device) {
      return EnumSet.complementOf(EnumSet.of(Metric.MEMORY_RESERVED));
    }

    @Override
    protected Set<Metric> zeroAllowed(GpuDevice device) {
      return EnumSet.of(Metric.UTILIZATION, Metric.PROCESSES);
    }

    @Override
    protected int expectedDeviceCount() {
      return 2;
    }
  }
}
