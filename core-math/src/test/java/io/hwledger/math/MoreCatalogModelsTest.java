package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.api.Attention;
import io.hwledger.api.Deployment;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.NormKind;
import io.hwledger.api.Workload;
import io.hwledger.testsupport.Verifies;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 part 4, third round: Qwen3 4B, Phi-4 mini, OPT 6.7B, Mistral 7B Instruct v0.2, Gemma 3
 * 270M and Gemma 3 4B IT in the catalog, each checked against a published figure the planner never
 * sees (the Hub API count, keras-hub's preset counts, the model card's rounded sizes). Expected
 * values are arithmetic written out from the published configs and module shapes.
 */
@Verifies("FR-PLAN-034")
class MoreCatalogModelsTest {
  private static final ModelCatalog CATALOG = ModelCatalog.builtIn();

  private static long total(String id) {
    return Planner.of(CATALOG.spec(id)).totalParameters();
  }

  /** K/V cache bytes of one sequence of {@code context} tokens at the model's own precision. */
  private static long kvBytes(String id, int context) {
    ModelSpec s = CATALOG.spec(id);
    return Planner.of(s)
        .plan(s.defaultPrecision(), Workload.of(context, 1), Deployment.singleGpu())
        .total()
        .kvCacheBytes();
  }

  private static Attention attention(String id, int layer) {
    return (Attention) CATALOG.spec(id).layers().get(layer).mixer();
  }

  @Test
  void qwen3_4bMatchesItsModelCardAndTiesItsHead() {
    // Qwen3-4B model card: 4.0B parameters, 3.6B non-embedding, 36 layers, 32 query and 8 KV
    // heads. Config: hidden 2560, head_dim 128, FFN 9728, vocab 151936, tie_word_embeddings true.
    // Per layer: q 2560·4096, k and v 2 · 2560·1024, o 4096·2560, q/k norms 2 · 128, MLP
    // 3 · 2560·9728, two norms 2 · 2560.
    long perLayer =
        2560L * 4096 + 2 * 2560L * 1024 + 4096L * 2560 + 256 + 3 * 2560L * 9728 + 2 * 2560;
    assertThat(perLayer).isEqualTo(100_930_816L);
    long nonEmbedding = 36 * perLayer + 2560;
    long expected = nonEmbedding + 151_936L * 2560; // one table: the head is the embedding
    assertThat(expected).isEqualTo(4_022_468_096L);
    assertThat(Math.round(expected / 1e8)).isEqualTo(40); // "4.0B"
    assertThat(Math.round(nonEmbedding / 1e8)).isEqualTo(36); // "3.6B"
    assertThat(total("qwen3-4b")).isEqualTo(expected);
    assertThat(CATALOG.spec("qwen3-4b").tiedEmbeddings()).isTrue();
    // K/V: 36 layers · (K + V) · 8 heads · 128 · 2 bytes (bf16) per token
    assertThat(kvBytes("qwen3-4b", 1000)).isEqualTo(1000L * 36 * 2 * 8 * 128 * 2);
  }

  @Test
  void phi4MiniTiesItsHeadAndItsPartialRotaryLeavesTheCacheWhole() {
    // Phi-4-mini-instruct: hidden 3072, 32 layers, 24 query and 8 KV heads of 3072 / 24 = 128,
    // FFN 8192, vocab 200064, tie_word_embeddings true, no biases. Per layer: fused qkv
    // 3072 · (3072 + 2 · 1024), o 3072², fused gate_up 3072 · 2 · 8192, down 8192 · 3072, two
    // norms.
    long perLayer =
        3072L * (3072 + 2 * 1024) + 3072L * 3072 + 3072L * 2 * 8192 + 8192L * 3072 + 2 * 3072;
    assertThat(perLayer).isEqualTo(100_669_440L);
    long expected = 200_064L * 3072 + 32 * perLayer + 3072;
    assertThat(expected).isEqualTo(3_836_021_760L);
    assertThat(Math.round(expected / 1e8)).isEqualTo(38); // model card: "3.8B parameters"
    assertThat(total("phi-4-mini-instruct")).isEqualTo(expected);

    ModelSpec s = CATALOG.spec("phi-4-mini-instruct");
    assertThat(s.tiedEmbeddings()).isTrue();
    assertThat(s.contextLimit()).hasValue(131_072);
    Attention a = attention("phi-4-mini-instruct", 0);
    assertThat(a.queryHeads()).isEqualTo(24);
    assertThat(a.kvHeads()).isEqualTo(8);
    // partial_rotary_factor 0.75 rotates 96 of 128 dimensions; K and V keep all 128.
    assertThat(a.keyHeadDim()).isEqualTo(128);
    assertThat(a.valueHeadDim()).isEqualTo(128);
    // sliding_window 262144 exceeds the 131072-token context: no token is ever dropped, so the
    // whole context is cached: 131072 tokens · 32 layers · 2 · 8 · 128 · 2 bytes = 16 GiB.
    assertThat(kvBytes("phi-4-mini-instruct", 131_072))
        .isEqualTo(131_072L * 32 * 2 * 8 * 128 * 2)
        .isEqualTo(16L << 30);
  }

