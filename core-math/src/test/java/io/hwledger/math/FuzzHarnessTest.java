package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.api.ModelConfigException;
import io.hwledger.testsupport.Verifies;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The fuzzer's oracle catches what it promises to: each misbehaving reader here is reported. */
@Verifies("FR-HOSTILE-001")
class FuzzHarnessTest {
  private static final byte[] TEXT =
      "{\"a\":[1,2,3],\"b\":\"xyz\"}".getBytes(StandardCharsets.UTF_8);

  private static Fuzz.Report fuzz(Fuzz.Reader reader, int timeoutSeconds) {
    Fuzz.Seed seed =
        new Fuzz.Seed(TEXT, TEXT.length, ByteOrder.LITTLE_ENDIAN, new int[0], true, reader);
    return Fuzz.run("harness", List.of(seed), 200, timeoutSeconds);
  }

  @Test
  void aWellBehavedReaderPasses() {
    Fuzz.Report report =
        fuzz(
            (b, r) -> {
              if (b.length != TEXT.length) {
                throw new ModelConfigException("length " + b.length);
              }
            },
            10);
    assertThat(report.failures()).isEmpty();
    assertThat(report.cases()).isEqualTo(200);
  }

  @Test
  void anUndocumentedExceptionIsReported() {
    Fuzz.Report report =
        fuzz(
            (b, r) -> {
              throw new IllegalStateException("oops");
            },
            10);
    assertThat(report.failures()).isNotEmpty().allMatch(f -> f.contains("IllegalStateException"));
  }

  @Test
  void aMessageWithALineBreakOrARawControlIsReported() {
    assertThat(Fuzz.judge(new IllegalArgumentException("two\nlines"))).contains("threw");
    assertThat(Fuzz.judge(new Fuzz.Refused(new IllegalArgumentException("a\u001b[2Jb"))))
        .isEqualTo("message is not one printable line: a\\x1b[2Jb");
    assertThat(Fuzz.judge(new Fuzz.Refused(new IllegalArgumentException("a\nb"))))
        .isEqualTo("message is not one printable line: a\\nb");
    assertThat(Fuzz.judge(new ModelConfigException("fine"))).isNull();
    assertThat(Fuzz.judge(new OutOfMemoryError("Java heap space"))).contains("OutOfMemoryError");
  }

  @Test
  void aHangIsReported() {
    AtomicBoolean hung = new AtomicBoolean();
    Fuzz.Report report =
        fuzz(
            (b, r) -> {
              if (hung.compareAndSet(false, true)) {
                Thread.sleep(5_000);
              }
            },
            1);
    assertThat(report.failures()).singleElement().asString().contains("ran longer than 1 s");
    assertThat(report.cases()).isEqualTo(200);
  }
}
