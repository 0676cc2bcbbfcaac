package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.vllm.VllmEngine;
import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.api.Test;

/**
 * vLLM's KV cache sizing against startup logs vLLM printed for known models, GPUs and settings.
 * Each log's GPU total is the one vLLM itself reported (CUDA's total, a little under nvidia-smi's).
 */
@Verifies("FR-ENGINE-001")
class VllmEngineModelTest {
  private static final double GIB = 1L << 30;
  private static final ModelCatalog MODELS = ModelCatalog.builtIn();

  private static MemoryPlan plan(
      String model, Precision precision, long context, double totalGib, VllmEngine engine) {
    Deployment d =
        Deployment.singleGpu().withEngine(engine).withMemoryPerGpu((long) (totalGib * GIB));
    return Planner.of(MODELS.spec(model)).plan(precision, Workload.of(context, 1), d);
  }

  private static void report(String label, EnginePlan e, long tokens, double concurrency) {
    CalibrationLog.printf(
        VllmEngineModelTest.class,
        "vLLM %s: %,d tokens (published %,d, %+.2f%%), %.2fx (published %.2fx)%n",
        label,
        e.kvCacheTokens(),
        tokens,
        100.0 * (e.kvCacheTokens() - tokens) / tokens,
        e.maxConcurrency(),
        concurrency);
  }

  /**
   * vLLM v0.15.1, Llama-3.1-8B-Instruct bf16 on one A100-40GB (GCE a2-highgpu-1g), {@code
   * enforce_eager}, utilisation 0.9, max_model_len 131072, max_num_batched_tokens 8192: "Model
   * loading took 14.99 GiB", "Available KV cache memory: 19.28 GiB", "GPU KV cache size: 157,936
   * tokens", "Maximum concurrency for 131,072 tokens per request: 1.20x"
   * (github.com/ilseokoh/vllm-gce README). vLLM logs report A100-40GB totals of 39.39–39.56 GiB
   * ("total_gpu_memory (39.49GiB)" in a DeepSeek-V2 deployment log); 39.49 is used. This log
   * calibrated forward-peak factor ({@code VllmEngineModel.FORWARD_PEAK_FACTOR}), so it checks the
   * model only together with the next test.
   */
  @Test
  void llama31_8bOnA100_40gbMatchesVllm0151() {
    VllmEngine engine = new VllmEngine(0.9, 16, 8192, 256, 0);
    MemoryPlan plan = plan("llama-3.1-8b", TestModels.BF16, 131_072, 39.49, engine);
    EnginePlan e = plan.engine().orElseThrow();
    report("v0.15.1 Llama-3.1-8B A100-40GB", e, 157_936, 1.20);
    // 157,936 tokens = 9,871 blocks of 16; 9,871 / cdiv(131072, 16) = 1.205
    assertThat((double) e.kvCacheTokens()).isCloseTo(157_936, within(157_936 * 0.02));
    assertThat(e.maxConcurrency()).isCloseTo(1.20, within(0.03));
    assertThat(e.kvCacheTokens() % 16).isZero();
    // the pool is 19.28 GiB at 128 KiB per token (32 layers · 8 KV heads · 128 · 2 · 2 B)
    assertThat(e.kvCacheBytes()).isEqualTo(e.kvCacheTokens() * 131_072L);
    assertThat(e.kvCacheBytes() / GIB).isCloseTo(19.28, within(19.28 * 0.02));
  }

  /**
   * Held out of the calibration. vLLM (a release after v0.21, which subtracts its CUDA graph
   * estimate), Qwen2.5-7B-Instruct-AWQ on a 16 GB card with 15.99 GiB total, utilisation 0.9,
   * max_model_len 32768, defaults otherwise (2,048 batched tokens and 256 sequences on a card under
   * 70 GiB): weights 5.29 GiB, peak activation 1.04 GiB, CUDA graphs 0.48 GiB, non-torch 0.06 GiB,
   * "Available KV cache memory: 8.0 GiB", "GPU KV cache size: 149,712 tokens", "Maximum concurrency
   * for 32,768 tokens per request: 4.57x" (a KV-size verification write-up, code index id
   * 57428438798). AWQ: 4-bit weights with group 128, fp16 embeddings and head.
   */
  @Test
  void qwen25_7bAwqOn16GbCardMatchesVllmWithinFourPercent() {
    VllmEngine engine = new VllmEngine(0.9, 16, 2048, 256, (long) (0.48 * GIB));
    Precision awq = Precision.of(DType.int4(128), DType.BF16).withWeights(DType.int4(128));
    MemoryPlan plan = plan("qwen2.5-7b", awq, 32_768, 15.99, engine);
    EnginePlan e = plan.engine().orElseThrow();
    report("Qwen2.5-7B-AWQ 16 GB", e, 149_712, 4.57);
    assertThat((double) e.kvCacheTokens()).isCloseTo(149_712, within(149_712 * 0.04));
    assertThat(e.maxConcurrency()).isCloseTo(4.57, within(4.57 * 0.04));
  }

