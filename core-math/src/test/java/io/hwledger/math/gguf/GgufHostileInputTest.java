package io.hwledger.math.gguf;

import static io.hwledger.math.fixtures.GgufWriter.arr;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.DType;
import io.hwledger.api.ModelConfigException;
import io.hwledger.math.fixtures.GgufWriter;
import io.hwledger.testsupport.Verifies;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile headers, each failing with one exact message. Offsets are worked out from
 * the v3 layout: magic 0–3, version 4–7, tensor count 8–15, metadata count 16–23, then entries.
 */
@Verifies("FR-HOSTILE-001")
class GgufHostileInputTest {

  /** A v3 header with one metadata entry "k" = UINT32 7 (bytes 24–40) and no tensors. */
  private static byte[] oneKey() {
    return new GgufWriter().u32("k", 7).header();
  }

  private static byte[] patch(byte[] bytes, int at, int... values) {
    byte[] copy = bytes.clone();
    for (int i = 0; i < values.length; i++) {
      copy[at + i] = (byte) values[i];
    }
    return copy;
  }

  private static byte[] putLong(byte[] bytes, int at, long v) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
    return copy;
  }

  private static byte[] putInt(byte[] bytes, int at, int v) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
    return copy;
  }

  /** A header with one tensor "t" (name at 24–32, n_dims 33, dims 37, type, offset). */
  private static GgufWriter oneTensor(int ggmlType, long offset, long... dims) {
    return new GgufWriter().rawTensor("t", ggmlType, offset, dims);
  }

  static Stream<Arguments> cases() {
    byte[] key = oneKey();
    byte[] overlapping =
        new GgufWriter().rawTensor("t", 0, 0, 64).rawTensor("u", 0, 128, 4).header();
    overlapping = Arrays.copyOf(overlapping, overlapping.length + 512);
    return Stream.of(
        Arguments.of(
            "bad magic",
            patch(key, 0, 'G', 'G', 'M', 'L'),
            "byte 0: bad magic 0x47474d4c, not a GGUF file"),
        Arguments.of(
            "version 4",
            putInt(key, 4, 4),
            "byte 4: unsupported GGUF version 4 (supported: 1, 2, 3)"),
        Arguments.of(
            "truncated in the version",
            Arrays.copyOf(key, 6),
            "truncated at byte 6 reading version of the header"),
        Arguments.of(
            "truncated in the counts",
            Arrays.copyOf(key, 10),
            "truncated at byte 10 reading tensor count of the header"),
        Arguments.of(
            // the key "k" is at 32; its type at 33-36, the value at 37-40
            "truncated in a value",
            Arrays.copyOf(key, 39),
            "truncated at byte 39 reading value of metadata 'k'"),
        Arguments.of("empty file", new byte[0], "truncated at byte 0 reading magic of the header"),
        Arguments.of(
            // 41 bytes padded to 64: 32 left after the key length field at 24-31
            "key longer than the file",
            putLong(key, 24, 1000),
            "byte 24: key has length 1000, more than the 32 bytes left in the file"),
        Arguments.of(
            "key over the limit",
            putLong(key, 24, 70_000),
            "byte 24: key has length 70000, more than the limit of 65535 bytes"),
        Arguments.of(
            "string of 2^64 - 1 bytes",
            putLong(new GgufWriter().str("s", "abc").header(), 37, -1),
            "byte 37: string has length 18446744073709551615, more than the limit of 16777216"
                + " bytes"),
        Arguments.of(
            // array "a": key 24-32, type 33, element type 37, count 41-48, one int 49-52; padded to
            // 64, so 15 bytes are left after the count
            "array longer than the file",
            putLong(
                new GgufWriter().kv("a", GgufType.ARRAY, arr(GgufType.INT32, 1)).header(),
                41,
                1L << 40),
            "byte 41: array metadata 'a' claims 1099511627776 INT32 elements, more than the 15"
                + " bytes left in the file can hold"),
        Arguments.of(
            "metadata count that cannot fit",
            putLong(key, 16, 1_000_000),
            "byte 16: metadata count 1000000 cannot fit in the 40 bytes left in the file"),
        Arguments.of(
            "tensor count that cannot fit",
            putLong(key, 8, -1),
            "byte 8: tensor count 18446744073709551615 cannot fit in the 40 bytes left in the"
                + " file"),
        Arguments.of(
            "unknown value type",
            putInt(key, 33, 13),
            "byte 33: unknown value type 13 of metadata 'k'"),
        Arguments.of(
            "bool of 2",
            patch(new GgufWriter().kv("b", GgufType.BOOL, true).header(), 37, 2),
            "byte 37: bool metadata 'b' is 2, not 0 or 1"),
        Arguments.of(
            "duplicate key",
            new GgufWriter().u32("k", 1).u32("k", 2).header(),
            "byte 41: duplicate metadata key 'k'"),
        Arguments.of(
            // depth 1 is the value; arrays nested 5 deep: the fifth array type is at
            // 33 + 4 × 12 = 81
            "arrays nested too deep",
            new GgufWriter()
                .kv(
                    "n",
                    GgufType.ARRAY,
                    arr(
                        GgufType.ARRAY,
                        arr(
                            GgufType.ARRAY,
                            arr(GgufType.ARRAY, arr(GgufType.ARRAY, arr(GgufType.INT32))))))
                .header(),
            "byte 85: array metadata 'n' is nested deeper than 4 levels"),
        Arguments.of(
            "alignment not a power of two",
            new GgufWriter().u32("general.alignment", 48).header(),
            // key length 24-31, "general.alignment" 32-48, type 49-52, value 53
            "byte 53: 'general.alignment' is 48, not a power of two up to 2^30"),
        Arguments.of(
            "five dimensions",
            oneTensor(0, 0, 1, 1, 1, 1, 1).header(),
            "byte 33: tensor 't' has 5 dimensions (supported: 1 to 4)"),
        Arguments.of(
            "a zero dimension",
            oneTensor(0, 0, 4, 0).header(),
            "byte 45: tensor 't' has dimension 1 of 0, not a positive size"),
        Arguments.of(
            "a negative dimension",
            oneTensor(0, 0, -5).header(),
            "byte 37: tensor 't' has dimension 0 of 18446744073709551611, not a positive size"),
        Arguments.of(
            "elements overflowing a long",
            oneTensor(0, 0, 1L << 31, 1L << 31, 1L << 31).header(),
            "byte 53: tensor 't' has more elements than a long can count"),
        Arguments.of(
            "bytes overflowing a long",
            oneTensor(0, 0, 1L << 31, 1L << 31, 1).header(),
            // 2^62 F32 elements: 2^64 bytes; the type field follows three dims at 37, 45, 53
            "byte 61: tensor 't' has more bytes than a long can count"),
        Arguments.of(
            "unknown ggml type",
            oneTensor(31, 0, 4).header(),
            "byte 45: tensor 't' has unknown ggml type 31"),
        Arguments.of(
            "misaligned offset",
            oneTensor(0, 8, 4).header(),
            "byte 49: tensor 't' has offset 8, not a multiple of the alignment 32"),
        Arguments.of(
            "duplicate tensor name",
            new GgufWriter().tensor("t", DType.FP32, 4).tensor("t", DType.FP32, 4).header(),
            "byte 57: duplicate tensor name 't'"),
        Arguments.of(
            // a name with a line break is escaped, so the message stays on one line; the second
            // name starts at 24 + 8 + 3 + 4 + 8 + 4 + 8 = 59
            "duplicate tensor name with a control character",
            new GgufWriter().tensor("a\nb", DType.FP32, 4).tensor("a\nb", DType.FP32, 4).header(),
            "byte 59: duplicate tensor name 'a\\nb'"),
        Arguments.of(
            // t: 64 F32 = 256 bytes at 0; u at 128 overlaps it. t's info is 24-56 (name 9, n_dims
            // 4,
            // dim 8, type 4, offset 8); u's name 57-65, n_dims 66, dim 70, type 78, offset 82.
            // 512 bytes of data follow the header, so neither runs past the end.
            "overlapping tensors",
            overlapping,
            "byte 82: tensor 'u' data at offset 128 overlaps tensor 't', which ends at 256"),
        Arguments.of(
            // header 57 bytes padded to 64; the file is the header alone, so data [0, 16) at 64
            // ends
            // past the 64-byte file
            "data past the end",
            oneTensor(0, 0, 4).header(),
            "byte 49: tensor 't' data [0, 16) of the data section at byte 64 runs past the end of"
                + " the file (64 bytes)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void failsWithOneLineNamingFileOffsetAndProblem(String name, byte[] bytes, String message) {
    assertThatThrownBy(
            () ->
                GgufReader.read(
                    new ByteArrayInputStream(bytes), "h.gguf", OptionalLong.of(bytes.length)))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage("h.gguf: " + message);
  }
}
