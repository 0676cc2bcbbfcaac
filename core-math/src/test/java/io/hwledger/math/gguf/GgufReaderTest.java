package io.hwledger.math.gguf;

import static io.hwledger.math.fixtures.GgufWriter.arr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.DType;
import io.hwledger.api.ModelConfigException;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.fixtures.GgufWriter;
import io.hwledger.testsupport.Verifies;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@Verifies("FR-GGUF-001")
class GgufReaderTest {
  @TempDir Path dir;

  /** Reads a header without its data section: a stream of unknown length. */
  static GgufFile read(byte[] header) {
    return GgufReader.read(new ByteArrayInputStream(header), "t.gguf", OptionalLong.empty());
  }

  @Test
  void everyScalarTypeMapsToItsDocumentedJavaType() {
    GgufFile f =
        read(
            new GgufWriter()
                .kv("u8", GgufType.UINT8, 255)
                .kv("i8", GgufType.INT8, -128)
                .kv("u16", GgufType.UINT16, 65535)
                .kv("i16", GgufType.INT16, -32768)
                .kv("u32", GgufType.UINT32, 4_294_967_295L)
                .kv("i32", GgufType.INT32, Integer.MIN_VALUE)
                .kv("f32", GgufType.FLOAT32, 1.5f)
                .kv("bool", GgufType.BOOL, true)
                .kv("str", GgufType.STRING, "héllo ✓")
                .kv("u64", GgufType.UINT64, -1L)
                .kv("i64", GgufType.INT64, Long.MIN_VALUE)
                .kv("f64", GgufType.FLOAT64, -2.25)
                .header());
    assertThat(f.metadata())
        .containsExactly(
            entry("u8", 255),
            entry("i8", -128),
            entry("u16", 65535),
            entry("i16", -32768),
            entry("u32", 4_294_967_295L),
            entry("i32", Integer.MIN_VALUE),
            entry("f32", 1.5f),
            entry("bool", true),
            entry("str", "héllo ✓"),
            entry("u64", -1L),
            entry("i64", Long.MIN_VALUE),
            entry("f64", -2.25));
    assertThat(Long.toUnsignedString(f.integer("u64").getAsLong()))
        .isEqualTo("18446744073709551615");
    assertThat(f.type("u16")).contains(GgufType.UINT16);
    assertThat(f.type("missing")).isEmpty();
    assertThat(f.integer("str")).isEmpty();
    assertThat(f.string("str")).contains("héllo ✓");
  }

  private static java.util.Map.Entry<String, Object> entry(String k, Object v) {
    return java.util.Map.entry(k, v);
  }

  @Test
  void arraysOfEveryTypeStayUnboxedAndReadBack() {
    GgufFile f =
        read(
            new GgufWriter()
                .kv("u8", GgufType.ARRAY, arr(GgufType.UINT8, 0, 200, 255))
                .kv("i8", GgufType.ARRAY, arr(GgufType.INT8, -1, 7))
                .kv("u16", GgufType.ARRAY, arr(GgufType.UINT16, 65535, 1))
                .kv("i16", GgufType.ARRAY, arr(GgufType.INT16, -2))
                .kv("u32", GgufType.ARRAY, arr(GgufType.UINT32, 4_000_000_000L))
                .kv("i32", GgufType.ARRAY, arr(GgufType.INT32, -5, 0, 5))
                .kv("f32", GgufType.ARRAY, arr(GgufType.FLOAT32, 0.5f, -1f))
                .kv("bool", GgufType.ARRAY, arr(GgufType.BOOL, true, false))
                .kv("str", GgufType.ARRAY, arr(GgufType.STRING, "a", "", "Ġthe"))
                .kv("u64", GgufType.ARRAY, arr(GgufType.UINT64, -1L))
                .kv("i64", GgufType.ARRAY, arr(GgufType.INT64, Long.MAX_VALUE))
                .kv("f64", GgufType.ARRAY, arr(GgufType.FLOAT64, 1e300))
                .kv("empty", GgufType.ARRAY, arr(GgufType.INT32))
                .header());
    GgufArray u8 = f.array("u8").orElseThrow();
    assertThat(u8.elementType()).isEqualTo(GgufType.UINT8);
    assertThat(List.of(u8.getLong(0), u8.getLong(1), u8.getLong(2)))
        .containsExactly(0L, 200L, 255L);
    assertThat(f.array("i8").orElseThrow().getLong(0)).isEqualTo(-1);
    assertThat(f.array("u16").orElseThrow().get(0)).isEqualTo(65535);
    assertThat(f.array("i16").orElseThrow().get(0)).isEqualTo(-2);
    assertThat(f.array("u32").orElseThrow().get(0)).isEqualTo(4_000_000_000L);
    assertThat(f.array("i32").orElseThrow().getLong(0)).isEqualTo(-5);
    assertThat(f.array("f32").orElseThrow().getDouble(1)).isEqualTo(-1.0);
    assertThat(f.array("bool").orElseThrow().getBoolean(0)).isTrue();
    assertThat(f.array("str").orElseThrow().strings()).containsExactly("a", "", "Ġthe");
    assertThat(f.array("u64").orElseThrow().getDouble(0))
        .isEqualTo(1.8446744073709552E+19); // 2^64 - 1, as the nearest double
    assertThat(f.array("i64").orElseThrow().get(0)).isEqualTo(Long.MAX_VALUE);
    assertThat(f.array("f64").orElseThrow().get(0)).isEqualTo(1e300);
    assertThat(f.array("empty").orElseThrow().size()).isZero();
  }

