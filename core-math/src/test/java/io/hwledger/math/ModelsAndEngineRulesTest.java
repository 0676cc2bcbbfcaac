package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.Deployment;
import io.hwledger.api.GenericEngine;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.NormKind;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.sglang.SglangEngine;
import io.hwledger.math.engine.vllm.VllmEngine;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 parts 4-6: catalog models checked against the Hub's counts and model cards, OPT and
 * GPT-2 read with their real layout, unknown types refused, the engines' start-up refusals, and
 * both active-parameter conventions. Expected values are arithmetic written out from the published
 * configs, or published figures (Hub API safetensors counts, model cards), never the code's.
 */
class ModelsAndEngineRulesTest {
  private static final ModelCatalog CATALOG = ModelCatalog.builtIn();

  private static Planner planner(String id) {
    return Planner.of(CATALOG.spec(id));
  }

  @Nested
  @Verifies("FR-PLAN-023")
  class Models {
    @Test
    void opt125mHasItsRealLayout() {
      // facebook/opt-125m config.json: hidden 768, 12 layers, 12 heads, ffn_dim 3072, vocab 50272,
      // max_position_embeddings 2048, fp16, no tie_word_embeddings key (PretrainedConfig: tied).
      ModelSpec s = CATALOG.spec("opt-125m");
      assertThat(s.norm()).isEqualTo(NormKind.LAYER_NORM);
      assertThat(s.tiedEmbeddings()).isTrue();
      assertThat(s.positionEmbeddings()).isEqualTo(2048 + 2); // OPTLearnedPositionalEmbedding
      assertThat(s.layers().get(0).mlp()).isEqualTo(new DenseMlp(3072, false, true));
      Attention a = (Attention) s.layers().get(0).mixer();
      assertThat(a.queryHeads()).isEqualTo(12);
      assertThat(a.kvHeads()).isEqualTo(12);
      assertThat(a.qkvBias()).isTrue();
      assertThat(a.outputBias()).isTrue();
      // Per layer: q, k, v, out_proj 4 · (768² + 768) = 2,362,368; two LayerNorms 2 · 2 · 768 =
      // 3,072; fc1 768 · 3072 + 3072 = 2,362,368; fc2 3072 · 768 + 768 = 2,360,064 → 7,087,872.
      // Tables: tokens 50272 · 768 = 38,608,896, positions 2050 · 768 = 1,574,400; final
      // LayerNorm 1,536. 38,608,896 + 1,574,400 + 12 · 7,087,872 + 1,536 = 125,239,296.
      assertThat(planner("opt-125m").totalParameters()).isEqualTo(125_239_296L);
    }

    @Test
    void gpt2MatchesTheHubCountLessItsMaskBuffers() {
      // openai-community/gpt2: the Hub API counts F32 137,022,720 in model.safetensors, which also
      // stores each layer's attn.bias causal mask (1 · 1 · 1024 · 1024) as a tensor.
      long hub = 137_022_720L;
      long buffers = 12L * 1024 * 1024;
      // Arithmetic: wte 50257 · 768 = 38,597,376; wpe 1024 · 768 = 786,432; per layer ln_1, ln_2
      // 3,072, c_attn 768 · 2304 + 2304 = 1,771,776, attn c_proj 590,592, c_fc 2,362,368, mlp
      // c_proj 2,360,064 → 7,087,872; ln_f 1,536: 124,439,808 in all.
      long params = 38_597_376L + 786_432L + 12L * 7_087_872L + 1_536L;
      assertThat(params).isEqualTo(124_439_808L).isEqualTo(hub - buffers);
      assertThat(planner("gpt2").totalParameters()).isEqualTo(params);
      assertThat(CATALOG.spec("gpt2").defaultPrecision().weights()).isEqualTo(DType.FP32);
    }

    @Test
    void qwen3_32bMatchesTheHubExactly() {
      assertThat(CATALOG.find("qwen3-32b").orElseThrow().hubParameters()).hasValue(32_762_123_264L);
      // 2 · 151936 · 5120 + 64 · (q 5120·8192 + k, v 2 · 5120·1024 + o 8192·5120 + q/k norms 256
      // + MLP 3 · 5120·25600 + norms 10240) + final norm 5120
      long perLayer =
          5120L * 8192 + 2 * 5120L * 1024 + 8192L * 5120 + 256 + 3 * 5120L * 25600 + 10240;
      long expected = 2 * 151_936L * 5120 + 64 * perLayer + 5120;
      assertThat(expected).isEqualTo(32_762_123_264L);
      assertThat(planner("qwen3-32b").totalParameters()).isEqualTo(expected);
    }

