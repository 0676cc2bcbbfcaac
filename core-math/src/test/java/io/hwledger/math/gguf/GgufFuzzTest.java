package io.hwledger.math.gguf;

import static io.hwledger.math.fixtures.GgufWriter.arr;
import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.api.DType;
import io.hwledger.api.ModelSpec;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.Fuzz;
import io.hwledger.math.Planner;
import io.hwledger.math.fixtures.GgufWriter;
import io.hwledger.testsupport.Verifies;
import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Mutated and truncated valid headers of every version and byte order, through {@link Fuzz}: the
 * reader, {@code checkpointWeights}, {@code modelSpec} and the planner either succeed or refuse
 * with one printable line ({@link io.hwledger.api.ModelConfigException}; the planner may also throw
 * its documented {@link IllegalArgumentException}, see {@link Fuzz#planner}), never another
 * exception, an out-of-memory error or a hang. The seed is printed; {@code -Dhwledger.fuzz.seed=N}
 * and {@code -Dhwledger.fuzz.cases=N} rerun or lengthen the run.
 */
@Verifies("FR-HOSTILE-001")
class GgufFuzzTest {
  /** A two-layer llama with every value type; its header region is what gets mutated. */
  private static byte[] valid(int version, ByteOrder order) {
    GgufWriter w =
        new GgufWriter(version, order)
            .str("general.architecture", "llama")
            .str("general.name", "fuzz")
            .u32("llama.block_count", 2)
            .u32("llama.embedding_length", 64)
            .u32("llama.feed_forward_length", 128)
            .u32("llama.attention.head_count", 4)
            .u32("llama.context_length", 4096)
            .kv("llama.attention.head_count_kv", GgufType.ARRAY, arr(GgufType.INT32, 4, 2))
            .kv("tokenizer.ggml.tokens", GgufType.ARRAY, arr(GgufType.STRING, "a", "bb", "ccc"))
            .kv("nested", GgufType.ARRAY, arr(GgufType.ARRAY, arr(GgufType.FLOAT64, 1.0)))
            .kv("flag", GgufType.BOOL, true)
            .tensor("token_embd.weight", DType.FP16, 64, 3);
    for (int i = 0; i < 2; i++) {
      String b = "blk." + i + ".";
      w.tensor(b + "attn_norm.weight", DType.FP32, 64)
          .tensor(b + "attn_q.weight", DType.parse("q4_k"), 256, 64)
          .tensor(b + "attn_k.weight", DType.parse("q8_0"), 64, 32)
          .tensor(b + "attn_v.weight", DType.parse("q8_0"), 64, 32)
          .tensor(b + "attn_output.weight", DType.FP16, 64, 64)
          .tensor(b + "ffn_gate.weight", DType.FP16, 64, 128)
          .tensor(b + "ffn_up.weight", DType.FP16, 64, 128)
          .tensor(b + "ffn_down.weight", DType.FP16, 128, 64);
    }
    w.tensor("output_norm.weight", DType.FP32, 64);
    byte[] header = w.header();
    return Arrays.copyOf(header, (int) (header.length + w.dataBytes()));
  }

  private static void read(byte[] bytes, SplittableRandom r) throws Fuzz.Refused {
    GgufFile f =
        GgufReader.read(
            new ByteArrayInputStream(bytes),
            "fuzz",
            r.nextBoolean() ? OptionalLong.of(bytes.length) : OptionalLong.empty());
    assertThat(f.version()).isBetween(1, 3);
    ModelSpec spec = f.modelSpec();
    CheckpointWeights weights = f.checkpointWeights();
    Fuzz.planner(() -> Planner.of(spec, weights));
  }

  @Test
  void mutatedHeadersAreReadOrRefusedInOneLine() throws Fuzz.Refused {
    List<Fuzz.Seed> seeds = new ArrayList<>();
    for (int version = 1; version <= 3; version++) {
      for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
        byte[] bytes = valid(version, order);
        read(bytes, new SplittableRandom(1)); // the seeds themselves are valid
        int counts = version == 1 ? 4 : 8;
        seeds.add(
            new Fuzz.Seed(
                bytes,
                Math.min(bytes.length, 1200),
                order,
                new int[] {4, 8, 8 + counts},
                false,
                GgufFuzzTest::read));
      }
    }
    Fuzz.Report report = Fuzz.run("gguf", seeds, Fuzz.cases(4000));
    assertThat(report.failures()).isEmpty();
    assertThat(report.refused()).isPositive();
  }
}
