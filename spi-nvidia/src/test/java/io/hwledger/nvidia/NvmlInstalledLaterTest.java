package io.hwledger.nvidia;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.nvidia.jna.NvmlLoader;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.RetryingLookup;
import io.hwledger.testsupport.Verifies;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A driver installed after start: the provider, given a lookup that retries (as {@link
 * NvmlLoader#shared()} does every 30 s; here at once), finds the library once it is there.
 */
@Verifies("FR-TELEMETRY-013")
class NvmlInstalledLaterTest {
  @Test
  void aLibraryThatAppearsLaterIsFoundByTheNextProbe() throws Exception {
    String fake = System.getProperty(NvmlLoader.LIBRARY_PROPERTY);
    assertThat(fake).as("the fake NVML (set by Surefire)").isNotBlank();
    String[] path = {"/nonexistent/libnvidia-ml.so.1"};
    NvmlBackendProvider provider =
        new NvmlBackendProvider(
            new RetryingLookup<NvmlLoad>(
                () -> NvmlLoader.load(List.of(path[0])), l -> l.api().isPresent(), Duration.ZERO));

    assertThat(provider.isAvailable().available()).isFalse();
    assertThat(provider.isAvailable().reason()).contains("/nonexistent/libnvidia-ml.so.1");

    path[0] = fake; // the driver is installed
    assertThat(provider.isAvailable().available()).isTrue();
    try (GpuBackend backend = provider.open(Clock.systemUTC())) {
      assertThat(backend.devices()).isNotEmpty();
    }
  }
}
