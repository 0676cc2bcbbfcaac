package io.hwledger.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

@Verifies("FR-QUALITY-001")
class DisplayNameTest {
  @Test
  void controlsLineSeparatorsAndLoneSurrogatesAreEscapedToKeepOneValidLine() {
    String hostile = "a\tb\nc\rd\u0000e\u0085f\u2028g\ud800h";
    assertThat(TraceabilityListener.clean(hostile))
        .isEqualTo("a\\u0009b\\u000ac\\u000dd\\u0000e\\u0085f\\u2028g\\ud800h");
  }

  @Test
  void printableTextAndPairedSurrogatesStay() {
    String text = "[3] 80 GiB, ключ, 😀, \\u0041 as typed";
    assertThat(TraceabilityListener.clean(text)).isEqualTo(text);
  }
}
