package io.hwledger.rocm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

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

  @Test
  void amdSmiListWithValueUnit() throws IOException {
    List<AmdToolReading> r = AmdSmiMetricParser.parse(fixture("amd-smi-6.3-metric-list.json"));
    assertThat(r)
        .containsExactly(
            new AmdToolReading(
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.of(16368 * MIB),
                OptionalLong.of(1242 * MIB),
                OptionalDouble.of(42.0),
                OptionalDouble.of(38.0),
                OptionalDouble.of(20.0)),
            new AmdToolReading(
                1,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.of(196592 * MIB),
                OptionalLong.empty(),
                OptionalDouble.empty(),
                OptionalDouble.of(57.0),
                OptionalDouble.empty()));
  }

  @Test
  void amdSmiGpuDataObject() throws IOException {
    List<AmdToolReading> r = AmdSmiMetricParser.parse(fixture("amd-smi-7.0-metric-gpu-data.json"));
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
                OptionalDouble.of(36.0),
                OptionalDouble.of(31.0)));
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
