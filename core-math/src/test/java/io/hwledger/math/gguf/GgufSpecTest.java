package io.hwledger.math.gguf;

import static io.hwledger.math.fixtures.GgufWriter.arr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.NormKind;
import io.hwledger.api.Precision;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.fixtures.GgufWriter;
import io.hwledger.testsupport.Verifies;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Model specs derived from GGUF headers written with the metadata and tensor names llama.cpp's
 * converter produces for published models, compared with the catalog's spec of the same model read
 * from its Hugging Face {@code config.json}: an independent source.
 */
@Verifies("FR-GGUF-002")
class GgufSpecTest {

  static GgufWriter model(String arch, int layers, int hidden, int vocab) {
    return new GgufWriter()
        .str("general.architecture", arch)
        .str("general.name", arch + " test")
        .u32(arch + ".block_count", layers)
        .u32(arch + ".embedding_length", hidden)
        .tensor("token_embd.weight", DType.FP16, hidden, vocab)
        .tensor("output_norm.weight", DType.FP32, hidden);
  }

  /** Adds {@code blk.i.<name>} for every layer, as a one-element F32 tensor. */
  private static GgufWriter perLayer(GgufWriter w, int from, int to, String... names) {
    for (int i = from; i < to; i++) {
      for (String n : names) {
        w.tensor("blk." + i + "." + n, DType.FP32, 1);
      }
    }
    return w;
  }

  private static final String[] ATTENTION = {
    "attn_norm.weight", "attn_q.weight", "attn_k.weight", "attn_v.weight", "attn_output.weight"
  };
  private static final String[] DENSE = {
    "ffn_norm.weight", "ffn_gate.weight", "ffn_up.weight", "ffn_down.weight"
  };
  private static final String[] MOE = {
    "ffn_norm.weight",
    "ffn_gate_inp.weight",
    "ffn_gate_exps.weight",
    "ffn_up_exps.weight",
    "ffn_down_exps.weight"
  };

  static void assertMatchesCatalog(GgufFile f, String catalogId) {
    assertStructureMatchesCatalog(f, catalogId);
    ModelSpec hf = ModelCatalog.builtIn().spec(catalogId);
    assertThat(f.modelSpec().contextLimit()).isEqualTo(hf.contextLimit());
  }

  /** Layers, vocabulary, hidden size, tying and norm equal the catalog's; context not compared. */
  static void assertStructureMatchesCatalog(GgufFile f, String catalogId) {
    ModelSpec gguf = f.modelSpec();
    ModelSpec hf = ModelCatalog.builtIn().spec(catalogId);
    assertThat(gguf.layers()).isEqualTo(hf.layers());
    assertThat(gguf.vocabSize()).isEqualTo(hf.vocabSize());
    assertThat(gguf.hiddenSize()).isEqualTo(hf.hiddenSize());
    assertThat(gguf.tiedEmbeddings()).isEqualTo(hf.tiedEmbeddings());
    assertThat(gguf.norm()).isEqualTo(hf.norm());
  }

  @Test
  void llama31_8bMatchesThePublishedConfig() {
    // Llama-3.1-8B: 32 layers, 4096 hidden, 32/8 heads, 14336 ffn, vocab 128256, 131072 context.
    GgufWriter w =
        model("llama", 32, 4096, 128256)
            .u32("llama.context_length", 131072)
            .u32("llama.feed_forward_length", 14336)
            .u32("llama.attention.head_count", 32)
            .u32("llama.attention.head_count_kv", 8)
            .tensor("output.weight", DType.FP16, 4096, 128256);
    perLayer(w, 0, 32, ATTENTION);
    perLayer(w, 0, 32, DENSE);
    GgufFile f = GgufReaderTest.read(w.header());
    ModelSpec spec = f.modelSpec();
    assertThat(spec.name()).isEqualTo("llama test");
    assertThat(spec.layerCount()).isEqualTo(32);
    assertThat(spec.layers().get(0))
        .isEqualTo(new LayerSpec(Attention.full(32, 8, 128), new DenseMlp(14336, true, false), 2));
    assertThat(spec.vocabSize()).isEqualTo(128256);
    assertThat(spec.contextLimit()).hasValue(131072);
    assertMatchesCatalog(f, "llama-3.1-8b");
  }

