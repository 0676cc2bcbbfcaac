package io.hwledger.math;

import static io.hwledger.math.TestModels.BF16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.LayerMemory;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.MlaCacheLayout;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.api.Test;

/**
 * Expected values come from REFERENCES.md §1 and from each model's published config, with the
 * arithmetic written out.
 */
@Verifies({
  "FR-PLAN-001",
  "FR-PLAN-002",
  "FR-PLAN-003",
  "FR-PLAN-004",
  "FR-PLAN-005",
  "FR-PLAN-006",
  "FR-PLAN-007",
  "FR-PLAN-008",
  "FR-PLAN-009",
  "FR-PLAN-011",
  "FR-ENGINE-006"
})
class PlannerTest {
  private static final Deployment ONE_GPU = Deployment.singleGpu();

  @Test
  void llama31_8bParametersMatchThePublishedCount() {
    // embeddings 128256·4096 twice (untied) + 32 · (q 4096·4096 + k,v 2·4096·1024 + o 4096·4096
    // + MLP 3·4096·14336 + 2 norms of 4096) + final norm 4096
    long expected =
        2L * 128_256 * 4096
            + 32L * (2L * 4096 * 4096 + 2L * 4096 * 1024 + 3L * 4096 * 14_336 + 2 * 4096)
            + 4096;
    assertThat(expected).isEqualTo(8_030_261_248L); // REFERENCES.md §1
    Planner planner = Planner.of(TestModels.llama31_8b());
    assertThat(planner.totalParameters()).isEqualTo(8_030_261_248L);
    // active: everything but the input embedding table (128256 · 4096 = 525,336,576)
    assertThat(planner.activeParameters()).isEqualTo(8_030_261_248L - 525_336_576L);
  }

  @Test
  void llama31_8bWeightsInBf16AreWhatVllmReports() {
    MemoryPlan plan = Planner.of(TestModels.llama31_8b()).plan(BF16, Workload.of(1, 1), ONE_GPU);
    // vLLM logs "model weights took 14.96 GiB": 8,030,261,248 · 2 B
    assertThat(plan.total().weightsBytes()).isEqualTo(16_060_522_496L);
    assertThat(plan.total().weightsBytes() / (double) (1L << 30)).isBetween(14.95, 14.97);
  }

  @Test
  void gqaCacheOfLlama31_8bIs128KiBPerToken() {
    // 2 (K and V) · 32 layers · 8 KV heads · 128 · 2 bytes = 131,072 B per token
    MemoryPlan plan =
        Planner.of(TestModels.llama31_8b()).planWithLayers(BF16, Workload.of(8192, 3), ONE_GPU);
    assertThat(plan.total().kvCacheBytes()).isEqualTo(131_072L * 8192 * 3);
    assertThat(plan.layers()).hasSize(32);
    assertThat(plan.layers())
        .allSatisfy(
            row -> {
              assertThat(row.kvBytesPerToken()).isEqualTo(4096); // 2·8·128·2
              assertThat(row.windowTokens()).isEmpty();
              assertThat(row.mixer()).isEqualTo("attention");
              assertThat(row.stateBytesPerSequence()).isZero();
            });
    assertThat(plan.total().stateBytes()).isZero();
  }

  @Test
  void gqaCacheOfLlama3_70bIs320KiBPerToken() {
    MemoryPlan plan = Planner.of(TestModels.llama3_70b()).plan(BF16, Workload.of(1000, 1), ONE_GPU);
    assertThat(plan.total().kvCacheBytes()).isEqualTo(327_680L * 1000); // 2·80·8·128·2 per token
  }

  @Test
  void llama3_70bParameters() {
    // 2·128256·8192 + 80·(2·8192·8192 + 2·8192·1024 + 3·8192·28672 + 2·8192) + 8192
    assertThat(Planner.of(TestModels.llama3_70b()).totalParameters()).isEqualTo(70_553_706_496L);
  }