  /**
   * vLLM's hybrid KV groups (kv_cache_utils.py, v0.10-v0.19): Gemma-3-27B has 10 full-attention and
   * 52 sliding (1,024-token window) layers, all 16 KV heads of 128 (8,192 B per layer per token in
   * bf16). The group size is the fewest layers of a type, 10 (52 is not under 1.25 x 10), so the
   * layers form 1 + cdiv(52, 10) = 7 groups of 10, 8 of them padding; one block of the pool is 16
   * tokens x 8,192 B x 10 tensors, and vLLM reports num_blocks // 7 x 16 tokens. A request of 8,192
   * tokens takes 512 blocks in the full group and cdiv(min(1023 + 8192, 8192), 16) + 1 = 513 in
   * each of the 6 sliding groups: 3,590. The v0.19.0 log (enginelogs/vllm-gemma3-27b-h100-tp1)
   * obeys both: 36,560 tokens is num_blocks 15,995..16,001, and 4.46x is 4.455..4.465 x 3,590 =
   * 15,993..16,029 blocks.
   */
  @Test
  @Verifies({"FR-ENGINE-001", "FR-PLAN-029"})
  void gemma3_27bIsPooledInSevenGroupsOfTenLayersAsVllmReportsIt() {
    MemoryPlan plan =
        plan(
            "gemma-3-27b-it",
            TestModels.BF16,
            8192,
            79.19,
            new VllmEngine(0.95, 16, 8192, 1024, 0));
    EnginePlan e = plan.engine().orElseThrow();
    report("v0.19.0 Gemma-3-27B H100 (hybrid groups)", e, 36_560, 4.46);
    assertThat(e.kvCacheTokens() % 16).isZero();
    // the reported tokens' blocks in all 7 groups: 70 layer slots of 8,192 B per token
    assertThat(e.kvCacheBytes()).isEqualTo(e.kvCacheTokens() * 70L * 8192);
    long blocks = e.kvCacheTokens() / 16 * 7; // num_blocks, less at most 6
    assertThat(e.maxConcurrency() * 3590).isBetween((double) blocks, blocks + 6.0 + 1e-9);
    // the logged pair obeys the same rule: 36,560 / 16 x 7 = 15,995; 4.46 x 3,590 = 16,011
    assertThat(4.46 * 3590).isBetween(36_560 / 16 * 7 - 18.0, 36_560 / 16 * 7 + 6 + 18.0);
  }

  /**
   * Gemma-2 has as many windowed (4,096 tokens) as full layers, 23 each in the 27B: two groups of
   * 23, so vLLM's tokens are those of one pool of all 46 layers (46 x 8,192 = 376,832 B per token).
   */
  @Test
  @Verifies({"FR-ENGINE-001", "FR-PLAN-029"})
  void gemma2_27bsTwoEqualGroupsReportWhatOnePoolWould() {
    MemoryPlan plan =
        plan(
            "gemma-2-27b-it",
            TestModels.BF16,
            8192,
            79.19,
            new VllmEngine(0.95, 16, 8192, 1024, 0));
    EnginePlan e = plan.engine().orElseThrow();
    assertThat(e.kvCacheBytes()).isEqualTo(e.kvCacheTokens() * 376_832L);
  }