  @Test
  void mixtralInTheLlamaArchitectureIsAMixtureOfExperts() {
    // Mixtral-8x7B converts to arch "llama" with expert_count 8, expert_used_count 2; experts are
    // feed_forward_length (14336) wide.
    GgufWriter w =
        model("llama", 32, 4096, 32000)
            .u32("llama.context_length", 32768)
            .u32("llama.feed_forward_length", 14336)
            .u32("llama.attention.head_count", 32)
            .u32("llama.attention.head_count_kv", 8)
            .u32("llama.expert_count", 8)
            .u32("llama.expert_used_count", 2)
            .tensor("output.weight", DType.FP16, 4096, 32000);
    perLayer(w, 0, 32, ATTENTION);
    perLayer(w, 0, 32, MOE);
    assertMatchesCatalog(GgufReaderTest.read(w.header()), "mixtral-8x7b-v0.1");
  }

  @Test
  void qwen25_7bHasQkvBiasesFromItsTensors() {
    GgufWriter w =
        model("qwen2", 28, 3584, 152064)
            .u32("qwen2.context_length", 131072)
            .u32("qwen2.feed_forward_length", 18944)
            .u32("qwen2.attention.head_count", 28)
            .u32("qwen2.attention.head_count_kv", 4)
            .tensor("output.weight", DType.FP16, 3584, 152064);
    perLayer(w, 0, 28, ATTENTION);
    perLayer(w, 0, 28, "attn_q.bias", "attn_k.bias", "attn_v.bias");
    perLayer(w, 0, 28, DENSE);
    assertMatchesCatalog(GgufReaderTest.read(w.header()), "qwen2.5-7b");
  }

  @Test
  void qwen3_30bA3bIsAnMoeWithQkNorms() {
    // Qwen3-30B-A3B: 48 layers, 2048 hidden, 32/4 heads of 128, 128 experts (top 8) of 768.
    GgufWriter w =
        model("qwen3moe", 48, 2048, 151936)
            .u32("qwen3moe.context_length", 40960)
            .u32("qwen3moe.feed_forward_length", 6144)
            .u32("qwen3moe.expert_feed_forward_length", 768)
            .u32("qwen3moe.expert_count", 128)
            .u32("qwen3moe.expert_used_count", 8)
            .u32("qwen3moe.attention.head_count", 32)
            .u32("qwen3moe.attention.head_count_kv", 4)
            .u32("qwen3moe.attention.key_length", 128)
            .u32("qwen3moe.attention.value_length", 128)
            .tensor("output.weight", DType.FP16, 2048, 151936);
    perLayer(w, 0, 48, ATTENTION);
    perLayer(w, 0, 48, "attn_q_norm.weight", "attn_k_norm.weight");
    perLayer(w, 0, 48, MOE);
    assertMatchesCatalog(GgufReaderTest.read(w.header()), "qwen3-30b-a3b");
  }

  @Test
  void gemma3_27bHasEverySixthLayerGlobalAndTiedEmbeddings() {
    // Gemma-3-27B: 62 layers, 5376 hidden, 32/16 heads of 128, 21504 ffn, window 1024,
    // vocab 262208, no output.weight (tied).
    GgufWriter w =
        model("gemma3", 62, 5376, 262208)
            .u32("gemma3.context_length", 131072)
            .u32("gemma3.feed_forward_length", 21504)
            .u32("gemma3.attention.head_count", 32)
            .u32("gemma3.attention.head_count_kv", 16)
            .u32("gemma3.attention.key_length", 128)
            .u32("gemma3.attention.value_length", 128)
            .u32("gemma3.attention.sliding_window", 1024);
    perLayer(w, 0, 62, ATTENTION);
    perLayer(w, 0, 62, "attn_q_norm.weight", "attn_k_norm.weight", "post_attention_norm.weight");
    perLayer(w, 0, 62, DENSE);
    perLayer(w, 0, 62, "post_ffw_norm.weight");
    GgufFile f = GgufReaderTest.read(w.header());
    ModelSpec spec = f.modelSpec();
    assertThat(((Attention) spec.layers().get(4).mixer()).windowTokens()).hasValue(1024);
    assertThat(((Attention) spec.layers().get(5).mixer()).windowTokens()).isEmpty();
    assertThat(spec.tiedEmbeddings()).isTrue();
    assertMatchesCatalog(f, "gemma-3-27b-it");
  }