  @Test
  void slidingWindowCapsMistralCacheAtTheWindow() {
    MemoryPlan plan =
        Planner.of(TestModels.mistral7b()).plan(BF16, Workload.of(32_000, 1), ONE_GPU);
    // 32 layers · 2 · 8 · 128 · 2 B · min(32000, 4096) tokens
    assertThat(plan.total().kvCacheBytes()).isEqualTo(536_870_912L);
  }

  @Test
  void gemma2AppliesTheWindowOnlyToItsLocalLayers() {
    MemoryPlan plan =
        Planner.of(TestModels.gemma2_9b()).planWithLayers(BF16, Workload.of(8192, 1), ONE_GPU);
    // per layer and token 2·8·256·2 = 8192 B; 21 local layers keep 4096 tokens, 21 global 8192
    assertThat(plan.total().kvCacheBytes()).isEqualTo(21L * 8192 * 4096 + 21L * 8192 * 8192);
    assertThat(plan.layers().get(0).windowTokens()).hasValue(4096);
    assertThat(plan.layers().get(0).mixer()).isEqualTo("sliding_attention");
    assertThat(plan.layers().get(1).windowTokens()).isEmpty();
  }

  @Test
  void mlaCachesTheLatentPerLayer() {
    MemoryPlan plan =
        Planner.of(TestModels.deepseekV3()).plan(BF16, Workload.of(32_000, 1), ONE_GPU);
    // 61 layers · (512 + 64) · 2 B = 70,272 B per token
    assertThat(plan.total().kvCacheBytes()).isEqualTo(2_248_704_000L);
    assertThat(plan.total().kvCacheBytes()).isEqualTo(70_272L * 32_000);
  }

  @Test
  void decompressedMlaCachesFullHeads() {
    Deployment decompressed = ONE_GPU.withMlaCache(MlaCacheLayout.DECOMPRESSED);
    MemoryPlan plan =
        Planner.of(TestModels.deepseekV3()).plan(BF16, Workload.of(1, 1), decompressed);
    // 61 · 128 heads · (K 128+64 + V 128) · 2 B
    assertThat(plan.total().kvCacheBytes()).isEqualTo(61L * 128 * (192 + 128) * 2);
  }

  @Test
  void deepseekV3TotalAndActiveParameters() {
    long embeddings = 2L * 129_280 * 7168;
    long mla =
        7168L * 1536
            + 1536
            + 1536L * 128 * 192
            + 7168L * 576
            + 512
            + 512L * 128 * 256
            + 128L * 128 * 7168;
    long norms = 2 * 7168;
    long denseMlp = 3L * 7168 * 18_432;
    long expert = 3L * 7168 * 2048;
    long router = 256L * 7168 + 256; // gate weight and e_score_correction_bias
    long moeLayer = mla + norms + router + 256 * expert + expert;
    long total = embeddings + 3 * (mla + norms + denseMlp) + 58 * moeLayer + 7168;
    // the checkpoint's main-model tensors add up to 671,026,419,200 (MTP layer excluded), as
    // public audits of the safetensors headers report
    assertThat(total).isEqualTo(671_026_419_200L);
    long activeMoeLayer = mla + norms + router + 8 * expert + expert;
    long head = 129_280L * 7168;
    long active = head + 3 * (mla + norms + denseMlp) + 58 * activeMoeLayer + 7168;
    // DeepSeek's README_WEIGHTS.md counts active parameters without the input embedding and with
    // the output head: 36.6B, advertised as "37B activated"
    assertThat(active).isEqualTo(36_625_618_432L);

    Planner planner = Planner.of(TestModels.deepseekV3());
    assertThat(planner.totalParameters()).isEqualTo(total);
    assertThat(planner.activeParameters()).isEqualTo(active);
  }