  /**
   * vLLM groups linear-attention layers with attention layers (kv_cache_utils.py, v0.10-v0.19;
   * HybridAttentionMambaModelConfig in model_executor/models/config.py). Qwen3-Next-80B at TP 2: an
   * attention layer keeps 2 x 1 KV head x 256 x 2 B = 1,024 B per token per rank; a Gated DeltaNet
   * layer's state is 16 value heads x 128 x 128 x 2 B = 524,288 B plus a convolution buffer of (2 x
   * 8 x 128 + 16 x 128) channels x 3 x 2 B = 24,576 B: 548,864 B. The block size is raised from 16
   * to 16 x cdiv(548,864, 16 x 1,024) = 544 tokens (the v0.10.2 log's "attention block size 544"),
   * a page 544 x 1,024 = 557,056 B. 12 full and 36 linear layers: the group size is 12 (36 is not
   * under 1.25 x 12), 1 + 3 = 4 groups, 12 tensors, so a block of the pool is 12 x 557,056 B and
   * vLLM reports num_blocks // 4 x 544 tokens. A request of 262,144 tokens takes cdiv(262,144, 544)
   * = 482 attention blocks and one block in each of the 3 state groups: 485. The log
   * (enginelogs/vllm-qwen3-next-80b-h200-tp2) obeys both: 973,760 = 7,162 // 4 x 544, and 7,162 /
   * 485 = 14.77x.
   */
  @Test
  @Verifies({"FR-ENGINE-001", "FR-PLAN-029"})
  void qwen3NextsLinearAttentionLayersJoinTheGroupsWithTheBlockSizeRaisedToTheirState() {
    Deployment d =
        Deployment.singleGpu()
            .withTensorParallel(2)
            .withEngine(new VllmEngine(0.9, 16, 8192, 1024, 0))
            .withMemoryPerGpu((long) (139.81 * GIB));
    EnginePlan e =
        Planner.of(MODELS.spec("qwen3-next-80b-a3b-instruct"))
            .plan(TestModels.BF16, Workload.of(262_144, 1), d)
            .engine()
            .orElseThrow();
    report("v0.10.2 Qwen3-Next-80B 2x H200 (hybrid linear attention)", e, 973_760, 14.77);
    assertThat(e.kvCacheTokens() % 544).isZero();
    long blocks = e.kvCacheTokens() / 544 * 4; // num_blocks, less at most 3
    // the reported tokens' blocks in all 4 groups, each block 12 pages of 557,056 B
    assertThat(e.kvCacheBytes()).isEqualTo(blocks * 12 * 557_056L);
    assertThat(e.maxConcurrency() * 485).isBetween((double) blocks, blocks + 3.0 + 1e-9);
    // the logged pair obeys the same rules
    assertThat(7_162 / 4 * 544).isEqualTo(973_760);
    assertThat(7_162 / 485.0).isCloseTo(14.77, within(0.005));
  }

  private static MemoryPlan planTp(String model, int tp) {
    Deployment d =
        Deployment.singleGpu()
            .withTensorParallel(tp)
            .withEngine(new VllmEngine(0.95, 16, 8192, 1024, 0))
            .withMemoryPerGpu((long) (79.19 * GIB));
    return Planner.of(MODELS.spec(model)).plan(TestModels.BF16, Workload.of(8192, 1), d);
  }

  /**
   * vLLM V1's profiling peak on the last stage is the dummy sampler run (gpu_model_runner.py
   * profile_run keeps the forward pass's hidden states; compute_logits all-gathers the logits to
   * every rank; sampler.py copies them to fp32; the Triton top-k/top-p kernel masks in place with a
   * [min(SMs, rows), vocab] fp32 buffer; softmax and the exponential noise add two fp32 copies).
   * Llama-3.1-8B, 1,024 sequences, 8,192 batched tokens: 1,024 x 128,256 x (2 + 4 + 4 + 4) + 132 x
   * 128,256 x 4 + 8,192 x 4,096 x 2 = 1,973,506,048 B on every rank at TP 1, 2 and 4, as the
   * v0.19.0 logs print one 1.89 GiB torch peak at all three (enginelogs/vllm-llama31-8b-h100-tp*).
   */
  @Test
  @Verifies({"FR-ENGINE-001", "FR-PLAN-029"})
  void theSamplerPeakHoldsTheWholeVocabularyOnEveryTensorParallelRank() {
    for (int tp : new int[] {1, 2, 4}) {
      assertThat(planTp("llama-3.1-8b", tp).perGpu().activationBytes())
          .as("TP %d", tp)
          .isEqualTo(1_973_506_048L);
    }
  }