  @Test
  void opt67bIsTheOptLayoutAtPaperSize() {
    // OPT paper Table 1: 6.7B, 32 layers, 32 heads, d_model 4096. Config: ffn_dim 16384, vocab
    // 50272, 2048 positions (+ 2 rows of OPTLearnedPositionalEmbedding's offset), head tied.
    // Per layer: q, k, v, out with biases 4 · (4096² + 4096), fc1 4096·16384 + 16384,
    // fc2 16384·4096 + 4096, two LayerNorms 2 · 2 · 4096.
    long perLayer =
        4 * (4096L * 4096 + 4096) + (4096L * 16384 + 16384) + (16384L * 4096 + 4096) + 4 * 4096;
    long expected = 50_272L * 4096 + 2050L * 4096 + 32 * perLayer + 2 * 4096;
    assertThat(expected).isEqualTo(6_658_473_984L);
    assertThat(Math.round(expected / 1e8)).isEqualTo(67); // "6.7B"
    assertThat(total("opt-6.7b")).isEqualTo(expected);
    ModelSpec s = CATALOG.spec("opt-6.7b");
    assertThat(s.norm()).isEqualTo(NormKind.LAYER_NORM);
    assertThat(s.tiedEmbeddings()).isTrue();
    assertThat(s.contextLimit()).hasValue(2048);
    // K/V: 32 layers · 2 · 32 heads · 128 · 2 bytes (float16) per token
    assertThat(kvBytes("opt-6.7b", 2048)).isEqualTo(2048L * 32 * 2 * 32 * 128 * 2);
  }

  @Test
  void mistral7bInstructV02IsV01WithoutTheWindow() {
    // Mistral's card for v0.2: "32k context window (vs 8k context in v0.1), Rope-theta = 1e6,
    // No Sliding-Window Attention"; same sizes and vocabulary 32000 as v0.1.
    assertThat(total("mistral-7b-instruct-v0.2")).isEqualTo(total("mistral-7b-v0.1"));
    List<LayerSpec> v01 = CATALOG.spec("mistral-7b-v0.1").layers();
    List<LayerSpec> v02 = CATALOG.spec("mistral-7b-instruct-v0.2").layers();
    assertThat(((Attention) v01.get(0).mixer()).windowTokens()).hasValue(4096);
    for (int i = 0; i < v02.size(); i++) {
      Attention a = (Attention) v02.get(i).mixer();
      assertThat(a.windowTokens()).as("layer %d", i).isEmpty();
      assertThat(a).isEqualTo(((Attention) v01.get(i).mixer()).withoutWindow());
    }
    assertThat(CATALOG.spec("mistral-7b-instruct-v0.2").contextLimit()).hasValue(32_768);
    // The whole 32k context is cached: 32768 · 32 layers · 2 · 8 · 128 · 2 bytes = 4 GiB, where
    // v0.1 keeps 4096 tokens per layer.
    assertThat(kvBytes("mistral-7b-instruct-v0.2", 32_768)).isEqualTo(4L << 30);
    assertThat(kvBytes("mistral-7b-v0.1", 32_768)).isLessThan(4L << 30);
  }

