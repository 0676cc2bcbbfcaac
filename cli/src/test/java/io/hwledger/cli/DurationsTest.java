package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The durations {@code devices --interval} and {@code fleet token create --ttl} take. */
@Verifies({"FR-CLI-004", "FR-CLI-009"})
class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "500ms, 500",
    "2s, 2000",
    "30m, 1800000",
    "1h, 3600000",
    "7d, 604800000",
    "1H, 3600000",
    "PT0.25S, 250",
    "P7D, 604800000",
    "pt1h, 3600000"
  })
  void readsEveryUnit(String text, long millis) {
    assertThat(Durations.parse("--ttl", text).toMillis()).isEqualTo(millis);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "-1h", "1", "1w", "h", "1.5h", "", "PT-1S"})
  void refusesWhatIsNotAPositiveDurationNamingTheOption(String text) {
    assertThatThrownBy(() -> Durations.parse("--ttl", text, "30m, 1h, 7d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--ttl: '" + text + "' is not a positive duration (e.g. 30m, 1h, 7d)");
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0s",
    "59, 59s",
    "60, 1m",
    "3599, 59m 59s",
    "5400, 1h 30m",
    "90061, 1d 1h",
    "172800, 2d",
    "-30, 30s"
  })
  void printsTheTwoLargestUnits(long seconds, String text) {
    assertThat(Durations.format(Duration.ofSeconds(seconds))).isEqualTo(text);
  }
}