  /**
   * The fused-MoE workspace (the Triton experts' workspace_shapes, kept by vLLM's WorkspaceManager)
   * is still allocated when the sampler runs. Qwen3-30B-A3B (hidden 2,048, 8 of 128 experts of
   * width 768, vocabulary 151,936), TP 1: workspace 8,192 x 8 x (max(768, 2,048) + max(1,536,
   * 2,048)) x 2 = 536,870,912 B; sampler 1,024 x 151,936 x 14 + 132 x 151,936 x 4 + 8,192 x 2,048 x
   * 2 = 2,291,931,136 B; together 2.63 GiB against the 2.68 GiB its v0.19.0 log prints.
   */
  @Test
  @Verifies({"FR-ENGINE-001", "FR-PLAN-029"})
  void aMoeModelsPeakAddsTheFusedMoeWorkspaceToTheSamplerRun() {
    assertThat(planTp("qwen3-30b-a3b", 1).perGpu().activationBytes())
        .isEqualTo(536_870_912L + 2_291_931_136L);
  }

  /**
   * vLLM's rotary embedding keeps a cos/sin table of {@code max_position_embeddings × rotary_dim}
   * in the model's dtype, whole on every rank. Llama-3.1-8B: 131,072 × 128 × 2 = 33,554,432 B.
   * Llama-4-Scout at TP 4: 10,485,760 × 128 × 2 = 2,684,354,560 B (2.50 GiB) beside its vision
   * tower split four ways, 871,932,416 × 2 / 4 = 435,966,208 B: 53.10 GiB per rank with the text
   * model, against "Model loading took 53.12 GiB" in its v0.19.0 log. GPT-2 has a learned position
   * table and no rotary embedding.
   */
  @Test
  @Verifies({"FR-ENGINE-001", "FR-PLAN-029"})
  void everyRankHoldsTheWholeRotaryTable() {
    assertThat(vllmWeightsOverGeneric("llama-3.1-8b", 1)).isEqualTo(33_554_432L);
    assertThat(vllmWeightsOverGeneric("llama-4-scout-17b-16e-instruct", 4))
        .isEqualTo(2_684_354_560L + 435_966_208L);
    assertThat(vllmWeightsOverGeneric("gpt2", 1)).isZero();
  }

  private static long vllmWeightsOverGeneric(String model, int tp) {
    var spec = MODELS.spec(model);
    Workload w = Workload.of(1024, 1);
    Deployment generic = Deployment.singleGpu().withTensorParallel(tp);
    Deployment vllm = generic.withEngine(VllmEngine.defaults());
    return Planner.of(spec).plan(spec.defaultPrecision(), w, vllm).perGpu().weightsBytes()
        - Planner.of(spec).plan(spec.defaultPrecision(), w, generic).perGpu().weightsBytes();
  }

  @Test
  void blocksRoundEachRequestUpToWholeBlocks() {
    // 100 tokens take 7 blocks of 16 = 112 tokens; Llama-3.1-8B keeps 128 KiB per token
    MemoryPlan plan = plan("llama-3.1-8b", TestModels.BF16, 100, 79.19, VllmEngine.defaults());
    assertThat(plan.perGpu().kvCacheBytes()).isEqualTo(112L * 131_072);
  }

  @Test
  void theVerdictComparesWithTheUtilisationBudgetNotTheWholeGpu() {
    MemoryPlan plan =
        plan("llama-3.1-8b", TestModels.BF16, 8192, 79.19, new VllmEngine(0.5, 16, 2048, 256, 0));
    EnginePlan e = plan.engine().orElseThrow();
    // 79.19 GiB · 0.5 = 39.595 GiB
    assertThat(e.memoryLimitBytes()).isEqualTo((long) Math.floor(79.19 * GIB * 0.5));
    assertThat(plan.fit().orElseThrow().budgetBytes()).isEqualTo(e.memoryLimitBytes());
    assertThat(plan.fit().orElseThrow().headroomBytes())
        .isEqualTo(e.memoryLimitBytes() - plan.perGpu().totalBytes());
  }

  @Test
  void withoutABudgetThereIsNoPoolToReport() {
    MemoryPlan plan =
        Planner.of(MODELS.spec("llama-3.1-8b"))
            .plan(
                TestModels.BF16,
                Workload.of(4096, 1),
                Deployment.singleGpu().withEngine(VllmEngine.defaults()));
    assertThat(plan.engine()).isEmpty();
    assertThat(plan.fit()).isEmpty();
  }
}