  @Test
  void nestedArraysReadAsArraysOfArrays() {
    GgufFile f =
        read(
            new GgufWriter()
                .kv(
                    "nested",
                    GgufType.ARRAY,
                    arr(
                        GgufType.ARRAY,
                        arr(GgufType.INT32, 1, 2),
                        arr(GgufType.STRING, "x"),
                        arr(GgufType.ARRAY, arr(GgufType.UINT8, 9))))
                .header());
    GgufArray nested = f.array("nested").orElseThrow();
    assertThat(nested.size()).isEqualTo(3);
    assertThat(nested.getArray(0).getLong(1)).isEqualTo(2);
    assertThat(nested.getArray(1).getString(0)).isEqualTo("x");
    assertThat(nested.getArray(2).getArray(0).getLong(0)).isEqualTo(9);
  }

  static Stream<Arguments> versionsAndOrders() {
    return Stream.of(
        Arguments.of(1, ByteOrder.LITTLE_ENDIAN),
        Arguments.of(2, ByteOrder.LITTLE_ENDIAN),
        Arguments.of(3, ByteOrder.LITTLE_ENDIAN),
        Arguments.of(1, ByteOrder.BIG_ENDIAN),
        Arguments.of(2, ByteOrder.BIG_ENDIAN),
        Arguments.of(3, ByteOrder.BIG_ENDIAN));
  }

  @ParameterizedTest
  @MethodSource("versionsAndOrders")
  void readsEveryVersionInEitherByteOrder(int version, ByteOrder order) {
    byte[] header =
        new GgufWriter(version, order)
            .str("general.architecture", "llama")
            .u32("llama.block_count", 32)
            .kv("tokens", GgufType.ARRAY, arr(GgufType.STRING, "<s>", "</s>"))
            .kv("scores", GgufType.ARRAY, arr(GgufType.FLOAT32, 0f, -1.25f))
            .tensor("token_embd.weight", DType.FP16, 4096, 32000)
            .header();
    GgufFile f = read(header);
    assertThat(f.version()).isEqualTo(version);
    assertThat(f.byteOrder()).isEqualTo(order);
    assertThat(f.architecture()).contains("llama");
    assertThat(f.integer("llama.block_count")).hasValue(32);
    assertThat(f.array("tokens").orElseThrow().strings()).containsExactly("<s>", "</s>");
    assertThat(f.array("scores").orElseThrow().getDouble(1)).isEqualTo(-1.25);
    GgufTensor t = f.tensor("token_embd.weight").orElseThrow();
    assertThat(t.dims()).containsExactly(4096, 32000);
    assertThat(t.type()).isEqualTo(DType.FP16);
  }

  /**
   * Reads by path share one direct buffer between reads: each read still starts in the byte order
   * the magic and version are read in, whatever order the file before it had.
   */
  @Test
  @Verifies("FR-PLAN-026")
  void readsByPathInAlternatingByteOrders() {
    for (int i = 0; i < 4; i++) {
      ByteOrder order = i % 2 == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
      Path file =
          new GgufWriter(3, order)
              .str("general.architecture", "llama")
              .kv("tokens", GgufType.ARRAY, arr(GgufType.STRING, "<s>", "</s>", "é"))
              .tensor("token_embd.weight", DType.FP16, 64, 3)
              .write(dir.resolve("order" + i + ".gguf"));
      GgufFile f = GgufReader.read(file);
      assertThat(f.byteOrder()).isEqualTo(order);
      assertThat(f.architecture()).contains("llama");
      assertThat(f.array("tokens").orElseThrow().strings()).containsExactly("<s>", "</s>", "é");
      assertThat(f.tensor("token_embd.weight").orElseThrow().bytes()).isEqualTo(64L * 3 * 2);
    }
  }

