package io.hwledger.math.gguf;

import static io.hwledger.math.gguf.GgufWriter.arr;
import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.api.DType;
import io.hwledger.api.ModelConfigException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutated and truncated valid headers: the reader either succeeds or throws {@link
 * ModelConfigException}, never another exception or an out-of-memory error. The seed is printed;
 * rerun one with {@code -Dgguf.fuzz.seed=N}.
 */
class GgufFuzzTest {
  private static final long SEED = Long.getLong("gguf.fuzz.seed", System.nanoTime());
  private static final int CASES = 300;

  private static byte[] valid(int version, ByteOrder order) {
    GgufWriter w =
        new GgufWriter(version, order)
            .str("general.architecture", "llama")
            .u32("llama.block_count", 2)
            .u32("llama.embedding_length", 64)
            .u32("llama.feed_forward_length", 128)
            .u32("llama.attention.head_count", 4)
            .kv("llama.attention.head_count_kv", GgufType.ARRAY, arr(GgufType.INT32, 4, 2))
            .kv("tokenizer.ggml.tokens", GgufType.ARRAY, arr(GgufType.STRING, "a", "bb", "ccc"))
            .kv("nested", GgufType.ARRAY, arr(GgufType.ARRAY, arr(GgufType.FLOAT64, 1.0)))
            .kv("flag", GgufType.BOOL, true)
            .tensor("token_embd.weight", DType.FP16, 64, 3)
            .tensor("blk.0.attn_q.weight", DType.parse("q4_k"), 256, 64)
            .tensor("blk.1.attn_q.weight", DType.parse("q8_0"), 64, 64)
            .tensor("output_norm.weight", DType.FP32, 64);
    byte[] header = w.header();
    return Arrays.copyOf(header, (int) (header.length + w.dataBytes()));
  }

  static Stream<Arguments> cases() {
    System.out.println("GgufFuzzTest seed " + SEED + " (rerun with -Dgguf.fuzz.seed=" + SEED + ")");
    SplittableRandom root = new SplittableRandom(SEED);
    return IntStream.range(0, CASES).mapToObj(i -> Arguments.of(i, root.split().nextLong()));
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("cases")
  void mutatedHeadersFailOnlyWithModelConfigException(int index, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int version = 1 + r.nextInt(3);
    ByteOrder order = r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    byte[] bytes = valid(version, order);
    int mutations = 1 + r.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      int at = r.nextInt(Math.max(1, Math.min(bytes.length, 600)));
      switch (r.nextInt(4)) {
        case 0:
          if (at < bytes.length) { // an earlier truncation may have left fewer bytes
            bytes[at] = (byte) r.nextInt(256);
          }
          break;
        case 1:
          if (at + 8 <= bytes.length) {
            long[] extremes = {-1L, 0L, 1L << 32, Long.MAX_VALUE, 1L << 40, r.nextLong()};
            ByteBuffer.wrap(bytes).order(order).putLong(at, extremes[r.nextInt(extremes.length)]);
          }
          break;
        case 2:
          if (at + 4 <= bytes.length) {
            int[] extremes = {-1, 0, 5, 13, Integer.MAX_VALUE, r.nextInt()};
            ByteBuffer.wrap(bytes).order(order).putInt(at, extremes[r.nextInt(extremes.length)]);
          }
          break;
        default:
          bytes = Arrays.copyOf(bytes, at);
      }
    }
    boolean known = r.nextBoolean();
    try {
      GgufFile f =
          GgufReader.read(
              new ByteArrayInputStream(bytes),
              "fuzz-" + index,
              known ? OptionalLong.of(bytes.length) : OptionalLong.empty());
      assertThat(f.version()).isBetween(1, 3);
      f.checkpointWeights();
      f.modelSpec();
    } catch (ModelConfigException e) {
      assertThat(e.getMessage()).startsWith("fuzz-" + index + ": ").doesNotContain("\n");
    }
  }
}
