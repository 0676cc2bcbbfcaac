package io.hwledger.examples.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuBackends;
import io.hwledger.spi.GpuDevice;
import io.hwledger.tck.GpuBackendContract;
import io.hwledger.tck.Metric;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example backend passes the TCK against its bundled CSV, and reports bad input as unavailable.
 */
@Verifies("FR-TELEMETRY-009")
class FakeCsvBackendTckTest extends GpuBackendContract {

  private static final URL CSV =
      Objects.requireNonNull(
          FakeCsvBackendProvider.class.getResource("/hwledger-examples/fake-gpus.csv"));

  @Override
  protected GpuBackendProvider provider() {
    return new FakeCsvBackendProvider(CSV);
  }

  /**
   * From fake-gpus.csv: device 1 has empty power_w and memory_clock_mhz cells; no reserved column.
   */
  @Override
  protected Set<Metric> expectedUnsupported(GpuDevice device) {
    return device.index() == 1
        ? EnumSet.of(Metric.MEMORY_RESERVED, Metric.PROCESSES, Metric.POWER, Metric.MEMORY_CLOCK)
        : EnumSet.of(Metric.MEMORY_RESERVED, Metric.PROCESSES);
  }

  @Override
  protected Set<Metric> expectedSupported(GpuDevice device) {
    return EnumSet.complementOf(EnumSet.copyOf(expectedUnsupported(device)));
  }

  @Override
  protected int expectedDeviceCount() {
    return 2;
  }

  @Test
  void isDiscoveredButDisabledWithoutTheProperty() {
    String before = System.getProperty(FakeCsvBackendProvider.PROPERTY);
    System.clearProperty(FakeCsvBackendProvider.PROPERTY);
    try {
      GpuBackends backends = GpuBackends.discover(getClass().getClassLoader());
      assertThat(backends.statuses())
          .anySatisfy(
              s -> {
                assertThat(s.id()).isEqualTo("fake-csv");
                assertThat(s.availability().available()).isFalse();
                assertThat(s.availability().reason()).contains(FakeCsvBackendProvider.PROPERTY);
              });
      System.setProperty(
          FakeCsvBackendProvider.PROPERTY, "classpath:hwledger-examples/fake-gpus.csv");
      assertThat(new FakeCsvBackendProvider().isAvailable().available()).isTrue();
    } finally {
      if (before == null) {
        System.clearProperty(FakeCsvBackendProvider.PROPERTY);
      } else {
        System.setProperty(FakeCsvBackendProvider.PROPERTY, before);
      }
    }
  }

  @Test
  void aMalformedFileIsUnavailableWithTheLine(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, FakeCsvBackendProvider.HEADER + "\n0,GPU-x,X,,,,not-a-number,,,,,,,\n");
    var availability = new FakeCsvBackendProvider(csv.toUri().toURL()).isAvailable();
    assertThat(availability.available()).isFalse();
    assertThat(availability.reason()).contains("bad.csv:2");
  }
}
