package io.hwledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The escaping rule for text from files, checked against escapes written out by hand. */
@Verifies("FR-HOSTILE-002")
class PrintableTest {

  @ParameterizedTest(name = "U+{0} is written {1}")
  @CsvSource({
    "0000, \\x00",
    "0007, \\x07",
    "0009, \\t",
    "000a, \\n",
    "000d, \\r",
    "001b, \\x1b",
    "001f, \\x1f",
    "007f, \\x7f",
    "0080, \\x80",
    "0085, \\x85",
    "009b, \\x9b",
    "009f, \\x9f",
    "00ad, \\xad", // soft hyphen, a format character below U+0100
    "200e, \\u200e",
    "202a, \\u202a",
    "202b, \\u202b",
    "202c, \\u202c",
    "202d, \\u202d",
    "202e, \\u202e",
    "2028, \\u2028",
    "2029, \\u2029",
    "2066, \\u2066",
    "2067, \\u2067",
    "2068, \\u2068",
    "2069, \\u2069",
    "feff, \\ufeff",
    "e0041, \\U000e0041" // TAG LATIN CAPITAL LETTER A, a supplementary format character
  })
  void escapesControlFormatAndSeparatorCharacters(String hex, String expected) {
    String c = new String(Character.toChars(Integer.parseInt(hex, 16)));
    assertThat(Printable.escape("a" + c + "b")).isEqualTo("a" + expected + "b");
    assertThat(Printable.needsEscape(Integer.parseInt(hex, 16))).isTrue();
  }

  @Test
  void keepsPrintableTextBackslashesAndNonLatinScripts() {
    String text = "Llama-3.1 8B \\ C:\\models é 日本語 🦙 ~";
    assertThat(Printable.escape(text)).isSameAs(text);
  }

  @Test
  void aSpoofedFitsLineBecomesVisibleText() {
    // ESC [ 1 A moves the cursor up a line; CR returns to its start.
    String name = "x\u001b[1A\rFits     yes\u202e";
    assertThat(Printable.escape(name)).isEqualTo("x\\x1b[1A\\rFits     yes\\u202e");
  }

  @Test
  void isIdempotent() {
    String once = Printable.escape("a\u001b\u202eb\n");
    assertThat(Printable.escape(once)).isEqualTo(once);
  }

  @Test
  void modelConfigExceptionMessagesAreEscaped() {
    assertThat(new ModelConfigException("name 'a\u001b[2Jb'\nline").getMessage())
        .isEqualTo("name 'a\\x1b[2Jb'\\nline");
    assertThat(new ModelConfigException("x\u009b", new RuntimeException()).getMessage())
        .isEqualTo("x\\x9b");
  }
}
