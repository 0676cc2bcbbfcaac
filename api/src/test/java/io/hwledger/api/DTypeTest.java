package io.hwledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Block sizes from gguf-py GGML_QUANT_SIZES as listed in REFERENCES.md §2. */
@Verifies("FR-PLAN-002")
class DTypeTest {

  @ParameterizedTest(name = "{0}: {1} weights in {2} bytes")
  @CsvSource({
    "f32, 1, 4",
    "f16, 1, 2",
    "bf16, 1, 2",
    "q4_0, 32, 18",
    "q4_1, 32, 20",
    "q5_0, 32, 22",
    "q5_1, 32, 24",
    "q8_0, 32, 34",
    "q2_k, 256, 84",
    "q3_k, 256, 110",
    "q4_k, 256, 144",
    "q5_k, 256, 176",
    "q6_k, 256, 210",
    "iq2_xxs, 256, 66",
    "iq2_xs, 256, 74",
    "iq2_s, 256, 82",
    "iq3_xxs, 256, 98",
    "iq3_s, 256, 110",
    "iq1_s, 256, 50",
    "iq1_m, 256, 56",
    "iq4_nl, 32, 18",
    "iq4_xs, 256, 136",
    "tq1_0, 256, 54",
    "tq2_0, 256, 66",
    "mxfp4, 32, 17",
    "fp8, 1, 1",
    "fp8_e5m2, 1, 1",
    "int8, 1, 1"
  })
  void blockSizes(String name, int weights, int bytes) {
    DType t = DType.parse(name);
    assertThat(t.blockElements()).isEqualTo(weights);
    assertThat(t.blockBits()).isEqualTo(bytes * 8);
    assertThat(t.bytes(weights)).isEqualTo(bytes);
  }

  @Test
  void partialBlocksAreWholeBlocksPerRow() {
    // 3 rows of 40 elements in q8_0: each row takes 2 blocks of 34 bytes
    assertThat(DType.parse("q8_0").bytes(3, 40)).isEqualTo(3 * 2 * 34);
  }

  @Test
  void llamaCppCacheTypesCostTheirDocumentedBytesPerElement() {
    // REFERENCES.md §2: q8_0 = 1.0625 B/element, q4_0 = 0.5625
    assertThat(DType.parse("q8_0").bytes(1024)).isEqualTo(1088);
    assertThat(DType.parse("q4_0").bytes(1024)).isEqualTo(576);
  }

  @Test
  void int4GroupsCarryAnFp16ScaleAndA4BitZero() {
    // 128 weights · 4 bits + 16-bit scale + 4-bit zero = 532 bits = 66.5 bytes
    assertThat(DType.INT4.bytes(256)).isEqualTo(133);
    assertThat(DType.parse("int4_g64").bytes(64)).isEqualTo(35); // 256 + 20 bits = 34.5 → 35
    assertThat(DType.parse("INT4-G32").blockElements()).isEqualTo(32);
  }

  @Test
  void namesAreCaseInsensitiveWithAliases() {
    assertThat(DType.parse("BF16")).isEqualTo(DType.BF16);
    assertThat(DType.parse("bfloat16")).isEqualTo(DType.BF16);
    assertThat(DType.parse("FP8")).isEqualTo(DType.FP8_E4M3);
    assertThat(DType.parse("Q4_K")).isEqualTo(DType.parse("q4_k"));
    assertThat(DType.parse("q8_0").ggmlType()).hasValue(8);
  }

  @Test
  void unknownNamesAreRejectedByName() {
    assertThatThrownBy(() -> DType.parse("fp7"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown dtype 'fp7'");
    assertThatThrownBy(() -> DType.parse("int4_gx")).hasMessageStartingWith("unknown dtype");
    assertThatThrownBy(() -> DType.int4(0)).hasMessageContaining("group size");
    // a known family with an impossible group size names the reason, not "unknown"
    assertThatThrownBy(() -> DType.parse("int4_g3"))
        .hasMessage("dtype 'int4_g3': int4 group size must be a positive even number, was 3");
  }

  @Test
  void overflowIsReported() {
    assertThatThrownBy(() -> DType.FP32.bytes(Long.MAX_VALUE / 2, 4))
        .isInstanceOf(ArithmeticException.class);
  }

  // gguf-py GGML_QUANT_SIZES: (block elements, block bytes) per ggml type id.
  @ParameterizedTest(name = "ggml type {0} is {1}")
  @CsvSource({
    "0, fp32, 1, 4",
    "1, fp16, 1, 2",
    "12, q4_k, 256, 144",
    "15, q8_k, 256, 292",
    "24, i8, 1, 1",
    "25, i16, 1, 2",
    "26, i32, 1, 4",
    "27, i64, 1, 8",
    "28, f64, 1, 8",
    "30, bf16, 1, 2",
    "39, mxfp4, 32, 17"
  })
  void looksUpGgmlTypeIds(int id, String name, int blockElements, int blockBytes) {
    DType t = DType.ofGgmlType(id).orElseThrow();
    assertThat(t.name()).isEqualTo(name);
    assertThat(t.blockElements()).isEqualTo(blockElements);
    assertThat(t.blockBits()).isEqualTo(blockBytes * 8);
    assertThat(t.ggmlType()).hasValue(id);
  }

  @Test
  void unassignedAndRemovedGgmlIdsAreEmpty() {
    for (int id : new int[] {-1, 4, 5, 31, 32, 33, 36, 37, 38, 1000}) {
      assertThat(DType.ofGgmlType(id)).as("id %d", id).isEmpty();
    }
  }
}
