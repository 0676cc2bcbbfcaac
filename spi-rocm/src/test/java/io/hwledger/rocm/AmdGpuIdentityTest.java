package io.hwledger.rocm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One UUID per AMD GPU, however the unique id or the PCI address was spelled. */
@Verifies("FR-TELEMETRY-015")
class AmdGpuIdentityTest {

  @Test
  void theThreeSpellingsOfOneUniqueIdGiveOneUuid() {
    // ROCm SMI's 64-bit value, sysfs unique_id (%016llx) and rocm-smi --json ("0x…").
    String fromLibrary = AmdGpuIdentity.fromRocmSmi(0x00a1b2c3d4e5f607L);
    String fromSysfs =
        AmdGpuIdentity.uuid(Optional.of("00a1b2c3d4e5f607\n"), Optional.empty(), "card0");
    String fromJson =
        AmdGpuIdentity.uuid(Optional.of("0xA1B2C3D4E5F607"), Optional.empty(), "card0");
    assertThat(fromLibrary).isEqualTo("0xa1b2c3d4e5f607");
    assertThat(fromSysfs).isEqualTo(fromLibrary);
    assertThat(fromJson).isEqualTo(fromLibrary);
    assertThat(AmdGpuIdentity.uuid(Optional.of(fromLibrary), Optional.of("0000:c1:00.0"), "card0"))
        .isEqualTo(fromLibrary);
  }

  @Test
  void theHighBitReadsAsUnsigned() {
    assertThat(AmdGpuIdentity.fromRocmSmi(0xfedcba9876543210L)).isEqualTo("0xfedcba9876543210");
    assertThat(AmdGpuIdentity.uuid(Optional.of("fedcba9876543210"), Optional.empty(), "x"))
        .isEqualTo("0xfedcba9876543210");
  }

  @Test
  void aRecordedPhoenixApuWithoutAUniqueIdIsNamedByItsPciAddress() throws IOException {
    // rocm-smi-6.2-phoenix.json prints "Unique ID": "N/A" and "PCI Bus": "0000:C4:00.0".
    String json;
    try (InputStream in =
        Objects.requireNonNull(
            getClass().getResourceAsStream("/fixtures/rocm-smi-6.2-phoenix.json"), "fixture")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    AmdToolReading card = RocmSmiJsonParser.parse(json).get(0);
    assertThat(card.uniqueId()).isEmpty();
    assertThat(AmdGpuIdentity.uuid(card.uniqueId(), card.pciBusId(), "card0"))
        .isEqualTo("0000:c4:00.0");
  }

  @Test
  void withoutAUniqueIdThePciAddressInOneSpellingNamesTheGpu() {
    assertThat(AmdGpuIdentity.uuid(Optional.empty(), Optional.of("0000:C1:00.0"), "card0"))
        .isEqualTo("0000:c1:00.0");
    assertThat(AmdGpuIdentity.uuid(Optional.of("N/A"), Optional.of("c1:00.0"), "card0"))
        .isEqualTo("0000:c1:00.0");
    assertThat(AmdGpuIdentity.uuid(Optional.empty(), Optional.of("not a bus id"), "card0"))
        .isEqualTo("card0");
  }

  @Test
  void aBlankFallbackIsRefused() {
    assertThatThrownBy(() -> AmdGpuIdentity.uuid(Optional.empty(), Optional.empty(), " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fallback must not be blank");
  }
}
