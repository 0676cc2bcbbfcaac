package io.hwledger.nvidia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs a shell script standing in for {@code nvidia-smi} (POSIX only). */
@Verifies("FR-TELEMETRY-003")
class NvidiaSmiBackendProviderTest {

  private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir Path dir;

  private Path script(String body) throws IOException {
    Path script = dir.resolve("nvidia-smi");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private Path printing(String fixture, int status) throws IOException {
    Path data = dir.resolve("out.txt");
    Files.writeString(data, NvidiaSmiCsvTest.fixture(fixture), StandardCharsets.UTF_8);
    return script(
        "case \"$1 $2\" in\n"
            + "  '--query-gpu="
            + NvidiaSmiCsv.QUERY
            + " --format=csv,noheader,nounits') ;;\n"
            + "  *) echo \"bad arguments: $*\"; exit 2 ;;\n"
            + "esac\n"
            + "cat '"
            + data
            + "'\nexit "
            + status);
  }

  private static NvidiaSmiBackendProvider provider(Path tool, Duration timeout) {
    return new NvidiaSmiBackendProvider(() -> Optional.of(tool), timeout);
  }

  @Test
  void idAndPriority() {
    NvidiaSmiBackendProvider provider = new NvidiaSmiBackendProvider();
    assertThat(provider.id()).isEqualTo("nvidia-smi");
    assertThat(provider.priority()).isEqualTo(10);
  }

  @Test
  void readsDevicesAndSamplesThroughTheTool() throws IOException {
    NvidiaSmiBackendProvider provider =
        provider(printing("h100-a100.csv", 0), Duration.ofSeconds(10));
    Availability availability = provider.isAvailable();
    assertThat(availability.available()).isTrue();
    assertThat(availability.reason()).contains("2 GPUs");
    GpuBackend backend = provider.open(CLOCK);
    List<GpuDevice> devices = backend.devices();
    assertThat(devices)
        .extracting(GpuDevice::name)
        .containsExactly("NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-40GB");
    TelemetrySample s = backend.sample(devices.get(0));
    assertThat(s.timestamp()).isEqualTo(NOW);
    assertThat(s.memory().totalBytes()).hasValue(85_520_809_984L);
    assertThat(s.memory().usedBytes()).hasValue(10_240L * 1024 * 1024);
    assertThat(s.memory().usedIncludesReserved()).isTrue();
    assertThat(s.powerWatts()).hasValue(312.5);
    assertThat(s.graphicsClockMhz()).isEmpty();
    assertThat(s.processes()).isEmpty();
    backend.close();
    backend.close();
    assertThatThrownBy(() -> backend.sample(devices.get(0)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void failingToolIsUnavailableWithItsMessage() throws IOException {
    NvidiaSmiBackendProvider provider =
        provider(printing("driver-not-loaded.txt", 9), Duration.ofSeconds(10));
    Availability availability = provider.isAvailable();
    assertThat(availability.available()).isFalse();
    assertThat(availability.reason())
        .contains("exited with 9")
        .contains("couldn't communicate with the NVIDIA driver");
    assertThatThrownBy(() -> provider.open(CLOCK))
        .isInstanceOfSatisfying(
            BackendException.class,
            e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNAVAILABLE));
  }

  @Test
  void hangingToolTimesOut() throws IOException {
    NvidiaSmiBackendProvider provider = provider(script("exec sleep 30"), Duration.ofMillis(300));
    Availability availability = provider.isAvailable();
    assertThat(availability.available()).isFalse();
    assertThat(availability.reason()).contains("did not finish within");
  }

  @Test
  void missingToolIsUnavailable() {
    NvidiaSmiBackendProvider provider =
        new NvidiaSmiBackendProvider(Optional::empty, Duration.ofSeconds(1));
    assertThat(provider.isAvailable().reason()).contains("nvidia-smi not found");
    assertThatThrownBy(() -> provider.open(CLOCK)).isInstanceOf(BackendException.class);
    NvidiaSmiBackendProvider absent =
        provider(dir.resolve("no-such-nvidia-smi"), Duration.ofSeconds(1));
    assertThat(absent.isAvailable().available()).isFalse();
    assertThat(absent.isAvailable().reason()).contains("no-such-nvidia-smi");
  }

  @Test
  void explicitPathPropertyWins() {
    String old = System.getProperty(NvidiaSmiBackendProvider.PATH_PROPERTY);
    System.setProperty(NvidiaSmiBackendProvider.PATH_PROPERTY, "/opt/x/nvidia-smi");
    try {
      assertThat(NvidiaSmiBackendProvider.findTool()).contains(Path.of("/opt/x/nvidia-smi"));
    } finally {
      if (old == null) {
        System.clearProperty(NvidiaSmiBackendProvider.PATH_PROPERTY);
      } else {
        System.setProperty(NvidiaSmiBackendProvider.PATH_PROPERTY, old);
      }
    }
  }
}