  @Test
  void gptOss20bAlternatesWindowsAndHasSinksAndBiases() {
    GgufWriter w =
        model("gpt-oss", 24, 2880, 201088)
            .u32("gpt-oss.context_length", 131072)
            .u32("gpt-oss.feed_forward_length", 2880)
            .u32("gpt-oss.expert_feed_forward_length", 2880)
            .u32("gpt-oss.expert_count", 32)
            .u32("gpt-oss.expert_used_count", 4)
            .u32("gpt-oss.attention.head_count", 64)
            .u32("gpt-oss.attention.head_count_kv", 8)
            .u32("gpt-oss.attention.key_length", 64)
            .u32("gpt-oss.attention.value_length", 64)
            .u32("gpt-oss.attention.sliding_window", 128)
            .tensor("output.weight", DType.FP16, 2880, 201088);
    perLayer(w, 0, 24, ATTENTION);
    perLayer(w, 0, 24, "attn_q.bias", "attn_k.bias", "attn_v.bias", "attn_output.bias");
    perLayer(w, 0, 24, "attn_sinks.weight", "post_attention_norm.weight");
    perLayer(w, 0, 24, MOE);
    perLayer(w, 0, 24, "ffn_gate_inp.bias", "ffn_gate_exps.bias", "ffn_up_exps.bias");
    perLayer(w, 0, 24, "ffn_down_exps.bias");
    assertMatchesCatalog(GgufReaderTest.read(w.header()), "gpt-oss-20b");
  }

  @Test
  void deepseekV3IsLatentAttentionWithThreeDenseLayers() {
    // DeepSeek-V3 as llama.cpp converts it for MLA: key/value_length hold the latent sizes
    // (512 + 64, 512), key/value_length_mla the per-head ones (128 + 64, 128).
    GgufWriter w =
        model("deepseek2", 61, 7168, 129280)
            .u32("deepseek2.context_length", 163840)
            .u32("deepseek2.feed_forward_length", 18432)
            .u32("deepseek2.leading_dense_block_count", 3)
            .u32("deepseek2.expert_feed_forward_length", 2048)
            .u32("deepseek2.expert_count", 256)
            .u32("deepseek2.expert_used_count", 8)
            .u32("deepseek2.expert_shared_count", 1)
            .u32("deepseek2.attention.head_count", 128)
            .u32("deepseek2.attention.head_count_kv", 1)
            .u32("deepseek2.attention.q_lora_rank", 1536)
            .u32("deepseek2.attention.kv_lora_rank", 512)
            .u32("deepseek2.attention.key_length", 576)
            .u32("deepseek2.attention.value_length", 512)
            .u32("deepseek2.attention.key_length_mla", 192)
            .u32("deepseek2.attention.value_length_mla", 128)
            .u32("deepseek2.rope.dimension_count", 64)
            .tensor("output.weight", DType.FP16, 7168, 129280);
    perLayer(w, 0, 61, "attn_norm.weight", "attn_q_a.weight", "attn_kv_a_mqa.weight");
    perLayer(w, 0, 61, "attn_q_b.weight", "attn_kv_b.weight", "attn_output.weight");
    perLayer(w, 0, 3, DENSE);
    perLayer(w, 3, 61, MOE);
    perLayer(w, 3, 61, "exp_probs_b.bias");
    for (int i = 3; i < 61; i++) {
      // one shared expert of 2048: [hidden, 2048]
      w.tensor("blk." + i + ".ffn_up_shexp.weight", DType.FP16, 7168, 2048);
    }
    assertMatchesCatalog(GgufReaderTest.read(w.header()), "deepseek-v3");
  }

