package io.hwledger.rocm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

@Verifies({"FR-TELEMETRY-011", "FR-TELEMETRY-007"})
class ToolParsersTest {
  private static final long MIB = 1L << 20;

  private static String fixture(String name) throws IOException {
    try (InputStream in = ToolParsersTest.class.getResourceAsStream("/fixtures/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void rocmSmiOldKeys() throws IOException {
    List<AmdToolReading> r = RocmSmiJsonParser.parse(fixture("rocm-smi-1.4-rx6800.json"));
    assertThat(r)
        .containsExactly(
            new AmdToolReading(
                0,
                Optional.of("Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]"),
                Optional.of("0x9246____________"),
                Optional.of("0000:c9:00.0"),
                OptionalLong.of(17163091968L),
                OptionalLong.of(17453056L),
                OptionalDouble.of(100.0),
                OptionalDouble.of(42.0),
                OptionalDouble.of(128.0)),
            new AmdToolReading(
                1,
                Optional.of("Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]"),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.of(17163091968L),
                OptionalLong.of(17457152L),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty()));
  }

  @Test
  void rocmSmi62Keys() throws IOException {
    List<AmdToolReading> r = RocmSmiJsonParser.parse(fixture("rocm-smi-6.2-phoenix.json"));
    assertThat(r)
        .containsExactly(
            new AmdToolReading(
                0,
                Optional.of("Phoenix3"),
                Optional.empty(),
                Optional.of("0000:c4:00.0"),
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalDouble.of(19.0),
                OptionalDouble.of(31.0),
                OptionalDouble.of(7.222)));
  }

  @Test
  void rocmSmiCurrentKeys() throws IOException {
    List<AmdToolReading> r = RocmSmiJsonParser.parse(fixture("rocm-smi-6.4-rx7900xt.json"));
    assertThat(r)
        .containsExactly(
            new AmdToolReading(
                0,
                Optional.of("Radeon RX 7900 XT"),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.of(21458059264L),
                OptionalLong.of(27856896L),
                OptionalDouble.of(0.0),
                OptionalDouble.empty(),
                OptionalDouble.empty()));
  }

  /**
   * luckylinux/supermicro-fan-control GPU_NOTES.md: {@code amd-smi metric --json}, RX 6600,
   * top-level list. Read off the recording: gfx_activity 1 %, edge 36 C (hotspot 37 C),
   * socket_power 6 W, total_vram 8176 MB, used_vram 202 MB.
   */
  @Test
  void amdSmiListRx6600() throws IOException {
    List<AmdToolReading> r =
        AmdSmiMetricParser.parse(fixture("amd-smi-6.x-metric-list-rx6600.json"));
    assertThat(r)
        .containsExactly(
            new AmdToolReading(
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.of(8176 * MIB),
                OptionalLong.of(202 * MIB),
                OptionalDouble.of(1.0),
                OptionalDouble.of(36.0),
                OptionalDouble.of(6.0)));
  }

  /**
   * henrygd/beszel #737: {@code amd-smi metric -u --json}, Radeon Pro W7700. Only usage is printed
   * (gfx_activity 42 %), so memory, temperature and power are unsupported, not 0.
   */
  @Test
  void amdSmiUsageOnlyW7700() throws IOException {
    List<AmdToolReading> r =
        AmdSmiMetricParser.parse(fixture("amd-smi-metric-u-w7700-fragment.json"));
    assertThat(r)
        .containsExactly(
            new AmdToolReading(
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalDouble.of(42.0),
                OptionalDouble.empty(),
                OptionalDouble.empty()));
  }

  /**
   * ROCm/rocm-systems PR #2720: {@code amd-smi metric -w 1 --json} on an HP Z2 Mini G1a. usage is
   * the string "N/A" and every power value "N/A": all unsupported, never 0.
   */
  @Test
  void amdSmiAllNotAvailable() throws IOException {
    List<AmdToolReading> r =
        AmdSmiMetricParser.parse(fixture("amd-smi-7.x-metric-watch-z2-mini-g1a-fragment.json"));
    assertThat(r)
        .containsExactly(
            new AmdToolReading(
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty()));
  }

  /**
   * nathaninline/ajean #39: the {@code gpu_data} paths the poster listed for an RX 7800 XT:
   * total_vram 16368 MB, used_vram 14569 MB, gfx_activity 2 %, hotspot 41 C. The fragment has no
   * edge temperature, so hotspot is reported; it has no power, so power is unsupported.
   */
  @Test
  void amdSmiGpuDataRx7800Xt() throws IOException {
    List<AmdToolReading> r =
        AmdSmiMetricParser.parse(fixture("amd-smi-7.x-metric-gpu-data-rx7800xt-fragment.json"));
    assertThat(r)
        .containsExactly(
            new AmdToolReading(
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.of(16368 * MIB),
                OptionalLong.of(14569 * MIB),
                OptionalDouble.of(2.0),
                OptionalDouble.of(41.0),
                OptionalDouble.empty()));
  }

  /**
   * luckylinux/supermicro-fan-control GPU_NOTES.md: {@code rocm-smi --showallinfo --json}, RX 6600.
   * GPU use 0 %; no VRAM, temperature or power keys are printed, so those are unsupported.
   */
  @Test
  void rocmSmiShowAllInfoRx6600() throws IOException {
    List<AmdToolReading> r = RocmSmiJsonParser.parse(fixture("rocm-smi-showallinfo-rx6600.json"));
    assertThat(r)
        .containsExactly(
            new AmdToolReading(
                0,
                Optional.of("Navi 23 [Radeon RX 6600/6600 XT/6600M]"),
                Optional.empty(),
                Optional.of("0000:0b:00.0"),
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalDouble.of(0.0),
                OptionalDouble.empty(),
                OptionalDouble.empty()));
  }

  @Test
  void amdSmiBareNumbersAndStrings() throws IOException {
    String json =
        "[{\"gpu\": 3, \"usage\": {\"gfx_activity\": 7},"
            + " \"power\": {\"average_socket_power\": \"95 W\"},"
            + " \"temperature\": {\"edge\": \"N/A\", \"hotspot\": 70},"
            + " \"mem_usage\": {\"total_vram\": \"64 GB\", \"used_vram\": 512,"
            + " \"free_vram\": {\"value\": \"N/A\", \"unit\": \"MB\"}}}]";
    AmdToolReading r = AmdSmiMetricParser.parse(json).get(0);
    assertThat(r.index()).isEqualTo(3);
    assertThat(r.vramTotalBytes()).hasValue(64L << 30);
    assertThat(r.vramUsedBytes()).hasValue(512 * MIB);
    assertThat(r.utilizationPercent()).isEqualTo(OptionalDouble.of(7.0));
    assertThat(r.temperatureC()).isEqualTo(OptionalDouble.of(70.0));
    assertThat(r.powerWatts()).isEqualTo(OptionalDouble.of(95.0));
  }

  @Test
  void unknownUnitAndGarbageAreAbsent() throws IOException {
    String json =
        "{\"card2\": {\"VRAM Total Memory (B)\": \"lots\", \"GPU use (%)\": \"\"},"
            + " \"cardX\": {}, \"system\": {}}";
    AmdToolReading r = RocmSmiJsonParser.parse(json).get(0);
    assertThat(r.index()).isEqualTo(2);
    assertThat(r.vramTotalBytes()).isEmpty();
    assertThat(r.utilizationPercent()).isEmpty();
    assertThat(
            AmdSmiMetricParser.parse(
                    "[{\"mem_usage\": {\"total_vram\": {\"value\": 1, \"unit\": \"parsecs\"}}}]")
                .get(0)
                .vramTotalBytes())
        .isEmpty();
  }

  @Test
  void wrongShapesThrowIoException() {
    assertThatThrownBy(() -> RocmSmiJsonParser.parse("[]")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> AmdSmiMetricParser.parse("{\"x\": 1}"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> AmdSmiMetricParser.parse("not json")).isInstanceOf(IOException.class);
  }
}
