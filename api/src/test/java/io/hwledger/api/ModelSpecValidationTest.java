package io.hwledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Head counts and layer counts that no engine can build are refused where every spec is made. */
@Verifies("FR-PLAN-011")
class ModelSpecValidationTest {

  @ParameterizedTest(name = "{0} query / {1} KV heads: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "4 | 3 | queryHeads (4) must be a multiple of kvHeads (3): each KV head serves an equal"
            + " group of query heads",
        "32 | 12 | queryHeads (32) must be a multiple of kvHeads (12): each KV head serves an"
            + " equal group of query heads",
        "4 | 0 | kvHeads must be positive, was 0",
        "4 | 8 | kvHeads (8) must not exceed queryHeads (4)",
        "0 | 1 | queryHeads must be positive, was 0",
        "-8 | 1 | queryHeads must be positive, was -8"
      })
  void refusesHeadCountsNoEngineCanBuild(int query, int kv, String message) {
    assertThatThrownBy(() -> Attention.full(query, kv, 128))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void refusesHeadDimensionsOfZeroOrLess() {
    assertThatThrownBy(() -> Attention.full(32, 8, 0))
        .hasMessage("keyHeadDim must be positive, was 0");
    assertThatThrownBy(
            () ->
                new Attention(
                    32, 8, 128, -1, OptionalLong.empty(), false, false, false, false, false))
        .hasMessage("valueHeadDim must be positive, was -1");
  }

  @Test
  @Verifies("FR-PLAN-031")
  void wholeProjectionNormsNeedNormsAndBlocksCannotBeNegative() {
    assertThatThrownBy(
            () ->
                new Attention(
                    32, 8, 128, 128, OptionalLong.empty(), false, false, false, false, false, true))
        .hasMessage("qkNormAcrossHeads needs qkNorm");
    Attention olmo =
        new Attention(
            32, 8, 128, 128, OptionalLong.empty(), false, false, true, false, false, true);
    // the window copies keep the flag
    assertThat(olmo.withWindow(4096).withoutWindow()).isEqualTo(olmo);
    // the ten-argument constructor is per-head
    assertThat(
            new Attention(32, 8, 128, 128, OptionalLong.empty(), false, false, true, false, false)
                .qkNormAcrossHeads())
        .isFalse();
    List<LayerSpec> one = List.of(new LayerSpec(Attention.full(4, 4, 16), NoMlp.INSTANCE, 2));
    Precision bf16 = Precision.of(DType.BF16, DType.BF16);
    assertThatThrownBy(
            () ->
                new ModelSpec(
                    "m", 100, 64, false, NormKind.RMS_NORM, one, OptionalLong.of(1), bf16, 0, -128))
        .hasMessage("weightBlockSize must not be negative, was -128");
    assertThat(
            new ModelSpec("m", 100, 64, false, NormKind.RMS_NORM, one, OptionalLong.of(1), bf16, 0)
                .weightBlockSize())
        .isZero();
  }

  @Test
  @Verifies("FR-PLAN-023")
  void aConvertedCopyKeepsTheLayoutAndDropsTheOriginalBlock() {
    List<LayerSpec> one = List.of(new LayerSpec(Attention.full(4, 4, 16), NoMlp.INSTANCE, 2));
    ModelSpec checkpoint =
        new ModelSpec(
            "m",
            100,
            64,
            true,
            NormKind.LAYER_NORM,
            one,
            OptionalLong.of(1024),
            Precision.of(DType.FP8_E4M3, DType.BF16),
            1024,
            128,
            5_000);
    Precision q8 = Precision.of(DType.INT8, DType.BF16);
    ModelSpec gguf = checkpoint.storedAs(q8);
    assertThat(gguf)
        .isEqualTo(
            new ModelSpec(
                "m",
                100,
                64,
                true,
                NormKind.LAYER_NORM,
                one,
                OptionalLong.of(1024),
                q8,
                1024,
                0,
                5_000));
    assertThatThrownBy(() -> checkpoint.storedAs(null)).hasMessage("storage");
  }

  @Test
  void acceptsMhaGqaAndMqa() {
    // Llama-2-7B 32/32, Llama-3.1-8B 32/8, Falcon-7B 71/1: the published head counts.
    assertThatCode(() -> Attention.full(32, 32, 128)).doesNotThrowAnyException();
    assertThatCode(() -> Attention.full(32, 8, 128)).doesNotThrowAnyException();
    assertThatCode(() -> Attention.full(71, 1, 64)).doesNotThrowAnyException();
  }

  @Test
  void refusesValueHeadsThatKeyHeadsDoNotDivide() {
    // Qwen3-Next: 16 key heads, 32 value heads (accepted); 16 and 24 are not.
    assertThatCode(() -> new GatedDeltaNet(16, 32, 128, 128, 4)).doesNotThrowAnyException();
    assertThatThrownBy(() -> new GatedDeltaNet(16, 24, 128, 128, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "valueHeads (24) must be a multiple of keyHeads (16): each key head serves an equal"
                + " group of value heads");
  }

  @Test
  void refusesMamba2HeadsThatGroupsDoNotDivide() {
    // Nemotron-H-56B: 256 heads in 8 groups (accepted); 3 groups do not divide 256.
    assertThatCode(() -> new Mamba2(16_384, 256, 4, 8, 256, 64, true, false))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> new Mamba2(16_384, 256, 4, 3, 256, 64, true, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Mamba-2 heads (256) must be a multiple of groups (3): each group's B and C serve an"
                + " equal number of heads");
  }

  @Test
  void refusesMoreLayersThanTheLimit() {
    LayerSpec layer = new LayerSpec(Attention.full(8, 8, 64), NoMlp.INSTANCE, 2);
    Precision bf16 =
        new Precision(DType.BF16, DType.BF16, DType.BF16, DType.BF16, DType.BF16, DType.FP32);
    assertThat(spec(Collections.nCopies(1024, layer), bf16).layerCount()).isEqualTo(1024);
    assertThatThrownBy(() -> spec(Collections.nCopies(1025, layer), bf16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model has 1025 layers, more than the limit of 1024");
  }

  private static ModelSpec spec(List<LayerSpec> layers, Precision p) {
    return new ModelSpec("m", 1000, 512, true, NormKind.RMS_NORM, layers, OptionalLong.of(4096), p);
  }
}
