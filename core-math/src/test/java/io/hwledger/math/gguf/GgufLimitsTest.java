package io.hwledger.math.gguf;

import static io.hwledger.math.fixtures.GgufWriter.arr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.ModelConfigException;
import io.hwledger.math.TestFiles;
import io.hwledger.math.fixtures.GgufWriter;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headers whose claims fit a sparse file's holes but not the reader's stated limits: refused in one
 * line before anything is allocated for them. Offsets are worked out from the v3 layout: magic 0–3,
 * version 4–7, tensor count 8–15, metadata count 16–23, then key "a" (length 24–31, byte 32), value
 * type 33–36, array element type 37–40, array count 41–48, elements from 49.
 */
@Verifies("FR-HOSTILE-001")
class GgufLimitsTest {
  @TempDir Path dir;

  /** {@code header} with the 8 bytes at {@code at} set to {@code value}, written sparse. */
  private Path sparse(byte[] header, int at, long value, long length) throws IOException {
    ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
    Path file = dir.resolve("hostile.gguf");
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.write(header);
      out.setLength(length);
    }
    return file;
  }

  private static void assertRefused(Path file, String message) {
    assertThatThrownBy(() -> GgufReader.read(file))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(file + ": " + message);
  }

  @Test
  void aHugeArrayInASparseFileIsRefusedByTheElementLimit() throws IOException {
    // 2^31 - 9 UINT8 elements fit the holes of a 4 GiB file, but not 2^24.
    byte[] header = new GgufWriter().kv("a", GgufType.ARRAY, arr(GgufType.UINT8, 1)).header();
    Path file = sparse(header, 41, Integer.MAX_VALUE - 8, 1L << 32);
    assertRefused(
        file,
        "byte 41: array metadata 'a' claims 2147483639 UINT8 elements, more than the limit of"
            + " 16777216");
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void manySmallStringsAreRefusedByTheHeapLimit() throws IOException {
    // 2^24 empty strings: 8 bytes each in the file (2^27 bytes of holes), 48 each in the heap.
    // Charged before any string: key entry 96 + key "a" 48 + 2 = 146, the array 48, its 2^24
    // references 4 × 2^24 = 67,108,864, in all 67,109,058. Left of 2^27 = 134,217,728:
    // 67,108,670, room for 1,398,097 strings of 48 (67,108,656); string 1,398,097 (from 0) is
    // refused at its length field, byte 49 + 8 × 1,398,097 = 11,184,825, where the estimate would
    // reach 67,109,058 + 67,108,656 + 48 = 134,217,762.
    byte[] header = new GgufWriter().kv("a", GgufType.ARRAY, arr(GgufType.STRING, "")).header();
    Path file = sparse(header, 41, 1 << 24, 200L << 20);
    assertRefused(
        file,
        "byte 11184825: metadata 'a' takes the header's estimated memory to 134217762 bytes,"
            + " past the limit of 134217728 (48 bytes per string plus 2 per byte of it, element"
            + " size per number)");
  }

  @Test
  void aTensorCountOverTheLimitIsRefused() throws IOException {
    // 262,145 tensor infos of at least 33 bytes fit in 16 MiB of holes, but not in the limit.
    byte[] header = new GgufWriter().header();
    Path file = sparse(header, 8, 262_145, 16L << 20);
    assertRefused(file, "byte 8: tensor count 262145 is more than the limit of 262144");
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFifoIsRefusedWithoutBeingOpened() throws Exception {
    Path fifo = TestFiles.fifo(dir.resolve("model.gguf"));
    assertRefused(fifo, "is not a regular file (a FIFO, socket or device), so it is not read");
    assertThatThrownBy(() -> GgufReader.read(dir))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(dir + ": is a directory, not a regular file");
  }

  @Test
  void aRealSizedVocabularyIsWellWithinTheHeapLimit() {
    // 262,144 tokens of 8 bytes (Gemma 3's vocabulary size), their scores and types:
    // 262,144 × (48 + 16) + 262,144 × 4 × 2 = 18,874,368 estimated bytes.
    Object[] tokens = new Object[262_144];
    Object[] scores = new Object[262_144];
    Object[] types = new Object[262_144];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = String.format(java.util.Locale.ROOT, "tok%05x", i);
      scores[i] = (float) i;
      types[i] = 1;
    }
    GgufFile f =
        GgufReaderTest.read(
            new GgufWriter()
                .kv("tokenizer.ggml.tokens", GgufType.ARRAY, arr(GgufType.STRING, tokens))
                .kv("tokenizer.ggml.scores", GgufType.ARRAY, arr(GgufType.FLOAT32, scores))
                .kv("tokenizer.ggml.token_type", GgufType.ARRAY, arr(GgufType.INT32, types))
                .header());
    assertThat(f.array("tokenizer.ggml.tokens").orElseThrow().size()).isEqualTo(262_144);
  }
}
