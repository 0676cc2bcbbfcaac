package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Verifies("FR-CLI-007")
class SizesTest {

  @ParameterizedTest
  @CsvSource({
    "4096, 4096",
    "1, 1",
    "32K, 32768",
    "32k, 32768",
    "32Ki, 32768",
    "32KiB, 32768",
    "32kib, 32768",
    "32KB, 32768",
    "1M, 1048576",
    "128K, 131072",
    "80GiB, 85899345920",
    "80G, 85899345920",
    "1T, 1099511627776",
    "2tib, 2199023255552",
    "' 8192 ', 8192",
    "9223372036854775807, 9223372036854775807",
    // 8388607 * 2^40 = 2^63 - 2^40, the largest multiple of 1T that fits a long
    "8388607T, 9223370937343148032",
  })
  void parsesSizes(String text, long expected) {
    assertThat(Sizes.tokens("--context", text)).isEqualTo(expected);
    assertThat(Sizes.bytes("--memory", text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"1.5K", "1,024", "1_024", "", "K", "GiB", "12X", "1KiBB", "1iB", "0x10", "+5"})
  void rejectsMalformedText(String text) {
    assertThatThrownBy(() -> Sizes.tokens("--context", text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--context")
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("not a whole number of tokens");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0K", "00", "-1", "-32K"})
  void rejectsZeroAndNegative(String text) {
    assertThatThrownBy(() -> Sizes.bytes("--memory", text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--memory")
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("positive number of bytes");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "9223372036854775808", // 2^63
        "99999999999999999999999",
        "8388608T", // 2^23 * 2^40 = 2^63
        "9007199254740992K", // 2^53 * 2^10 = 2^63
      })
  void rejectsOverflow(String text) {
    assertThatThrownBy(() -> Sizes.tokens("--context", text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--context")
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("overflows");
  }

  @ParameterizedTest
  @CsvSource({"1, 1", "8, 8", "2147483647, 2147483647"})
  void parsesCounts(String text, long expected) {
    assertThat(Sizes.count("--tp", text, Integer.MAX_VALUE)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-2", "2K", "1.0", "two", "2147483648", "99999999999999999999"})
  void rejectsBadCounts(String text) {
    assertThatThrownBy(() -> Sizes.count("--tp", text, Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tp")
        .hasMessageContaining("'" + text + "'");
  }
}