  @Test
  void gemma3_270mMatchesTheHubCountExactly() {
    // Hub API google/gemma-3-270m-it: BF16 268,098,176 (keras-hub's gemma3_270m preset: the
    // same). Hidden 640, 18 layers, 4 query heads and 1 KV head of 256, FFN 2048, vocab 262144,
    // tied. Per layer: q 640·1024, k and v 2 · 640·256, o 1024·640, q/k norms 2 · 256, gated MLP
    // 3 · 640·2048, four norms 4 · 640.
    long hub = CATALOG.find("gemma-3-270m").orElseThrow().hubParameters().orElseThrow();
    assertThat(hub).isEqualTo(268_098_176L);
    long perLayer =
        640L * 1024 + 2 * 640L * 256 + 1024L * 640 + 2 * 256 + 3 * 640L * 2048 + 4 * 640;
    long expected = 262_144L * 640 + 18 * perLayer + 640;
    assertThat(expected).isEqualTo(hub);
    assertThat(total("gemma-3-270m")).isEqualTo(hub);
    ModelSpec s = CATALOG.spec("gemma-3-270m");
    assertThat(s.tiedEmbeddings()).isTrue();
    assertThat(s.visionParameters()).isZero();
    assertThat(s.contextLimit()).hasValue(32_768);
    // layer_types: full attention at layers 6, 12 and 18 (indices 5, 11, 17), the rest 512-token
    // windows
    for (int i = 0; i < 18; i++) {
      assertThat(attention("gemma-3-270m", i).windowTokens())
          .as("layer %d", i)
          .isEqualTo(i % 6 == 5 ? OptionalLong.empty() : OptionalLong.of(512));
    }
    // K/V at 4096 tokens: 3 full layers hold 4096 tokens, 15 sliding layers 512, each token
    // 2 · 1 · 256 · 2 bytes
    assertThat(kvBytes("gemma-3-270m", 4096)).isEqualTo((3L * 4096 + 15L * 512) * 2 * 256 * 2);
  }

  @Test
  void gemma3_4bTextAndVisionTowerAreKerasHubsCountsWithTheCheckpointsVocabulary() {
    // gemma_pytorch get_config_for_4b: 34 layers, 8 query and 4 KV heads of 256, hidden 2560,
    // FFN 10240, window 1024. The checkpoint's embedding has 262208 rows (Gemma3TextConfig's
    // default vocab_size); keras-hub counts a 262144-row table: gemma3_instruct_4b_text
    // 3,880,099,328, gemma3_instruct_4b (with the vision tower) 4,299,915,632.
    long perLayer =
        2560L * 2048 + 2 * 2560L * 1024 + 2048L * 2560 + 2 * 256 + 3 * 2560L * 10240 + 4 * 2560;
    long text = 262_208L * 2560 + 34 * perLayer + 2560;
    long extraRows = 64L * 2560;
    assertThat(text - extraRows).isEqualTo(3_880_099_328L);
    assertThat(total("gemma-3-4b-it")).isEqualTo(text);
    // SigLIP as for the 27B model (hidden 1152, 27 layers, FFN 4304, patch 14, image 896), and
    // the projector's mm_input_projection_weight 1152 × 2560 plus its RMSNorm(1152).
    long layer =
        4 * (1152L * 1152 + 1152) + (1152L * 4304 + 4304) + (4304L * 1152 + 1152) + 4 * 1152;
    long tower = (3L * 14 * 14 * 1152 + 1152) + 4096L * 1152 + 27 * layer + 2 * 1152;
    long projector = 1152L * 2560 + 1152;
    assertThat(CATALOG.spec("gemma-3-4b-it").visionParameters()).isEqualTo(tower + projector);
    assertThat(text + tower + projector - extraRows).isEqualTo(4_299_915_632L);
    assertThat(text + tower + projector).isEqualTo(4_300_079_472L);

    ModelSpec s = CATALOG.spec("gemma-3-4b-it");
    assertThat(s.tiedEmbeddings()).isTrue();
    assertThat(s.contextLimit()).hasValue(131_072);
    Attention first = attention("gemma-3-4b-it", 0);
    assertThat(first.queryHeads()).isEqualTo(8);
    assertThat(first.kvHeads()).isEqualTo(4);
    assertThat(first.keyHeadDim()).isEqualTo(256);
    assertThat(first.windowTokens()).hasValue(1024);
    assertThat(
            IntStream.range(0, 34)
                .filter(i -> attention("gemma-3-4b-it", i).windowTokens().isEmpty())
                .boxed()
                .toList())
        .containsExactly(5, 11, 17, 23, 29);
  }

  @Test
  void newEntriesCiteTheirSourcesAndSayWhichAreReconstructed() {
    for (String id :
        List.of(
            "qwen3-4b",
            "phi-4-mini-instruct",
            "opt-6.7b",
            "mistral-7b-instruct-v0.2",
            "gemma-3-270m",
            "gemma-3-4b-it")) {
      ModelCatalog.Entry e = CATALOG.find(id).orElseThrow();
      assertThat(e.source()).as(id).startsWith("https://github.com/");
      assertThat(e.upstream()).as(id).startsWith("https://huggingface.co/" + e.repo() + "/");
      assertThat(e.reconstructed())
          .as(id)
          .isEqualTo(
              List.of("mistral-7b-instruct-v0.2", "gemma-3-270m", "gemma-3-4b-it").contains(id));
    }
  }
}