    @Test
    void qwen3_06bCheckpointStoresTheTiedHeadTwice() {
      // The Hub counts BF16 751,632,384 for Qwen/Qwen3-0.6B although tie_word_embeddings is true:
      // model.safetensors holds lm_head.weight as well. The model card's "0.6B, 0.44B
      // non-embedding" is the tied count.
      long hub = CATALOG.find("qwen3-0.6b").orElseThrow().hubParameters().orElseThrow();
      long table = 151_936L * 1024;
      long planned = planner("qwen3-0.6b").totalParameters();
      assertThat(planned).isEqualTo(hub - table);
      assertThat(planned - table).isBetween(435_000_000L, 445_000_000L);
    }

    @Test
    void optWithProjectedEmbeddingsIsRefused() {
      // facebook/opt-350m: word_embed_proj_dim 512 with hidden 1024 (project_in / project_out)
      String json =
          "{\"model_type\":\"opt\",\"hidden_size\":1024,\"num_hidden_layers\":24,"
              + "\"num_attention_heads\":16,\"ffn_dim\":4096,\"vocab_size\":50272,"
              + "\"max_position_embeddings\":2048,\"word_embed_proj_dim\":512,"
              + "\"do_layer_norm_before\":false,\"torch_dtype\":\"float16\"}";
      assertThatThrownBy(() -> HfConfigReader.parse(json, "opt-350m"))
          .isInstanceOf(ModelConfigException.class)
          .hasMessage(
              "config.json: OPT with word_embed_proj_dim 512 != hidden_size 1024"
                  + " (project_in/project_out) is not representable");
    }

    @Test
    void configWithoutModelTypeIsRefused() {
      String json =
          "{\"hidden_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":4,"
              + "\"intermediate_size\":96,\"vocab_size\":300,\"max_position_embeddings\":1024,"
              + "\"torch_dtype\":\"bfloat16\"}";
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .hasMessageStartingWith("config.json: missing 'model_type': its layout is not known")
          .hasMessageContaining("opt, phi3");
    }

    @Test
    void positionTableRoundTripsThroughJson() {
      ModelSpec s = CATALOG.spec("opt-125m");
      assertThat(ModelSpecJson.write(s).get("positionEmbeddings").asInt()).isEqualTo(2050);
      assertThat(ModelSpecJson.readModel(ModelSpecJson.write(s))).isEqualTo(s);
      // written only when non-zero, so earlier documents (and rotary models) are unchanged
      assertThat(ModelSpecJson.write(CATALOG.spec("qwen3-32b")).has("positionEmbeddings"))
          .isFalse();
    }

    @Test
    void namedAfterTheFileOrNameOrPathNotTheFolder(@TempDir Path dir) throws Exception {
      String qwen = ModelCatalog.resource("catalog/models/qwen3-32b.json");
      Path folder = Files.createDirectories(dir.resolve("configs"));
      Path named = Files.writeString(folder.resolve("qwen2-7b.json"), qwen);
      assertThat(HfConfigReader.read(named).name()).isEqualTo("qwen2-7b");

      String opt = ModelCatalog.resource("catalog/models/opt-125m.json");
      Path optDir = Files.createDirectories(dir.resolve("snapshot-a"));
      Path optConfig = Files.writeString(optDir.resolve("config.json"), opt);
      assertThat(HfConfigReader.read(optConfig).name()).isEqualTo("facebook/opt-125m");

      // a local path in _name_or_path is not a name: the folder is
      ObjectMapper m = new ObjectMapper();
      var node = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(opt);
      node.put("_name_or_path", "/home/me/ckpt/step-100");
      Path local = Files.createDirectories(dir.resolve("my-opt"));
      Path localConfig = Files.writeString(local.resolve("config.json"), node.toString());
      assertThat(HfConfigReader.read(localConfig).name()).isEqualTo("my-opt");
    }
  }

  @Nested
  @Verifies("FR-PLAN-024")
  class EngineRules {
    private final Deployment vllm = Deployment.singleGpu().withEngine(VllmEngine.defaults());
    private final Deployment sglang = Deployment.singleGpu().withEngine(SglangEngine.defaults());

