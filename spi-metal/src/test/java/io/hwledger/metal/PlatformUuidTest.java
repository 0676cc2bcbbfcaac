package io.hwledger.metal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Mac's platform UUID and the Apple GPU identity made from it, with a fake CommandRunner. */
@Verifies({"FR-TELEMETRY-015", "FR-TELEMETRY-016"})
class PlatformUuidTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);

  /**
   * Constructed in the form of ioreg's property lines (the recordings found all redact the UUID, as
   * people do with a machine identifier); the UUID is made up.
   */
  private static final String PLATFORM_LINE =
      "        \"IOPlatformUUID\" = \"9F0E1D2C-3B4A-5968-7A6B-5C4D3E2F1A0B\"\n";

  @Test
  void aRedactedRecordingHasNoPlatformUuid() {
    assertThat(PlatformUuid.parse(Fixtures.read("ioreg-platform-expert-vm-redacted.txt")))
        .isEmpty();
  }

  @Test
  void theUuidIsReadInLowerCase() {
    assertThat(PlatformUuid.parse(PLATFORM_LINE)).hasValue("9f0e1d2c-3b4a-5968-7a6b-5c4d3e2f1a0b");
  }

  @Test
  void theGpuIsNamedByThePlatformUuidElseApplesDefault() {
    assertThat(PlatformUuid.gpuUuid(Optional.of("9F0E1D2C-3B4A-5968-7A6B-5C4D3E2F1A0B")))
        .isEqualTo("apple-gpu-9f0e1d2c-3b4a-5968-7a6b-5c4d3e2f1a0b");
    assertThat(PlatformUuid.gpuUuid(Optional.empty())).isEqualTo("apple-gpu-0");
    assertThatThrownBy(() -> PlatformUuid.gpuUuid(Optional.of("...")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a platform UUID: ...");
  }

  @Test
  void twoMacsGiveTheirGpusTwoIdentities(@TempDir Path bin) throws IOException {
    Files.createFile(bin.resolve("macmon")).toFile().setExecutable(true);
    String a = macmonGpu(bin, PLATFORM_LINE).uuid();
    String b =
        macmonGpu(bin, "\"IOPlatformUUID\" = \"00000000-1111-2222-3333-444455556666\"").uuid();
    assertThat(a).isEqualTo("apple-gpu-9f0e1d2c-3b4a-5968-7a6b-5c4d3e2f1a0b");
    assertThat(b).isEqualTo("apple-gpu-00000000-1111-2222-3333-444455556666");
  }

  @Test
  void whenIoregFailsTheGpuKeepsApplesDefault(@TempDir Path bin) throws IOException {
    Files.createFile(bin.resolve("macmon")).toFile().setExecutable(true);
    MacmonBackendProvider provider =
        new MacmonBackendProvider(
            "Mac OS X",
            bin.toString(),
            (cmd, t) -> {
              throw new IOException("ioreg exited with status 1");
            });
    try (GpuBackend backend = provider.open(CLOCK)) {
      GpuDevice d = backend.devices().get(0);
      assertThat(d.uuid()).isEqualTo("apple-gpu-0");
      assertThat(d.integrated()).isTrue();
    }
  }

  /** The device a macmon session lists when ioreg answers {@code platformOutput}. */
  private static GpuDevice macmonGpu(Path bin, String platformOutput) {
    MacmonBackendProvider provider =
        new MacmonBackendProvider(
            "Mac OS X",
            bin.toString(),
            (cmd, t) ->
                cmd.equals(PlatformUuid.COMMAND)
                    ? platformOutput
                    : cmd.get(0).equals("ioreg") ? Fixtures.read("ioreg-m4.txt") : "");
    try (GpuBackend backend = provider.open(CLOCK)) {
      List<GpuDevice> devices = backend.devices();
      assertThat(devices).hasSize(1);
      return devices.get(0);
    }
  }
}
