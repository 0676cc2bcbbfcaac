package io.hwledger.rocm;

import com.sun.jna.Native;
import io.hwledger.rocm.jna.RocmSmiLoader;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.tck.GpuBackendContract;
import io.hwledger.tck.Metric;
import io.hwledger.testsupport.Verifies;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;

/**
 * The ROCm SMI backend keeps the SPI contract against {@code src/test/c/fake_rocm_smi.c} (loaded
 * through the production lookup, {@code hwledger.rocm.library}), normal scenario:
 *
 * <ul>
 *   <li>device 0 (MI300X): VRAM total/used (free derived), busy %, edge temperature, power;
 *   <li>device 1 (RX 7900 XT): VRAM total/used and junction temperature only; busy % and power
 *       return {@code RSMI_STATUS_NOT_SUPPORTED}.
 * </ul>
 *
 * <p>Both devices list compute processes (pids 4242 and 77 on device 0, 4242 and 3000000000 on
 * device 1). The backend queries no reserved memory or clocks, so those are always absent.
 */
@Verifies({"FR-TELEMETRY-004", "FR-TELEMETRY-007", "FR-TELEMETRY-009"})
class RocmSmiBackendTckTest extends GpuBackendContract {

  private static final RocmSmiBackendProviderTest.FakeControl FAKE =
      Native.load(
          System.getProperty(RocmSmiLoader.LIBRARY_PROPERTY),
          RocmSmiBackendProviderTest.FakeControl.class);

  private static final Set<Metric> NEVER_QUERIED =
      EnumSet.of(Metric.MEMORY_RESERVED, Metric.GRAPHICS_CLOCK, Metric.MEMORY_CLOCK);

  @BeforeEach
  void resetFake() {
    FAKE.fake_rsmi_reset();
  }

  @Override
  protected GpuBackendProvider provider() {
    return new RocmSmiBackendProvider();
  }

  @Override
  protected Set<Metric> expectedUnsupported(GpuDevice device) {
    Set<Metric> unsupported = EnumSet.copyOf(NEVER_QUERIED);
    if (device.index() == 1) {
      unsupported.addAll(EnumSet.of(Metric.UTILIZATION, Metric.POWER));
    }
    return unsupported;
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
