package io.hwledger.math.gguf;

import static io.hwledger.math.fixtures.GgufWriter.arr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.ModelConfigException;
import io.hwledger.math.fixtures.GgufWriter;
import io.hwledger.testsupport.Verifies;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * String arrays are kept as the file's bytes, or for a file read by path read again from it, and
 * decoded when asked for (issue 15, item 7): every element reads back as written, across the
 * reader's 64 KiB buffer boundaries and for elements longer than the buffer, in every version and
 * byte order; every length is still checked as it is read, with the same one-line errors. Offsets
 * follow the v3 layout of one array "a": key length 24–31, key 32, value type 33–36, element type
 * 37–40, count 41–48, elements from 49, each an 8-byte length (4 in version 1) and its UTF-8 bytes.
 */
@Verifies("FR-PLAN-026")
class GgufStringArrayTest {
  @TempDir Path dir;

  /** Elements from 0 to 23 bytes (some 2- and 3-byte characters), and 3 longer than 64 KiB. */
  private static List<String> elements(int count) {
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StringBuilder sb = new StringBuilder();
      if (i % 7 == 0) {
        sb.append('Ġ');
      }
      if (i % 11 == 0) {
        sb.append('✓');
      }
      for (int k = 0; k < i % 19; k++) {
        sb.append((char) ('a' + (i + k) % 26));
      }
      out.add(sb.toString());
    }
    // 8 + 65,528 bytes fill the 64 KiB buffer exactly; 65,529 and 200,000 bytes do not fit it.
    out.set(count / 4, "x".repeat(65_528));
    out.set(count / 2, "y".repeat(65_529));
    out.set(count - 2, "z".repeat(200_000));
    return out;
  }

  private static byte[] header(int version, ByteOrder order, List<String> strings) {
    return new GgufWriter(version, order)
        .kv("a", GgufType.ARRAY, arr(GgufType.STRING, strings.toArray()))
        .header();
  }

  /** Offset of element {@code k}'s length field in a v3 header: 49 plus each earlier element. */
  private static long lengthField(List<String> strings, int k) {
    long at = 49;
    for (int j = 0; j < k; j++) {
      at += 8 + strings.get(j).getBytes(StandardCharsets.UTF_8).length;
    }
    return at;
  }

  private static GgufFile stream(byte[] bytes) {
    return GgufReader.read(new ByteArrayInputStream(bytes), "s.gguf", OptionalLong.empty());
  }

  static Stream<Arguments> versionsAndOrders() {
    return Stream.of(
        Arguments.of(1, ByteOrder.LITTLE_ENDIAN),
        Arguments.of(3, ByteOrder.LITTLE_ENDIAN),
        Arguments.of(1, ByteOrder.BIG_ENDIAN),
        Arguments.of(3, ByteOrder.BIG_ENDIAN));
  }

  @ParameterizedTest
  @MethodSource("versionsAndOrders")
  void everyElementReadsBackAsWritten(int version, ByteOrder order) throws IOException {
    List<String> strings = elements(150_000);
    byte[] bytes = header(version, order, strings);
    Path file = Files.write(dir.resolve("a.gguf"), bytes);
    for (GgufFile f : List.of(GgufReader.read(file), stream(bytes))) {
      GgufArray a = f.array("a").orElseThrow();
      assertThat(a.size()).isEqualTo(150_000);
      assertThat(a.strings()).isEqualTo(strings);
      assertThat(a.getString(37_500)).hasSize(65_528);
      assertThat(a.getString(149_998)).hasSize(200_000);
      assertThat(a.getString(149_999)).isEqualTo(strings.get(149_999));
      assertThat(a.get(0)).isEqualTo("Ġ✓");
    }
  }

  @Test
  void aFileReadByPathIsReadAgainOnFirstAccessAndAChangeFailsInOneLine() throws IOException {
    byte[] bytes =
        new GgufWriter().kv("a", GgufType.ARRAY, arr(GgufType.STRING, "a", "bb", "ccc")).header();
    Path file = Files.write(dir.resolve("later.gguf"), bytes);
    GgufArray kept = GgufReader.read(file).array("a").orElseThrow();
    GgufArray changed = GgufReader.read(file).array("a").orElseThrow();
    assertThat(kept.strings()).containsExactly("a", "bb", "ccc");
    // "bb"'s length field (bytes 58-65, after "a" at 49-57) now claims more than the array holds
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(58, 100);
    Files.write(file, bytes);
    assertThat(kept.getString(2)).isEqualTo("ccc"); // read before the change
    assertThatThrownBy(() -> changed.getString(0))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            file
                + ": byte 49: a STRING array of 3 elements read there no longer matches the file,"
                + " which changed after its header was read");
  }

  @Test
  void emptyArraysAndEmptyElementsReadBack() {
    GgufFile f =
        stream(
            new GgufWriter()
                .kv("e", GgufType.ARRAY, arr(GgufType.STRING))
                .kv("a", GgufType.ARRAY, arr(GgufType.STRING, "", "", "b", ""))
                .header());
    assertThat(f.array("e").orElseThrow().strings()).isEmpty();
    assertThat(f.array("a").orElseThrow().strings()).containsExactly("", "", "b", "");
  }

  @Test
  void invalidUtf8IsReplacedWhenAnElementIsRead() {
    // "zz" is the only element: its length field at 49-56, its bytes at 57-58.
    byte[] bytes = new GgufWriter().kv("a", GgufType.ARRAY, arr(GgufType.STRING, "zz")).header();
    bytes[57] = (byte) 0xFF;
    assertThat(stream(bytes).array("a").orElseThrow().getString(0)).isEqualTo("\uFFFDz");
  }

  @Test
  void aLengthOverTheLimitDeepInTheArrayFailsInOneLine() {
    List<String> strings = elements(150_000);
    long at = lengthField(strings, 100_001);
    byte[] bytes = header(3, ByteOrder.LITTLE_ENDIAN, strings);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(Math.toIntExact(at), -1);
    assertThatThrownBy(() -> stream(bytes))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            "s.gguf: byte "
                + at
                + ": string element has length 18446744073709551615, more than the limit of"
                + " 16777216 bytes");
  }

  @Test
  void aLengthPastTheEndOfTheFileFailsInOneLine() throws IOException {
    List<String> strings = elements(150_000);
    long at = lengthField(strings, 120_000);
    byte[] bytes = header(3, ByteOrder.LITTLE_ENDIAN, strings);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(Math.toIntExact(at), 1 << 20);
    Path file = Files.write(dir.resolve("past.gguf"), bytes);
    long left = bytes.length - (at + 8);
    assertThatThrownBy(() -> GgufReader.read(file))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            file
                + ": byte "
                + at
                + ": string element has length 1048576, more than the "
                + left
                + " bytes left in the file");
  }

  @Test
  void aStreamCutInsideAnElementOrALengthFailsInOneLine() {
    List<String> strings = elements(150_000);
    byte[] bytes = header(3, ByteOrder.LITTLE_ENDIAN, strings);
    // Element 100,018 has 100,018 % 19 = 2 letters: cut after its first byte.
    long at = lengthField(strings, 100_018);
    int inElement = Math.toIntExact(at + 8 + 1);
    assertThatThrownBy(() -> stream(Arrays.copyOf(bytes, inElement)))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            "s.gguf: truncated at byte " + inElement + " reading string element of metadata 'a'");
    int inLength = Math.toIntExact(at + 3);
    assertThatThrownBy(() -> stream(Arrays.copyOf(bytes, inLength)))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            "s.gguf: truncated at byte " + inLength + " reading string length of metadata 'a'");
    // Inside the 200,000-byte element, read in pieces.
    int inLong = Math.toIntExact(lengthField(strings, 149_998) + 8 + 150_000);
    assertThatThrownBy(() -> stream(Arrays.copyOf(bytes, inLong)))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            "s.gguf: truncated at byte " + inLong + " reading string element of metadata 'a'");
  }
}