  @Test
  void mixtralResidentAndActiveParameters() {
    // the Hub's safetensors parameter count for Mixtral-8x7B (also keras-hub's preset):
    // 46,702,792,704
    Planner planner = Planner.of(TestModels.mixtral8x7b());
    long attention = 2L * 4096 * 4096 + 2L * 4096 * 1024;
    long expert = 3L * 4096 * 14_336;
    long router = 8L * 4096;
    long embeddings = 2L * 32_000 * 4096;
    assertThat(planner.totalParameters())
        .isEqualTo(embeddings + 32 * (attention + router + 8 * expert + 2 * 4096) + 4096)
        .isEqualTo(46_702_792_704L);
    // Mistral's "12.9B active" counts the input embedding table too: 12,879,925,248
    assertThat(planner.activeParameters() + 32_000L * 4096).isEqualTo(12_879_925_248L);
    assertThat(planner.activeParameters())
        .isEqualTo(embeddings / 2 + 32 * (attention + router + 2 * expert + 2 * 4096) + 4096);
  }

  @Test
  void mambaStateIsFixedPerSequenceWithEngineConvColumns() {
    Planner planner = Planner.of(TestModels.mamba28b());
    // per layer: SSM d_inner·N = 5120·16 and conv d_inner·(K−1) = 5120·3 elements, bf16
    long perSequence = 64L * (5120 * 16 + 5120 * 3) * 2;
    MemoryPlan shortContext = planner.plan(BF16, Workload.of(100, 4), ONE_GPU);
    MemoryPlan longContext = planner.plan(BF16, Workload.of(1_000_000, 4), ONE_GPU);
    assertThat(shortContext.total().stateBytes()).isEqualTo(4 * perSequence);
    assertThat(longContext.total().stateBytes()).isEqualTo(4 * perSequence);
    assertThat(longContext.total().kvCacheBytes()).isZero();
    assertThat(planner.totalParameters())
        .isEqualTo(
            50_280L * 2560
                + 64L
                    * (2560L * 10_240 // in_proj
                        + 5120 * 4
                        + 5120 // conv1d weight and bias
                        + (160 + 32) * 5120 // x_proj
                        + 5120 * 160
                        + 5120 // dt_proj and bias
                        + 5120 * 16
                        + 5120 // A_log, D
                        + 5120L * 2560 // out_proj
                        + 2560) // norm
                + 2560);
  }

  @Test
  void quantisedWeightsKeepEmbeddingsAndNormsIn16Bits() {
    Precision q8 = BF16.withWeights(DType.parse("q8_0"));
    MemoryPlan plan = Planner.of(TestModels.llama31_8b()).plan(q8, Workload.of(1, 1), ONE_GPU);
    long linearPerLayer = 2L * 4096 * 4096 + 2L * 4096 * 1024 + 3L * 4096 * 14_336;
    long q8Bytes = 32 * linearPerLayer / 32 * 34; // q8_0: 34 bytes per 32 weights
    long bf16Bytes = 2 * (2L * 128_256 * 4096 + 32 * 2 * 4096 + 4096);
    assertThat(plan.total().weightsBytes()).isEqualTo(q8Bytes + bf16Bytes);
  }

  @Test
  void quantisedKvCacheUsesBlockBytes() {
    Precision q8Cache = BF16.withKvCache(DType.parse("q8_0"));
    MemoryPlan plan =
        Planner.of(TestModels.llama31_8b()).plan(q8Cache, Workload.of(1000, 1), ONE_GPU);
    // each layer keeps a row of 8·128 = 1024 K and 1024 V elements per token: 32 blocks of 34 B
    assertThat(plan.total().kvCacheBytes()).isEqualTo(1000L * 32 * 2 * 32 * 34);
  }

  @Test
  void tensorParallelReplicatesKvHeadsBeyondTheirCount() {
    Planner planner = Planner.of(TestModels.llama3_70b());
    Workload one = Workload.of(1, 1);
    MemoryPlan tp8 = planner.plan(BF16, one, ONE_GPU.withTensorParallel(8));
    MemoryPlan tp16 = planner.plan(BF16, one, ONE_GPU.withTensorParallel(16));
    // TP 8: one of the 8 KV heads per rank; TP 16: still one (replicated): 80·2·128·2 B
    assertThat(tp8.perGpu().kvCacheBytes()).isEqualTo(80L * 2 * 128 * 2);
    assertThat(tp16.perGpu().kvCacheBytes()).isEqualTo(80L * 2 * 128 * 2);
    assertThat(tp16.total().kvCacheBytes()).isEqualTo(2 * 327_680L);
  }