  @Test
  void dataSectionStartsAtTheHeaderEndRoundedUpToTheAlignment() {
    // magic 4 + version 4 + tensor count 8 + kv count 8 = 24; tensor "a": name 8 + 1, n_dims 4,
    // one dim 8, type 4, offset 8 = 33; header 57 bytes, so the data starts at 64 (alignment 32).
    GgufFile f = read(new GgufWriter().tensor("a", DType.FP32, 8).header());
    assertThat(f.alignment()).isEqualTo(32);
    assertThat(f.dataOffset()).isEqualTo(64);

    // general.alignment = 256 (UINT32): key 8 + 17, type 4, value 4 = 33 more, header 90 → 256.
    GgufFile aligned = read(new GgufWriter().alignment(256).tensor("a", DType.FP32, 8).header());
    assertThat(aligned.alignment()).isEqualTo(256);
    assertThat(aligned.dataOffset()).isEqualTo(256);
  }

  @Test
  void tensorBytesOfAMixedQuantisationMatchHandArithmetic() {
    GgufWriter w =
        new GgufWriter()
            .tensor("token_embd.weight", DType.parse("q6_k"), 4096, 128256)
            .tensor("blk.0.attn_q.weight", DType.parse("q4_k"), 4096, 4096)
            .tensor("blk.0.attn_k.weight", DType.parse("q8_0"), 4096, 1024)
            .tensor("blk.0.attn_norm.weight", DType.FP32, 4096)
            .tensor("blk.0.ffn_up_exps.weight", DType.MXFP4, 2880, 2880, 32)
            .tensor("blk.0.odd.weight", DType.parse("q4_0"), 100, 3)
            .tensor("blk.0.ids", DType.I32, 7)
            .tensor("rope_freqs.weight", DType.FP64, 64)
            .tensor("output.weight", DType.BF16, 4096, 128256);
    GgufFile f = read(w.header());
    // Q6_K: 128,256 rows × 4096/256 = 16 blocks × 210 B = 430,940,160
    assertThat(bytes(f, "token_embd.weight")).isEqualTo(430_940_160L);
    // Q4_K: 4096 rows × 16 blocks × 144 B = 9,437,184
    assertThat(bytes(f, "blk.0.attn_q.weight")).isEqualTo(9_437_184L);
    // Q8_0: 1024 rows × 4096/32 = 128 blocks × 34 B = 4,456,448
    assertThat(bytes(f, "blk.0.attn_k.weight")).isEqualTo(4_456_448L);
    // F32: 4096 × 4 B = 16,384
    assertThat(bytes(f, "blk.0.attn_norm.weight")).isEqualTo(16_384L);
    // MXFP4: 2880 × 32 = 92,160 rows × 2880/32 = 90 blocks × 17 B = 141,004,800
    assertThat(bytes(f, "blk.0.ffn_up_exps.weight")).isEqualTo(141_004_800L);
    // Q4_0 with a partial block: 3 rows × ceil(100/32) = 4 blocks × 18 B = 216
    assertThat(bytes(f, "blk.0.odd.weight")).isEqualTo(216L);
    // I32: 7 × 4 = 28; F64: 64 × 8 = 512; BF16: 4096 × 128,256 × 2 = 1,050,673,152
    assertThat(bytes(f, "blk.0.ids")).isEqualTo(28L);
    assertThat(bytes(f, "rope_freqs.weight")).isEqualTo(512L);
    assertThat(bytes(f, "output.weight")).isEqualTo(1_050_673_152L);

    CheckpointWeights weights = f.checkpointWeights();
    assertThat(weights.embeddingBytes()).isEqualTo(430_940_160L);
    assertThat(weights.outputBytes()).isEqualTo(1_050_673_152L);
    assertThat(weights.otherBytes()).isEqualTo(512L);
    // 9,437,184 + 4,456,448 + 16,384 + 141,004,800 + 216 + 28 = 154,915,060
    assertThat(weights.layerBytes()).containsExactly(154_915_060L);
    // elements: 525,336,576 + 16,777,216 + 4,194,304 + 4096 + 265,420,800 + 300 + 7 + 64
    // + 525,336,576 = 1,337,069,939
    assertThat(weights.parameters()).isEqualTo(1_337_069_939L);
  }

  private static long bytes(GgufFile f, String name) {
    return f.tensor(name).orElseThrow().bytes();
  }

  @ParameterizedTest
  @CsvSource({
    "15, Q4_K_M",
    "7, Q8_0",
    "0, F32",
    "1, F16",
    "18, Q6_K",
    "32, BF16",
    "38, MXFP4_MOE",
    "4, unknown (4)",
    "99, unknown (99)"
  })
  void namesFileTypesAsLlamaCppDoes(int id, String name) {
    GgufFile f = read(new GgufWriter().u32("general.file_type", id).header());
    assertThat(f.fileType()).contains(name);
  }

  @Test
  void fileTypeIsEmptyWithoutTheKey() {
    assertThat(read(new GgufWriter().header()).fileType()).isEmpty();
  }

