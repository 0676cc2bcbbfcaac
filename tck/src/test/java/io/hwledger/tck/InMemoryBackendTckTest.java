package io.hwledger.tck;

import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.testsupport.Verifies;
import java.util.EnumSet;
import java.util.Set;

/** A backend that keeps the contract passes the whole TCK. */
@Verifies("FR-TELEMETRY-009")
class InMemoryBackendTckTest extends GpuBackendContract {

  @Override
  protected GpuBackendProvider provider() {
    return new ScriptedProvider();
  }

  @Override
  protected Set<Metric> expectedUnsupported(GpuDevice device) {
    return ScriptedProvider.UNSUPPORTED;
  }

  @Override
  protected Set<Metric> expectedSupported(GpuDevice device) {
    return EnumSet.complementOf(EnumSet.copyOf(ScriptedProvider.UNSUPPORTED));
  }

  @Override
  protected int expectedDeviceCount() {
    return 2;
  }
}
