package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.Attention;
import io.hwledger.api.Deployment;
import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.NormKind;
import io.hwledger.math.engine.sglang.SglangEngine;
import io.hwledger.math.engine.vllm.VllmEngine;
import io.hwledger.testsupport.Verifies;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15 parts 4 and 5, second round: OLMo 2 read with its whole-projection q/k norms, more
 * catalog models checked against published counts, and the vLLM start-up refusals for the padded
 * vocabulary and for block-FP8 shards. Expected values are arithmetic written out from the
 * published configs, published figures (safetensors index sizes, Hub API counts, model cards) and
 * vLLM's own messages, never the code's.
 */
class ModelLayoutsAndShardRulesTest {
  private static final ModelCatalog CATALOG = ModelCatalog.builtIn();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static long total(String id) {
    return Planner.of(CATALOG.spec(id)).totalParameters();
  }

  @Nested
  @Verifies("FR-PLAN-031")
  class Models {
    @Test
    void olmo2_13bMatchesItsSafetensorsIndexExactly() {
      // allenai/OLMo-2-1124-13B model.safetensors.index.json: total_size 54,864,793,600 bytes of
      // float32 tensors (config torch_dtype float32).
      long published = 54_864_793_600L / 4;
      assertThat(published).isEqualTo(13_716_198_400L);
      // hidden 5120, 40 layers, 40 heads = 40 KV heads of 128, FFN 13824, vocab 100352, untied.
      // Per layer: q, k, v, o 4 · 5120² = 104,857,600; q_norm and k_norm over the whole
      // projections 2 · 40 · 128 = 10,240; MLP 3 · 5120 · 13824 = 212,336,640; post-attention and
      // post-feedforward norms 2 · 5120 = 10,240.
      long perLayer = 4L * 5120 * 5120 + 2 * 40 * 128 + 3L * 5120 * 13824 + 2 * 5120;
      long expected = 2L * 100_352 * 5120 + 40 * perLayer + 5120;
      assertThat(expected).isEqualTo(published);
      assertThat(total("olmo-2-1124-13b")).isEqualTo(published);

      ModelSpec s = CATALOG.spec("olmo-2-1124-13b");
      assertThat(s.norm()).isEqualTo(NormKind.RMS_NORM);
      assertThat(s.tiedEmbeddings()).isFalse();
      Attention a = (Attention) s.layers().get(0).mixer();
      assertThat(a.qkNorm()).isTrue();
      assertThat(a.qkNormAcrossHeads()).isTrue();
      assertThat(a.kvHeads()).isEqualTo(40);
      assertThat(s.layers().get(0).norms()).isEqualTo(2);
    }

    @Test
    void olmo2GroupedQueryNormsCountQueryAndKeyWidths() {
      // A grouped OLMo 2 (4 heads, 2 KV heads of 16): q_norm has 4 · 16 = 64 weights, k_norm
      // 2 · 16 = 32, where a per-head norm (Qwen3) would have 16 each.
      String olmo =
          "{\"model_type\":\"olmo2\",\"hidden_size\":64,\"num_hidden_layers\":2,"
              + "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"intermediate_size\":96,"
              + "\"vocab_size\":300,\"max_position_embeddings\":1024,\"torch_dtype\":\"bfloat16\"}";
      // q 64·64, k and v 2 · 64·32, o 64·64, norms 64 + 32, MLP 3 · 64·96, two layer norms 128
      long perLayer = 64 * 64 + 2 * 64 * 32 + 64 * 64 + 64 + 32 + 3 * 64 * 96 + 2 * 64;
      long expected = 2 * 300 * 64 + 2 * perLayer + 64;
      assertThat(Planner.of(HfConfigReader.parse(olmo, "tiny-olmo2")).totalParameters())
          .isEqualTo(expected);
      String qwen = olmo.replace("olmo2", "qwen3");
      assertThat(Planner.of(HfConfigReader.parse(qwen, "tiny-qwen3")).totalParameters())
          .isEqualTo(expected - 2 * (64 + 32 - 2 * 16));
    }

    @Test
    void olmo2_7bHasTheModelCardSizesAndTheSameLayout() {
      // OLMo 2 model card table: 7B has 32 layers, hidden 4096, 32 heads, context 4096.
      ModelSpec s = CATALOG.spec("olmo-2-1124-7b");
      assertThat(s.layerCount()).isEqualTo(32);
      assertThat(s.hiddenSize()).isEqualTo(4096);
      assertThat(s.contextLimit()).hasValue(4096);
      Attention a = (Attention) s.layers().get(0).mixer();
      assertThat(a.queryHeads()).isEqualTo(32);
      assertThat(a.qkNormAcrossHeads()).isTrue();
      // 4 · 4096² + norms 2 · 4096 + MLP 3 · 4096 · 11008 + 2 · 4096 per layer; vocab 100352
      long perLayer = 4L * 4096 * 4096 + 2 * 4096 + 3L * 4096 * 11008 + 2 * 4096;
      long expected = 2L * 100_352 * 4096 + 32 * perLayer + 4096;
      assertThat(expected).isEqualTo(7_298_617_344L);
      assertThat(total("olmo-2-1124-7b")).isEqualTo(expected);
    }

