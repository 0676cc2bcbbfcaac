package io.hwledger.metal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@Verifies("FR-TELEMETRY-006")
class MacmonBackendProviderTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

  @TempDir Path bin;

  private Path installFakeMacmon() throws IOException {
    Path macmon = bin.resolve("macmon");
    Files.writeString(macmon, "#!/bin/sh\n");
    Files.setPosixFilePermissions(macmon, PosixFilePermissions.fromString("rwxr-xr-x"));
    return macmon;
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void unavailableOnThisLinuxMachineWithTheReason() {
    MacmonBackendProvider provider = new MacmonBackendProvider();
    assertThat(provider.id()).isEqualTo("macmon");
    assertThat(provider.priority()).isEqualTo(20);
    assertThat(provider.isAvailable())
        .isEqualTo(Availability.unavailable("macmon is only available on macOS; this is Linux"));
    assertThatThrownBy(() -> provider.open(CLOCK))
        .isInstanceOfSatisfying(
            BackendException.class,
            e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNAVAILABLE));
  }

  @Test
  void macWithoutMacmonOnPath() {
    MacmonBackendProvider provider = new MacmonBackendProvider("Mac OS X", bin.toString(), null);
    assertThat(provider.isAvailable())
        .isEqualTo(
            Availability.unavailable(
                "macmon not found on PATH (install it with: brew install macmon)"));
  }

  @Test
  void macSessionRunsMacmonPipeOncePerSample() throws IOException {
    Path macmon = installFakeMacmon();
    String macmonLine = Fixtures.read("macmon-pipe.jsonl").lines().findFirst().orElseThrow();
    MacmonBackendProvider provider =
        new MacmonBackendProvider(
            "Mac OS X",
            "/nonexistent:" + bin,
            (cmd, t) ->
                cmd.get(0).equals("ioreg")
                    ? Fixtures.read("ioreg-m4.txt")
                    : requireMacmon(cmd, macmon, macmonLine));

    assertThat(provider.isAvailable()).isEqualTo(Availability.available("macmon at " + macmon));
    try (GpuBackend backend = provider.open(CLOCK)) {
      GpuDevice device = backend.devices().get(0);
      assertThat(device.name()).isEqualTo("Apple M4");
      assertThat(device.memoryTotalBytes()).isEmpty();
      TelemetrySample s = backend.sample(device);
      assertThat(s.utilizationPercent().getAsDouble())
          .isCloseTo(2.1497859, org.assertj.core.api.Assertions.within(1e-9));
      assertThat(s.temperatureC()).hasValue(36.95167);
      assertThat(s.powerWatts()).hasValue(0.017451683);
      assertThat(s.graphicsClockMhz()).hasValue(461);
      assertThat(s.memory().totalBytes()).isEmpty();
      assertThat(s.memory().usedBytes()).isEmpty();
    }
  }

  private static String requireMacmon(List<String> cmd, Path macmon, String line) {
    assertThat(cmd).containsExactly(macmon.toString(), "pipe", "-s", "1");
    return line + "\n";
  }

  @Test
  void macmonFailuresBecomeBackendExceptions() throws IOException {
    installFakeMacmon();
    MacmonBackendProvider broken =
        new MacmonBackendProvider(
            "Mac OS X",
            bin.toString(),
            (cmd, t) -> cmd.get(0).equals("ioreg") ? "" : "Error: no IOReport\n");
    try (GpuBackend backend = broken.open(CLOCK)) {
      GpuDevice device = backend.devices().get(0);
      assertThat(device.name()).isEqualTo("Apple GPU");
      assertThatThrownBy(() -> backend.sample(device))
          .isInstanceOfSatisfying(
              BackendException.class,
              e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.FAILED))
          .hasMessage("macmon line 1: invalid JSON at column 1: unexpected character 'E'");
    }
    MacmonBackendProvider silent =
        new MacmonBackendProvider("Mac OS X", bin.toString(), (cmd, t) -> "");
    try (GpuBackend backend = silent.open(CLOCK)) {
      assertThatThrownBy(() -> backend.sample(backend.devices().get(0)))
          .hasMessage("macmon printed no sample");
    }
  }
}
