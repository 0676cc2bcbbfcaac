package io.hwledger.metal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hwledger.testsupport.Verifies;
import java.util.List;
import org.junit.jupiter.api.Test;

@Verifies({"FR-TELEMETRY-006", "FR-TELEMETRY-007"})
class MacmonParserTest {

  @Test
  void readsTheReadmeSample() {
    List<MacmonSample> samples = MacmonParser.parseAll(Fixtures.read("macmon-pipe.jsonl"));
    assertThat(samples).hasSize(2);
    MacmonSample s = samples.get(0);

    assertThat(s.timestamp()).hasValue("2025-02-24T20:38:15.427569+00:00");
    assertThat(s.gpuFrequencyMhz()).hasValue(461);
    assertThat(s.gpuUtilizationPercent().getAsDouble()).isCloseTo(2.1497859, within(1e-9));
    assertThat(s.gpuTemperatureC()).hasValue(36.95167);
    assertThat(s.cpuTemperatureC()).hasValue(43.73614);
    assertThat(s.gpuPowerWatts()).hasValue(0.017451683);
    assertThat(s.gpuRamPowerWatts()).hasValue(0.0009615385);
    assertThat(s.systemPowerWatts()).hasValue(5.876533);
    assertThat(s.ramTotalBytes()).hasValue(25_769_803_776L);
    assertThat(s.ramUsageBytes()).hasValue(20_985_479_168L);
  }

  @Test
  void missingFieldsAreAbsentNotZero() {
    MacmonSample s = MacmonParser.parseAll(Fixtures.read("macmon-pipe.jsonl")).get(1);

    assertThat(s.gpuUtilizationPercent()).hasValue(50.0);
    assertThat(s.gpuFrequencyMhz()).hasValue(389);
    assertThat(s.gpuPowerWatts()).hasValue(7.25);
    assertThat(s.gpuTemperatureC()).isEmpty();
    assertThat(s.cpuTemperatureC()).isEmpty();
    assertThat(s.systemPowerWatts()).isEmpty();
    assertThat(s.gpuRamPowerWatts()).isEmpty();

    MacmonSample empty = MacmonParser.parseLine("{}");
    assertThat(empty.gpuUtilizationPercent()).isEmpty();
    assertThat(empty.ramTotalBytes()).isEmpty();
    assertThat(MacmonParser.parseLine("{\"gpu_power\":null}").gpuPowerWatts()).isEmpty();
  }

  @Test
  void malformedLinesGiveOneLineErrors() {
    assertThatThrownBy(() -> MacmonParser.parseAll("{}\n{\"gpu_power\": 1.0,"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("macmon line 2: invalid JSON at column 19: expected a quoted key");
    assertThatThrownBy(() -> MacmonParser.parseLine("Error: IOReport not available"))
        .hasMessage("invalid JSON at column 1: unexpected character 'E'");
    assertThatThrownBy(() -> MacmonParser.parseLine("[1,2]")).hasMessage("expected a JSON object");
    assertThatThrownBy(() -> MacmonParser.parseLine("{\"gpu_usage\":[461]}"))
        .hasMessage("gpu_usage is not a [MHz, ratio] pair: [461]");
    assertThatThrownBy(() -> MacmonParser.parseLine("{\"gpu_power\":\"7 W\"}"))
        .hasMessage("gpu_power is not a number: 7 W");
    assertThatThrownBy(() -> MacmonParser.parseLine("{\"memory\":{\"ram_total\":1.5}}"))
        .hasMessage("memory.ram_total is not a whole number: 1.5");
  }

  @Test
  void blankOutputHasNoSamples() {
    assertThat(MacmonParser.parseAll("\n\n")).isEmpty();
  }
}