    @Test
    void mistral7bV03ExtendsTheVocabularyAndDropsTheWindow() {
      // v0.3 = v0.1 with 768 more tokens (32768), rope_theta 1e6 and sliding_window null
      assertThat(total("mistral-7b-v0.3") - total("mistral-7b-v0.1"))
          .isEqualTo(2L * 768 * 4096); // embedding and untied head
      Attention v01 = (Attention) CATALOG.spec("mistral-7b-v0.1").layers().get(0).mixer();
      Attention v03 = (Attention) CATALOG.spec("mistral-7b-v0.3").layers().get(0).mixer();
      assertThat(v01.windowTokens()).hasValue(4096);
      assertThat(v03.windowTokens()).isEmpty();
      assertThat(v03.withWindow(4096)).isEqualTo(v01);
    }

    @Test
    void olmo3IsOlmo2WithThreeSlidingLayersBeforeEachFullOne() {
      // Olmo3Config (vLLM's copy): layer_types None → sliding unless (i + 1) % 4 == 0;
      // sliding_window 4096 by default; Olmo3Attention keeps Olmo2's whole-projection norms.
      String olmo3 =
          "{\"model_type\":\"olmo3\",\"hidden_size\":64,\"num_hidden_layers\":8,"
              + "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"intermediate_size\":96,"
              + "\"vocab_size\":300,\"max_position_embeddings\":65536,"
              + "\"torch_dtype\":\"bfloat16\"}";
      ModelSpec s = HfConfigReader.parse(olmo3, "tiny-olmo3");
      for (int i = 0; i < 8; i++) {
        Attention a = (Attention) s.layers().get(i).mixer();
        assertThat(a.windowTokens())
            .as("layer %d", i)
            .isEqualTo(i % 4 == 3 ? OptionalLong.empty() : OptionalLong.of(4096));
        assertThat(a.qkNormAcrossHeads()).isTrue();
      }
      // same parameters as the OLMo 2 config with the same sizes
      ModelSpec olmo2 = HfConfigReader.parse(olmo3.replace("olmo3", "olmo2"), "tiny-olmo2");
      assertThat(Planner.of(s).totalParameters()).isEqualTo(Planner.of(olmo2).totalParameters());
      // an explicit layer_types list and window are read as written
      String listed =
          olmo3.replace(
              "\"torch_dtype\"",
              "\"sliding_window\":128,\"layer_types\":[\"full_attention\",\"sliding_attention\","
                  + "\"full_attention\",\"sliding_attention\",\"full_attention\","
                  + "\"sliding_attention\",\"full_attention\",\"sliding_attention\"],"
                  + "\"torch_dtype\"");
      Attention second = (Attention) HfConfigReader.parse(listed, "l").layers().get(1).mixer();
      assertThat(second.windowTokens()).hasValue(128);
    }

    @Test
    void qwen3_8bMatchesItsModelCard() {
      // Qwen3-8B model card: 8.2B parameters, 6.95B non-embedding. hidden 4096, 36 layers, 32
      // heads, 8 KV heads of 128, FFN 12288, vocab 151936, untied.
      long perLayer =
          4096L * 4096 * 2 + 4096L * 1024 * 2 + 256 + 3L * 4096 * 12288 + 2 * 4096; // = 192,946,432
      long nonEmbedding = 36 * perLayer + 4096;
      long expected = nonEmbedding + 2L * 151_936 * 4096;
      assertThat(expected).isEqualTo(8_190_735_360L);
      assertThat(Math.round(nonEmbedding / 1e7)).isEqualTo(695); // "6.95B"
      assertThat(Math.round(expected / 1e8)).isEqualTo(82); // "8.2B"
      assertThat(total("qwen3-8b")).isEqualTo(expected);
    }