    @Test
    void vllmRefusesTpThatDoesNotDivideTheHeads() {
      // Qwen2.5-7B: 28 attention heads, 4 KV heads
      ModelSpec qwen = CATALOG.spec("qwen2.5-7b");
      String reason =
          "vllm refuses --tp 3 for model 'qwen2.5-7b': Total number of attention heads (28)"
              + " must be divisible by tensor parallel size (3).";
      Deployment tp3 = vllm.withTensorParallel(3);
      assertThatThrownBy(() -> Planner.validate(qwen, tp3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(reason);
      assertThatThrownBy(
              () -> Planner.of(qwen).plan(qwen.defaultPrecision(), Workload.of(1024, 1), tp3))
          .hasMessage(reason);
      Planner.validate(qwen, vllm.withTensorParallel(4)); // 28 % 4 == 0, 4 KV heads split
    }

    @Test
    void kvHeadsMustSplitOrReplicateEvenly() {
      // Qwen2.5-7B at TP 7: 28 heads divide, but 4 KV heads can be neither split (4 < 7) nor
      // replicated evenly (7 % 4 = 3).
      ModelSpec qwen = CATALOG.spec("qwen2.5-7b");
      assertThatThrownBy(() -> Planner.validate(qwen, sglang.withTensorParallel(7)))
          .hasMessage(
              "sglang refuses --tp 7 for model 'qwen2.5-7b': its 4 KV heads can be neither split"
                  + " nor replicated evenly (it asserts tp_size % total_num_kv_heads == 0 when"
                  + " tp_size > total_num_kv_heads)");
      // Llama 3.1 8B: 32 heads, 8 KV heads; TP 16 replicates each KV head on 2 ranks
      Planner.validate(CATALOG.spec("llama-3.1-8b"), vllm.withTensorParallel(16));
    }

    @Test
    void latentAttentionHeadsCountToo() {
      // DeepSeek-V3: 128 MLA heads
      assertThatThrownBy(
              () -> Planner.validate(CATALOG.spec("deepseek-v3"), vllm.withTensorParallel(3)))
          .hasMessageContaining("Total number of attention heads (128)");
    }

    @Test
    void genericEngineKeepsPlanningUnevenTp() {
      ModelSpec qwen = CATALOG.spec("qwen2.5-7b");
      Deployment generic = Deployment.singleGpu().withTensorParallel(3);
      assertThat(generic.engine().id()).isEqualTo(GenericEngine.ID);
      Planner.validate(qwen, generic);
    }

    @Test
    void moreStagesThanLayersIsRefused() {
      // gpt2 has 12 layers
      assertThatThrownBy(
              () -> Planner.validate(CATALOG.spec("gpt2"), vllm.withPipelineParallel(13)))
          .hasMessage(
              "--pp 13 exceeds the 12 layers of model 'gpt2': every pipeline stage needs at least"
                  + " one layer");
    }
  }

  @Nested
  @Verifies("FR-PLAN-025")
  class ActiveParameters {
    @Test
    void qwen3MoeMatchesItsModelCardOnlyWithTheEmbedding() {
      // Qwen3-30B-A3B model card: 30.5B parameters, 3.3B activated. hidden 2048, 48 layers,
      // 32 heads, 4 KV heads of 128, 128 experts of 768, top 8, vocab 151936, untied.
      long perLayer =
          2048L * 4096 * 2 // q, o
              + 2048L * 512 * 2 // k, v
              + 256 // q/k norms
              + 2048L * 128 // router
              + 8 * 3 * 2048L * 768 // eight experts
              + 2 * 2048; // norms
      long table = 151_936L * 2048;
      long active = 48 * perLayer + table + 2048; // layers, head, final norm
      Planner p = planner("qwen3-30b-a3b");
      assertThat(p.activeParameters()).isEqualTo(active).isEqualTo(3_041_867_776L);
      assertThat(p.activeParametersWithEmbeddings())
          .isEqualTo(active + table)
          .isBetween(3_300_000_000L, 3_399_999_999L); // "3.3B"
    }

    @Test
    void mixtralMatchesMistralsActiveFigure() {
      // Mistral: Mixtral 8x7B "uses only 12.9B parameters per token"
      Planner p = planner("mixtral-8x7b-v0.1");
      long table = 32_000L * 4096;
      assertThat(p.activeParametersWithEmbeddings() - p.activeParameters()).isEqualTo(table);
      assertThat(Math.round(p.activeParametersWithEmbeddings() / 1e8)).isEqualTo(129);
    }

    @Test
    void denseModelsCountEverythingWithTheEmbedding() {
      // untied: the input table is the only difference
      Planner llama = planner("llama-3.1-8b");
      assertThat(llama.activeParametersWithEmbeddings())
          .isEqualTo(llama.totalParameters())
          .isEqualTo(8_030_261_248L);
      assertThat(llama.activeParameters()).isEqualTo(8_030_261_248L - 128_256L * 4096);
      // tied: the table is already counted as the head
      Planner qwen = planner("qwen3-0.6b");
      assertThat(qwen.activeParametersWithEmbeddings())
          .isEqualTo(qwen.activeParameters())
          .isEqualTo(qwen.totalParameters());
      // a learned position table is a lookup too
      Planner opt = planner("opt-125m");
      assertThat(opt.totalParameters() - opt.activeParameters()).isEqualTo(2050L * 768);
      assertThat(opt.activeParametersWithEmbeddings()).isEqualTo(opt.totalParameters());
    }

    @Test
    void positionTableIsInTheFirstStagesWeights() {
      // OPT-125m in fp16 on one GPU: every parameter once, 2 bytes each
      ModelSpec s = CATALOG.spec("opt-125m");
      MemoryPlan plan =
          Planner.of(s).plan(s.defaultPrecision(), Workload.of(2048, 1), Deployment.singleGpu());
      assertThat(plan.total().weightsBytes()).isEqualTo(2 * 125_239_296L);
    }
  }
}