  @Test
  void checkpointWeightsCountLayersFromBlockCountAndTieAMissingOutput() {
    GgufFile f =
        read(
            new GgufWriter()
                .str("general.architecture", "llama")
                .u32("llama.block_count", 3)
                .u32("general.file_type", 1)
                .tensor("token_embd.weight", DType.FP16, 64, 100)
                .tensor("blk.0.attn_norm.weight", DType.FP32, 64)
                .tensor("blk.1.attn_q.weight", DType.FP16, 64, 64)
                .tensor("blk.2.attn_norm.weight", DType.FP32, 64)
                .tensor("blk.3.nextn.weight", DType.FP32, 64)
                .tensor("blk.10x.weird", DType.FP16, 2)
                .tensor("output_norm.weight", DType.FP32, 64)
                .header());
    CheckpointWeights w = f.checkpointWeights();
    assertThat(w.format()).isEqualTo("gguf F16");
    // 64 × 100 × 2 = 12,800; layers 0 and 2: 64 × 4 = 256; layer 1: 64 × 64 × 2 = 8192;
    // other: blk.3 (past block_count 3) 64 × 4 + blk.10x 2 × 2 + output_norm 64 × 4 = 516
    assertThat(w.embeddingBytes()).isEqualTo(12_800L);
    assertThat(w.outputBytes()).isZero();
    assertThat(w.layerBytes()).containsExactly(256L, 8192L, 256L);
    assertThat(w.otherBytes()).isEqualTo(516L);
  }

  @Test
  void checkpointWeightsRefuseDeclaredLayersWithoutTensors() {
    // block_count 32 but tensors for blk.0 and blk.1 only: refused, as a safetensors checkpoint
    // missing a layer is, instead of planning 30 layers of 0 bytes.
    GgufWriter w = HostileGguf.missingLayers();
    assertThatThrownBy(() -> read(w.header()).checkpointWeights())
        .isInstanceOf(ModelConfigException.class)
        .hasMessage("t.gguf: decoder layer 2 has no tensors, but the decoder has 32 layers");
    GgufWriter gap =
        new GgufWriter()
            .str("general.architecture", "llama")
            .tensor("blk.0.attn_q.weight", DType.FP16, 64, 64)
            .tensor("blk.2.attn_q.weight", DType.FP16, 64, 64);
    assertThatThrownBy(() -> read(gap.header()).checkpointWeights())
        .isInstanceOf(ModelConfigException.class)
        .hasMessage("t.gguf: decoder layer 1 has no tensors, but the decoder has 3 layers");
  }

  @Test
  void checkpointWeightsRefuseAHugeBlockCount() {
    GgufWriter w =
        new GgufWriter()
            .str("general.architecture", "llama")
            .kv("llama.block_count", GgufType.UINT32, 4_000_000_000L);
    assertThatThrownBy(() -> read(w.header()).checkpointWeights())
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            "t.gguf: 'llama.block_count' is 4000000000, more than the limit of 1024 layers");
  }

  @Test
  void aHugeSparseFileIsReadWithoutTouchingItsData() throws IOException {
    // 4096 × 4096 × 1024 F16 elements: 34,359,738,368 bytes (32 GiB) of holes.
    Path file =
        new GgufWriter()
            .str("general.architecture", "llama")
            .tensor("blk.0.huge.weight", DType.FP16, 4096, 4096, 1024)
            .write(dir.resolve("huge.gguf"));
    GgufFile f = GgufReader.read(file);
    assertThat(f.fileSize()).hasValue(Files.size(file));
    assertThat(f.tensor("blk.0.huge.weight").orElseThrow().bytes()).isEqualTo(34_359_738_368L);
    assertThat(f.checkpointWeights().totalBytes()).isEqualTo(34_359_738_368L);

    CountingStream counting = new CountingStream(Files.newInputStream(file));
    try (counting) {
      GgufReader.read(counting, "huge.gguf", OptionalLong.of(Files.size(file)));
    }
    // The reader fills one 64 KiB buffer at most past the header.
    assertThat(counting.count).isLessThanOrEqualTo(f.dataOffset() + GgufInput.BUFFER_BYTES);
  }

  @Test
  void readsAStreamOfUnknownLength() {
    byte[] header =
        new GgufWriter()
            .kv("tokens", GgufType.ARRAY, arr(GgufType.STRING, "a", "b", "c"))
            .tensor("x", DType.FP32, 3)
            .header();
    GgufFile f = GgufReader.read(new ByteArrayInputStream(header), "s", OptionalLong.empty());
    assertThat(f.fileSize()).isEmpty();
    assertThat(f.array("tokens").orElseThrow().size()).isEqualTo(3);
    assertThat(f.tensors()).hasSize(1);
  }

  /** An input stream that counts the bytes handed out. */
  private static final class CountingStream extends java.io.FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