    @Test
    void mistralSmallTextModelPlusItsVisionTowerIsTheHubCount() {
      // mistralai/Magistral-Small-2509: Hub API BF16 24,011,361,280 for Mistral3 (text + Pixtral
      // vision tower + projector). The plan is the text model; the rest is written out from the
      // config's vision_config (hidden 1024, 24 layers, FFN 4096, patch 14, 3 channels) and
      // Mistral3MultiModalProjector (RMSNorm(1024), patch merger Linear(4 · 1024, 1024),
      // Linear(1024,
      // 5120), Linear(5120, 5120), all without biases).
      long hub = CATALOG.find("magistral-small-2509").orElseThrow().hubParameters().orElseThrow();
      assertThat(hub).isEqualTo(24_011_361_280L);
      long visionLayer = 4L * 1024 * 1024 + 3L * 1024 * 4096 + 2 * 1024;
      long vision = 24 * visionLayer + 3L * 14 * 14 * 1024 + 1024; // layers, patch conv, ln_pre
      long projector = 1024 + 4L * 1024 * 1024 + 1024L * 5120 + 5120L * 5120;
      // Text: hidden 5120, 40 layers, 32 heads and 8 KV heads of 128, FFN 32768, vocab 131072.
      long textLayer =
          5120L * 4096 + 2 * 5120L * 1024 + 4096L * 5120 + 3L * 5120 * 32768 + 2 * 5120;
      long text = 2L * 131_072 * 5120 + 40 * textLayer + 5120;
      assertThat(text + vision + projector).isEqualTo(hub);
      assertThat(total("magistral-small-2509")).isEqualTo(text);
      Attention a = (Attention) CATALOG.spec("magistral-small-2509").layers().get(0).mixer();
      assertThat(a.windowTokens()).isEmpty(); // sliding_window null
    }

    @Test
    void blockFp8CheckpointsRecordTheirBlock() {
      assertThat(CATALOG.spec("qwen3-235b-a22b-fp8").weightBlockSize()).isEqualTo(128);
      assertThat(CATALOG.spec("deepseek-v3").weightBlockSize()).isEqualTo(128);
      assertThat(CATALOG.spec("qwen3-235b-a22b").weightBlockSize()).isZero();
      // same layers as the bf16 checkpoint
      assertThat(CATALOG.spec("qwen3-235b-a22b-fp8").layers())
          .isEqualTo(CATALOG.spec("qwen3-235b-a22b").layers());
    }

    @Test
    void aNonSquareWeightBlockIsRefused() throws Exception {
      ObjectNode c = qwen3_32bFp8();
      ((ObjectNode) c.get("quantization_config")).putArray("weight_block_size").add(128).add(64);
      assertThatThrownBy(() -> HfConfigReader.parse(c.toString(), "q"))
          .isInstanceOf(ModelConfigException.class)
          .hasMessage(
              "config.json: quantization_config.weight_block_size [128, 64] is not representable"
                  + " (need two equal positive sizes, as [128, 128])");
    }

    @Test
    void newComponentsRoundTripAndOldDocumentsStillRead() {
      for (String id : new String[] {"olmo-2-1124-13b", "qwen3-235b-a22b-fp8"}) {
        ModelSpec s = CATALOG.spec(id);
        assertThat(ModelSpecJson.readModel(ModelSpecJson.write(s))).isEqualTo(s);
      }
      // written only when set: a per-head model's document has neither member
      String qwen = ModelSpecJson.write(CATALOG.spec("qwen3-32b")).toString();
      assertThat(qwen).doesNotContain("qkNormAcrossHeads").doesNotContain("weightBlockSize");
      assertThat(ModelSpecJson.write(CATALOG.spec("qwen3-235b-a22b-fp8")).get("weightBlockSize"))
          .hasToString("128");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bloom", "t5gemma", "ernie4_5_moe", "vaultgemma", "bailing_moe"})
    void popularTypesWhoseLayoutIsNotModelledAreRefused(String type) {
      // The text-generation model_types among the Hub API records saved with their downloads by
      // daniel-p-green/alain-ai-learning-platform@1b33775219c224def81d0c3c4e34d2d6630dc83d
      // (out/research-*/sources/huggingface/model.json, 45 popular repositories) that this reader
      // does not know: bloom (bigscience/bloomz-560m: an extra LayerNorm after the embedding),
      // t5gemma (encoder-decoder), ernie4_5_moe, vaultgemma, bailing_moe. The others there (gpt2,
      // opt, llama, qwen2, qwen3, qwen3_moe, qwen3_next, gemma3_text, gpt_oss, llama4_text, and
      // mistral3 through its text_config) are read.
      String json =
          "{\"model_type\":\""
              + type
              + "\",\"hidden_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":4,"
              + "\"intermediate_size\":96,\"vocab_size\":300,\"max_position_embeddings\":1024,"
              + "\"torch_dtype\":\"bfloat16\"}";
      assertThatThrownBy(() -> HfConfigReader.parse(json, type))
          .isInstanceOf(ModelConfigException.class)
          .hasMessageStartingWith(
              "config.json: unsupported model_type '"
                  + type
                  + "': its layout is not known to this reader (known: ");
    }

    @Test
    void mistral3IsReadFromItsTextConfig() {
      // Mistral3ForConditionalGeneration's outer model_type is mistral3; text_config says mistral
      ModelSpec s = CATALOG.spec("magistral-small-2509");
      assertThat(s.vocabSize()).isEqualTo(131_072);
      assertThat(s.layerCount()).isEqualTo(40);
    }

    @Test
    void olmo1IsStillRefusedItsNormsHaveNoWeights() {
      // OLMo 1 (model_type olmo): OlmoLayerNorm has no weight or bias, which a NormKind cannot say.
      String json =
          "{\"model_type\":\"olmo\",\"hidden_size\":64,\"num_hidden_layers\":2,"
              + "\"num_attention_heads\":4,\"intermediate_size\":96,\"vocab_size\":300,"
              + "\"max_position_embeddings\":1024,\"torch_dtype\":\"float32\"}";
      assertThatThrownBy(() -> HfConfigReader.parse(json, "olmo-1"))
          .hasMessageStartingWith(
              "config.json: unsupported model_type 'olmo': its layout is not known to this reader")
          .hasMessageContaining("olmo2");
    }
  }