  @Test
  void phi3MiniRunsWithoutAWindowAsLlamaCppDoes() {
    // Phi-3-mini-4k: 32 layers, 3072 hidden, 32 heads, 8192 ffn (fused gate/up), vocab 32064.
    // llama.cpp disables Phi-3's sliding window, so no layer has one.
    GgufWriter w =
        model("phi3", 32, 3072, 32064)
            .u32("phi3.context_length", 4096)
            .u32("phi3.feed_forward_length", 8192)
            .u32("phi3.attention.head_count", 32)
            .u32("phi3.attention.head_count_kv", 32)
            .u32("phi3.attention.sliding_window", 2047)
            .tensor("output.weight", DType.FP16, 3072, 32064);
    perLayer(w, 0, 32, "attn_norm.weight", "attn_qkv.weight", "attn_output.weight");
    perLayer(w, 0, 32, "ffn_norm.weight", "ffn_up.weight", "ffn_down.weight");
    ModelSpec spec = GgufReaderTest.read(w.header()).modelSpec();
    assertThat(spec.layers())
        .allMatch(
            l ->
                l.equals(
                    new LayerSpec(Attention.full(32, 32, 96), new DenseMlp(8192, true, false), 2)));
    assertThat(spec.vocabSize()).isEqualTo(32064);
    assertThat(spec.contextLimit()).hasValue(4096);
  }

  @Test
  void perLayerHeadCountsAndWidthsComeFromArrays() {
    GgufWriter w =
        model("llama", 4, 1024, 1000)
            .u32("llama.attention.head_count", 8)
            .kv("llama.attention.head_count_kv", GgufType.ARRAY, arr(GgufType.INT32, 8, 8, 4, 1))
            .kv(
                "llama.feed_forward_length",
                GgufType.ARRAY,
                arr(GgufType.UINT32, 1024L, 2048L, 3072L, 4096L));
    perLayer(w, 0, 4, ATTENTION);
    perLayer(w, 0, 4, DENSE);
    ModelSpec spec = GgufReaderTest.read(w.header()).modelSpec();
    // head dim = 1024 / 8 = 128
    assertThat(spec.layers())
        .extracting(LayerSpec::mixer)
        .containsExactly(
            Attention.full(8, 8, 128),
            Attention.full(8, 8, 128),
            Attention.full(8, 4, 128),
            Attention.full(8, 1, 128));
    assertThat(spec.layers())
        .extracting(l -> ((DenseMlp) l.mlp()).width())
        .containsExactly(1024, 2048, 3072, 4096);
    assertThat(spec.contextLimit()).isEmpty();
    assertThat(spec.tiedEmbeddings()).isTrue();
    assertThat(spec.norm()).isEqualTo(NormKind.RMS_NORM);
  }