  @Test
  void mlaLatentIsReplicatedOnEveryRank() {
    MemoryPlan plan =
        Planner.of(TestModels.deepseekV3())
            .plan(BF16, Workload.of(1000, 1), ONE_GPU.withTensorParallel(8));
    assertThat(plan.perGpu().kvCacheBytes()).isEqualTo(70_272L * 1000);
  }

  @Test
  void pipelineStagesFollowVllmPartition() {
    // 32 layers in 3 stages: 10 each, the remaining 2 go to stages 1 and 0 → 11, 11, 10
    MemoryPlan plan =
        Planner.of(TestModels.llama31_8b())
            .plan(BF16, Workload.of(100, 1), ONE_GPU.withPipelineParallel(3));
    long perLayerKv = 4096L * 100;
    assertThat(plan.stages())
        .extracting(s -> s.kvCacheBytes())
        .containsExactly(11 * perLayerKv, 11 * perLayerKv, 10 * perLayerKv);
    long layerWeights = 2 * (2L * 4096 * 4096 + 2L * 4096 * 1024 + 3L * 4096 * 14_336 + 2 * 4096);
    long embedding = 2L * 128_256 * 4096;
    assertThat(plan.stages().get(0).weightsBytes()).isEqualTo(11 * layerWeights + embedding);
    assertThat(plan.stages().get(2).weightsBytes())
        .isEqualTo(10 * layerWeights + embedding + 2 * 4096); // head and final norm
  }

  @Test
  void fitAndHeadroomAgainstABudget() {
    long budget = 80L << 30;
    MemoryPlan plan =
        Planner.of(TestModels.llama31_8b())
            .plan(BF16, Workload.of(8192, 1), ONE_GPU.withMemoryPerGpu(budget));
    assertThat(plan.fit())
        .hasValueSatisfying(
            f -> {
              assertThat(f.fits()).isTrue();
              assertThat(f.budgetBytes()).isEqualTo(budget);
              assertThat(f.headroomBytes()).isEqualTo(budget - plan.perGpu().totalBytes());
            });
    MemoryPlan tooSmall =
        Planner.of(TestModels.llama31_8b())
            .plan(BF16, Workload.of(8192, 1), ONE_GPU.withMemoryPerGpu(8L << 30));
    assertThat(tooSmall.fit().orElseThrow().fits()).isFalse();
  }

  @Test
  void overflowingWorkloadIsAnErrorNotAWrappedNumber() {
    Planner planner = Planner.of(TestModels.llama3_70b());
    assertThatThrownBy(
            () -> planner.plan(BF16, Workload.of(Long.MAX_VALUE / 2, 1_000_000), ONE_GPU))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overflows");
  }

  @Test
  void morePipelineStagesThanLayersIsRejected() {
    Planner planner = Planner.of(TestModels.llama31_8b());
    assertThatThrownBy(
            () -> planner.plan(BF16, Workload.of(1, 1), ONE_GPU.withPipelineParallel(33)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pipelineParallel (33)");
  }

  @Test
  void layerRowsCarryParametersAndBytes() {
    MemoryPlan plan =
        Planner.of(TestModels.llama31_8b()).planWithLayers(BF16, Workload.of(10, 2), ONE_GPU);
    LayerMemory first = plan.layers().get(0);
    long layerParams = 2L * 4096 * 4096 + 2L * 4096 * 1024 + 3L * 4096 * 14_336 + 2 * 4096;
    assertThat(first.parameters()).isEqualTo(layerParams);
    assertThat(first.weightsBytes()).isEqualTo(2 * layerParams);
    assertThat(first.kvCacheBytes()).isEqualTo(4096L * 10 * 2);
  }
}