  /**
   * Qwen/Qwen3-32B-FP8's config: the catalog's qwen3-32b config plus its quantization_config as
   * vendored in ai-dynamo/aiconfigurator@095f58a51c4ca8e61b66ec108d86f223f8d559ce
   * (model_configs/Qwen--Qwen3-32B-FP8_config.json): fp8, e4m3, dynamic activations, blocks of
   * [128, 128].
   */
  static ObjectNode qwen3_32bFp8() throws Exception {
    ObjectNode c =
        (ObjectNode) JSON.readTree(ModelCatalog.resource("catalog/models/qwen3-32b.json"));
    ObjectNode q = c.putObject("quantization_config");
    q.put("activation_scheme", "dynamic");
    q.put("fmt", "e4m3");
    q.put("quant_method", "fp8");
    q.putArray("weight_block_size").add(128).add(128);
    return c;
  }

  @Nested
  @Verifies("FR-PLAN-032")
  class EngineRules {
    private final Deployment vllm = Deployment.singleGpu().withEngine(VllmEngine.defaults());

    @Test
    void blockFp8ExpertsThatDoNotSplitIntoWholeBlocksAreRefused() {
      // Qwen3-235B-A22B-FP8: 128 experts of moe_intermediate_size 1536, blocks of 128. Without
      // expert parallelism TP 8 leaves 1536 / 8 = 192 rows per rank: vLLM's Fp8MoEMethod raises
      // "The output_size of gate's and up's weight = 192 is not divisible by weight quantization
      // block_n = 128." (users report the same at TP 8 for this model).
      ModelSpec fp8 = CATALOG.spec("qwen3-235b-a22b-fp8");
      assertThatThrownBy(() -> Planner.validate(fp8, vllm.withTensorParallel(8)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "vllm refuses --tp 8 for model 'qwen3-235b-a22b-fp8': each expert's 1536"
                  + " intermediate rows split over 8 ranks are not whole 128-row weight blocks"
                  + " (The output_size of gate's and up's weight = 192 is not divisible by weight"
                  + " quantization block_n = 128.)");
      Planner.validate(fp8, vllm.withTensorParallel(4)); // 384 = 3 · 128
      // the bf16 checkpoint has no blocks: TP 8 loads (64 heads, 4 KV heads replicated twice)
      Planner.validate(CATALOG.spec("qwen3-235b-a22b"), vllm.withTensorParallel(8));
      // DeepSeek-V3: experts of 2048, dense layers of 18432, one shared expert of 2048; TP 16
      // gives 128, 1152 = 9 · 128 and 128, all whole blocks
      Planner.validate(CATALOG.spec("deepseek-v3"), vllm.withTensorParallel(16));
    }

    @Test
    void blockFp8DenseMlpShardsMustBeWholeBlocks() throws Exception {
      // Qwen3-32B-FP8: intermediate_size 25600. TP 8: 3200 = 25 · 128 rows per rank, loads. TP 16
      // (64 heads divide, 8 KV heads replicated twice): 1600 rows, 1600 = 12 · 128 + 64, and
      // vLLM's Fp8LinearMethod raises "Weight output_partition_size = 1600 is not divisible by
      // weight quantization block_n = 128." for the merged gate/up projection.
      ModelSpec fp8 = HfConfigReader.parse(qwen3_32bFp8().toString(), "qwen3-32b-fp8");
      Planner.validate(fp8, vllm.withTensorParallel(8));
      assertThatThrownBy(() -> Planner.validate(fp8, vllm.withTensorParallel(16)))
          .hasMessage(
              "vllm refuses --tp 16 for model 'qwen3-32b-fp8': its MLP's 25600 intermediate rows"
                  + " split over 16 ranks are not whole 128-row weight blocks (Weight"
                  + " output_partition_size = 1600 is not divisible by weight quantization block_n"
                  + " = 128.)");
      Planner.validate(CATALOG.spec("qwen3-32b"), vllm.withTensorParallel(16));
    }

    @Test
    void paddedVocabularyMustSplitOverTheRanks() {
      // Phi-3-medium-4k-instruct: 40 heads, 10 KV heads, vocab 32064 (= 501 · 64, already a
      // multiple of 64). TP 5 divides the heads and splits the KV heads, but 32064 = 5 · 6412 + 4:
      // VocabParallelEmbedding's divide asserts "32064 is not divisible by 5".
      ModelSpec phi = CATALOG.spec("phi-3-medium-4k-instruct");
      assertThat(phi.vocabSize()).isEqualTo(32_064);
      assertThatThrownBy(() -> Planner.validate(phi, vllm.withTensorParallel(5)))
          .hasMessage(
              "vllm refuses --tp 5 for model 'phi-3-medium-4k-instruct': its vocabulary of 32064"
                  + " entries, padded to 32064 (a multiple of 64), does not split over the ranks"
                  + " (32064 is not divisible by 5)");
      // OLMo 2 13B, 40 heads: vocab 100352 = 1568 · 64; 100352 = 5 · 20070 + 2
      assertThatThrownBy(
              () -> Planner.validate(CATALOG.spec("olmo-2-1124-13b"), vllm.withTensorParallel(5)))
          .hasMessageContaining("(100352 is not divisible by 5)");
      // GPT-2's 50257 entries pad to 50304 = 786 · 64 = 3 · 16768: TP 3 (12 heads) loads
      Planner.validate(CATALOG.spec("gpt2"), vllm.withTensorParallel(3));
    }

    @Test
    void sglangRefusesBlockFp8ShardsWithTheSameWords() {
      // SGLang's fp8.py raises the same message (Fp8MoEMethod.create_fp8_moe_weight_); users
      // report it for this model at TP 8.
      Deployment sglang = Deployment.singleGpu().withEngine(SglangEngine.defaults());
      ModelSpec fp8 = CATALOG.spec("qwen3-235b-a22b-fp8");
      assertThatThrownBy(() -> Planner.validate(fp8, sglang.withTensorParallel(8)))
          .hasMessage(
              "sglang refuses --tp 8 for model 'qwen3-235b-a22b-fp8': each expert's 1536"
                  + " intermediate rows split over 8 ranks are not whole 128-row weight blocks"
                  + " (The output_size of gate's and up's weight = 192 is not divisible by weight"
                  + " quantization block_n = 128.)");
      Planner.validate(fp8, sglang.withTensorParallel(4));
    }

    @Test
    void sglangRefusesAVocabularyThatDoesNotSplit() {
      // SGLang's VocabParallelEmbedding pads to 64 and divides as vLLM's: Phi-3-medium's 32064
      // entries = 5 · 6412 + 4 at TP 5 (its 40 heads and 10 KV heads split); GPT-2's 50257 pad to
      // 50304 = 3 · 16768, so TP 3 (12 heads) loads.
      Deployment sglang = Deployment.singleGpu().withEngine(SglangEngine.defaults());
      assertThatThrownBy(
              () ->
                  Planner.validate(
                      CATALOG.spec("phi-3-medium-4k-instruct"), sglang.withTensorParallel(5)))
          .hasMessage(
              "sglang refuses --tp 5 for model 'phi-3-medium-4k-instruct': its vocabulary of 32064"
                  + " entries, padded to 32064 (a multiple of 64), does not split over the ranks"
                  + " (32064 is not divisible by 5)");
      Planner.validate(CATALOG.spec("gpt2"), sglang.withTensorParallel(3));
    }

    @Test
    void theGenericEngineKeepsPlanningAnyTp() {
      Planner.validate(
          CATALOG.spec("phi-3-medium-4k-instruct"), Deployment.singleGpu().withTensorParallel(5));
      Planner.validate(
          CATALOG.spec("qwen3-235b-a22b-fp8"), Deployment.singleGpu().withTensorParallel(8));
    }
  }
}