  @Test
  void aLayerWithoutKvHeadsIsRejectedForAnAttentionOnlyArchitecture() {
    GgufWriter w =
        model("llama", 2, 1024, 1000)
            .u32("llama.attention.head_count", 8)
            .u32("llama.feed_forward_length", 4096)
            .kv("llama.attention.head_count_kv", GgufType.ARRAY, arr(GgufType.INT32, 8, 0));
    GgufFile f = GgufReaderTest.read(w.header());
    assertThatThrownBy(f::modelSpec)
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            "t.gguf: layer 1 has 8 query and 0 KV heads: a layer without attention, which"
                + " architecture 'llama' does not have");
  }

  @Test
  void anAttentionLayerWithoutItsProjectionsIsRefused() {
    // Layer 1 holds its norms and MLP but none of attn_k, attn_v, attn_output.
    GgufWriter w =
        model("llama", 2, 1024, 1000)
            .u32("llama.attention.head_count", 8)
            .u32("llama.feed_forward_length", 4096);
    perLayer(w, 0, 1, ATTENTION);
    perLayer(w, 1, 2, "attn_norm.weight", "attn_q.weight");
    perLayer(w, 0, 2, DENSE);
    GgufFile f = GgufReaderTest.read(w.header());
    assertThatThrownBy(f::modelSpec)
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            "t.gguf: attention layer 1 lacks its attention tensors: blk.1.attn_k.weight,"
                + " blk.1.attn_v.weight, blk.1.attn_output.weight");
  }

  @Test
  void aLatentAttentionLayerWithoutItsKvProjectionIsRefused() {
    GgufWriter w =
        model("deepseek2", 1, 7168, 1000)
            .u32("deepseek2.feed_forward_length", 18432)
            .u32("deepseek2.attention.head_count", 128)
            .u32("deepseek2.attention.head_count_kv", 1)
            .u32("deepseek2.attention.kv_lora_rank", 512)
            .u32("deepseek2.attention.key_length", 192)
            .u32("deepseek2.attention.value_length", 128)
            .u32("deepseek2.rope.dimension_count", 64);
    perLayer(w, 0, 1, "attn_norm.weight", "attn_output.weight");
    perLayer(w, 0, 1, DENSE);
    assertThatThrownBy(GgufReaderTest.read(w.header())::modelSpec)
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            "t.gguf: attention layer 0 lacks its attention tensors: blk.0.attn_q.weight or"
                + " blk.0.attn_q_a.weight, blk.0.attn_kv_a_mqa.weight");
  }

  @Test
  void anUnsupportedArchitectureStillHasWeightsAndMetadata() {
    GgufWriter w = model("rwkv7", 2, 768, 50280).u32("rwkv7.wkv.head_size", 64);
    perLayer(w, 0, 2, "time_mix_key.weight");
    GgufFile f = GgufReaderTest.read(w.header());
    assertThatThrownBy(f::modelSpec)
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            "t.gguf: unsupported architecture 'rwkv7' (supported: deepseek2, gemma2, gemma3,"
                + " gpt-oss, jamba, llama, mamba, mamba2, nemotron_h, phi3, qwen2, qwen2moe, qwen3,"
                + " qwen3moe, qwen3next)");
    // 768 × 50280 × 2 B = 77,230,080
    assertThat(f.checkpointWeights().embeddingBytes()).isEqualTo(77_230_080L);
    assertThat(f.checkpointWeights().layerBytes()).containsExactly(4L, 4L);
    assertThat(f.integer("rwkv7.wkv.head_size")).hasValue(64);
  }

  @Test
  void aMissingKeyIsNamed() {
    GgufFile f = GgufReaderTest.read(model("qwen3", 2, 1024, 1000).header());
    assertThatThrownBy(f::modelSpec)
        .isInstanceOf(ModelConfigException.class)
        .hasMessage("t.gguf: missing 'qwen3.attention.head_count'");
  }

  @Test
  void precisionIsTheDominantLayerTypeWithAnF16Cache() {
    // A Q4_K_M-style mix: q, k, o and gate/up in Q4_K, v and down in Q6_K, norms F32.
    GgufWriter w =
        model("llama", 1, 4096, 1000)
            .u32("llama.attention.head_count", 32)
            .u32("llama.feed_forward_length", 14336);
    DType q4k = DType.parse("q4_k");
    DType q6k = DType.parse("q6_k");
    w.tensor("blk.0.attn_norm.weight", DType.FP32, 4096)
        .tensor("blk.0.attn_q.weight", q4k, 4096, 4096)
        .tensor("blk.0.attn_k.weight", q4k, 4096, 4096)
        .tensor("blk.0.attn_v.weight", q6k, 4096, 4096)
        .tensor("blk.0.attn_output.weight", q4k, 4096, 4096)
        .tensor("blk.0.ffn_norm.weight", DType.FP32, 4096)
        .tensor("blk.0.ffn_gate.weight", q4k, 4096, 14336)
        .tensor("blk.0.ffn_up.weight", q4k, 4096, 14336)
        .tensor("blk.0.ffn_down.weight", q6k, 14336, 4096);
    ModelSpec spec = GgufReaderTest.read(w.header()).modelSpec();
    // Q4_K: 3 × 9,437,184 + 2 × 33,030,144 = 94,371,840 B; Q6_K: 13,762,560 + 48,168,960
    assertThat(spec.defaultPrecision())
        .isEqualTo(new Precision(q4k, q4k, DType.FP32, DType.FP16, DType.FP16, DType.FP32));
    assertThat(spec.contextLimit()).isEqualTo(OptionalLong.empty());
  }
}
