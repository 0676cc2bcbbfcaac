package io.hwledger.math;

import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mamba1;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.MoeMlp;
import io.hwledger.api.NoMlp;
import io.hwledger.api.NormKind;
import io.hwledger.api.Precision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

/**
 * Models written out by hand from their published config.json, independent of the config reader, so
 * planner tests check the planner alone.
 */
final class TestModels {
  private TestModels() {}

  static final Precision BF16 = Precision.of(DType.BF16, DType.BF16);

  /**
   * meta-llama/Llama-3.1-8B: vocab 128256, hidden 4096, 32 layers, 32/8 heads of 128, FFN 14336.
   */
  static ModelSpec llama31_8b() {
    return dense("llama-3.1-8b", 128_256, 4096, 32, Attention.full(32, 8, 128), 14_336, 131_072);
  }

  /** meta-llama/Meta-Llama-3-70B: hidden 8192, 80 layers, 64/8 heads of 128, FFN 28672. */
  static ModelSpec llama3_70b() {
    return dense("llama-3-70b", 128_256, 8192, 80, Attention.full(64, 8, 128), 28_672, 8192);
  }

  /** mistralai/Mistral-7B-v0.1: 32 layers, 32/8 heads of 128, window 4096 on every layer. */
  static ModelSpec mistral7b() {
    return dense(
        "mistral-7b",
        32_000,
        4096,
        32,
        Attention.full(32, 8, 128).withWindow(4096),
        14_336,
        32_768);
  }

  static ModelSpec dense(
      String name, int vocab, int hidden, int layers, Attention attention, int ffn, long context) {
    LayerSpec layer = new LayerSpec(attention, new DenseMlp(ffn, true, false), 2);
    return new ModelSpec(
        name,
        vocab,
        hidden,
        false,
        NormKind.RMS_NORM,
        Collections.nCopies(layers, layer),
        OptionalLong.of(context),
        BF16);
  }

  /** mistralai/Mixtral-8x7B-v0.1: Mistral-7B attention, 8 experts of 14336, top-2, no window. */
  static ModelSpec mixtral8x7b() {
    LayerSpec layer =
        new LayerSpec(
            Attention.full(32, 8, 128), new MoeMlp(8, 2, 14_336, 0, true, false, false, false), 2);
    return new ModelSpec(
        "mixtral-8x7b",
        32_000,
        4096,
        false,
        NormKind.RMS_NORM,
        Collections.nCopies(32, layer),
        OptionalLong.of(32_768),
        BF16);
  }

  /**
   * deepseek-ai/DeepSeek-V3: 61 layers, first 3 dense (FFN 18432), then 256 routed experts of 2048,
   * top-8, one shared expert; MLA with 128 heads, q_lora 1536, kv_lora 512, nope 128, rope 64, v
   * 128; router score-correction bias.
   */
  static ModelSpec deepseekV3() {
    LatentAttention mla = new LatentAttention(128, 1536, 512, 128, 64, 128);
    LayerSpec dense = new LayerSpec(mla, new DenseMlp(18_432, true, false), 2);
    LayerSpec moe = new LayerSpec(mla, new MoeMlp(256, 8, 2048, 2048, true, false, true, false), 2);
    List<LayerSpec> layers = new ArrayList<>(Collections.nCopies(3, dense));
    layers.addAll(Collections.nCopies(58, moe));
    return new ModelSpec(
        "deepseek-v3",
        129_280,
        7168,
        false,
        NormKind.RMS_NORM,
        layers,
        OptionalLong.of(163_840),
        BF16);
  }

  /**
   * google/gemma-2-9b: 42 layers, 16/8 heads of 256, FFN 14336, vocab 256000, tied; even layers use
   * a 4096-token window.
   */
  static ModelSpec gemma2_9b() {
    Attention global = Attention.full(16, 8, 256);
    List<LayerSpec> layers = new ArrayList<>();
    for (int i = 0; i < 42; i++) {
      Attention a = i % 2 == 0 ? global.withWindow(4096) : global;
      layers.add(new LayerSpec(a, new DenseMlp(14_336, true, false), 4));
    }
    return new ModelSpec(
        "gemma-2-9b", 256_000, 3584, true, NormKind.RMS_NORM, layers, OptionalLong.of(8192), BF16);
  }

  /**
   * state-spaces/mamba-2.8b-hf: hidden 2560, 64 layers, d_inner 5120, d_state 16, d_conv 4, dt_rank
   * 160, conv bias, no projection bias, tied, vocab 50280.
   */
  static ModelSpec mamba28b() {
    LayerSpec layer =
        new LayerSpec(new Mamba1(5120, 16, 4, 160, true, false, false), NoMlp.INSTANCE, 1);
    return new ModelSpec(
        "mamba-2.8b",
        50_280,
        2560,
        true,
        NormKind.RMS_NORM,
        Collections.nCopies(64, layer),
        OptionalLong.empty(),
        BF16);
  }
}
