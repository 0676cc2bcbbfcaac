package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.llamacpp.LlamaCppEngine;
import io.hwledger.testsupport.Verifies;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * llama.cpp's KV cache, compute buffer and offload split against log lines llama.cpp printed, and
 * hand arithmetic. Sizes in the logs are MiB (2^20 bytes).
 */
@Verifies("FR-ENGINE-002")
class LlamaCppEngineModelTest {
  private static final long MIB = 1L << 20;
  private static final ModelCatalog MODELS = ModelCatalog.builtIn();
  private static final Precision F16 = Precision.of(DType.FP16, DType.FP16);

  private static LlamaCppEngine engine(long nCtx, int parallel, boolean unified) {
    return new LlamaCppEngine(
        OptionalLong.of(nCtx), OptionalInt.of(parallel), OptionalInt.empty(), true, unified, 512);
  }

  private static MemoryPlan plan(String model, LlamaCppEngine e, long context) {
    return Planner.of(MODELS.spec(model))
        .plan(F16, Workload.of(context, 1), Deployment.singleGpu().withEngine(e));
  }

  /**
   * Meta-Llama-3-8B-Instruct Q4_K_M, {@code llama-server -c 8192 -np 1}: "llama_kv_cache: size =
   * 1024.00 MiB ( 8192 cells, 32 layers, 1/1 seqs), K (f16): 512.00 MiB, V (f16): 512.00 MiB" (a KV
   * calculator's validation write-up, code index id 70947194673).
   */
  @Test
  void llama3_8bAt8192CellsHoldsOneGibibyteOfKv() {
    MemoryPlan plan = plan("llama-3-8b", engine(8192, 1, false), 8192);
    assertThat(plan.perGpu().kvCacheBytes()).isEqualTo(1024 * MIB);
    assertThat(plan.engine().orElseThrow().kvCacheTokens()).isEqualTo(8192);
  }

  /**
   * A Qwen2.5-7B GGUF at {@code n_ctx} 2048 on CUDA: "llama_kv_cache_unified: CUDA0 KV buffer size
   * = 112.00 MiB" and "llama_context: CUDA0 compute buffer size = 304.00 MiB" (a Jetson Thor
   * deployment log, code index id 68717046901). KV: 28 layers · 4 KV heads · 128 · 2 · 2 B · 2048 =
   * 112 MiB. Compute, as modelled: 512 · 152,064 · 4 B of logits (297.0 MiB) plus 512 · 3,584 · 4 B
   * of residual (7.0 MiB) = 304.0 MiB.
   */
  @Test
  void qwen25_7bAt2048CellsMatchesKvAndComputeBuffer() {
    MemoryPlan plan = plan("qwen2.5-7b", engine(2048, 1, false), 2048);
    assertThat(plan.perGpu().kvCacheBytes()).isEqualTo(112 * MIB);
    assertThat(plan.perGpu().activationBytes()).isEqualTo(304 * MIB);
  }

  /**
   * Phi-3.1-mini-4k Q4_K_M with llama-server's defaults (training context 4,096, 4 slots, unified
   * KV): "llama_kv_cache: size = 1536.00 MiB ( 4096 cells, 32 layers, 4/1 seqs)" (code index id
   * 53537166506). 32 layers · 32 KV heads · 96 · 2 · 2 B · 4096 = 1536 MiB; one 4,096-token request
   * fills the shared cells, four of 1,024 fit.
   */
  @Test
  void phi3MiniDefaultsShareFourSlotsInOneStream() {
    LlamaCppEngine e = engine(4096, 4, true);
    MemoryPlan full = plan("phi-3-mini-4k-instruct", e, 4096);
    assertThat(full.perGpu().kvCacheBytes()).isEqualTo(1536 * MIB);
    assertThat(full.engine().orElseThrow().maxConcurrency()).isEqualTo(1.0);
    assertThat(plan("phi-3-mini-4k-instruct", e, 1024).engine().orElseThrow().maxConcurrency())
        .isEqualTo(4.0);
  }

  @Test
  void separateSlotsEachGetAPaddedShareOfTheContext() {
    // -c 10000 -np 3: n_ctx pads to 10,240; each slot pad256(10240 / 3 = 3413) = 3,584 cells;
    // 3 · 3,584 = 10,752 cells in all
    EnginePlan e = plan("llama-3-8b", engine(10_000, 3, false), 3000).engine().orElseThrow();
    assertThat(e.kvCacheTokens()).isEqualTo(10_752);
    assertThat(e.maxConcurrency()).isEqualTo(3.0); // 3,000 ≤ 3,584 per slot
    EnginePlan tooLong = plan("llama-3-8b", engine(10_000, 3, false), 4000).engine().orElseThrow();
    assertThat(tooLong.maxConcurrency()).isZero();
  }

  @Test
  void slidingWindowLayersKeepWindowPlusMicroBatchCells() {
    // gemma-2-9b: 42 layers alternating 4,096-token windows and full attention, 8 KV heads of 256;
    // n_ctx 32,768, one slot: full layers 32,768 cells, windowed pad256(4,096 + 512) = 4,608 cells.
    // per layer per cell 8 · 256 · 2 · 2 B = 8,192 B
    MemoryPlan plan = plan("gemma-2-9b-it", engine(32_768, 1, false), 32_768);
    assertThat(plan.perGpu().kvCacheBytes()).isEqualTo(21L * 8192 * 32_768 + 21L * 8192 * 4_608);
  }

  @Test
  void partialOffloadKeepsEarlyLayersAndTheEmbeddingInHostMemory() {
    ModelSpec model = MODELS.spec("llama-3-8b");
    List<Long> layers = new java.util.ArrayList<>();
    for (int i = 0; i < 32; i++) {
      layers.add(1_000L + i); // distinct sizes, so the offloaded ones can be told apart
    }
    CheckpointWeights weights = new CheckpointWeights("test", 1, 50_000, 70_000, 16, layers);
    LlamaCppEngine e =
        new LlamaCppEngine(
            OptionalLong.of(256), OptionalInt.of(1), OptionalInt.of(2), true, false, 512);
    MemoryPlan plan =
        Planner.of(model, weights)
            .plan(F16, Workload.of(256, 1), Deployment.singleGpu().withEngine(e));
    // -ngl 2 offloads layers 30 and 31 (1,030 + 1,031 B), not the output layer
    assertThat(plan.perGpu().weightsBytes()).isEqualTo(2_061);
    // per layer 8 · 128 · 2 · 2 B · 256 cells = 1,048,576 B of KV
    assertThat(plan.perGpu().kvCacheBytes()).isEqualTo(2 * 1_048_576L);
    // host: embedding 50,000, head 70,000 + norm 16, layers 0..29 (Σ 1,000..1,029 = 30,435) and
    // their KV
    assertThat(plan.engine().orElseThrow().hostBytes())
        .isEqualTo(50_000 + 70_016 + 30_435 + 30 * 1_048_576L);
  }

  @Test
  void quantisedVCacheNeedsFlashAttention() {
    LlamaCppEngine noFlash =
        new LlamaCppEngine(
            OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty(), false, false, 512);
    Precision q8 = Precision.of(DType.FP16, DType.parse("q8_0"));
    assertThatThrownBy(
            () ->
                Planner.of(MODELS.spec("llama-3-8b"))
                    .plan(q8, Workload.of(4096, 1), Deployment.singleGpu().withEngine(noFlash)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("llama.cpp needs flash attention (-fa on) for a quantised V cache (q8_0)");
  }

  @Test
  void quantisedCacheShrinksKvByTheBlockRatio() {
    // q8_0: 34 bytes per 32 elements; 32 layers · 2 · 1,024 elements per cell · 8,192 cells
    Precision q8 = Precision.of(DType.FP16, DType.parse("q8_0"));
    MemoryPlan plan =
        Planner.of(MODELS.spec("llama-3-8b"))
            .plan(
                q8,
                Workload.of(8192, 1),
                Deployment.singleGpu().withEngine(engine(8192, 1, false)));
    assertThat(plan.perGpu().kvCacheBytes()).isEqualTo(32L * 2 * (1024 / 32 * 34) * 8192);
  }

  @Test
  void tensorParallelismIsRefusedWithTheLayerSplitAlternative() {
    assertThatThrownBy(
            () ->
                Planner.of(MODELS.spec("llama-3-8b"))
                    .plan(
                        F16,
                        Workload.of(4096, 1),
                        Deployment.singleGpu()
                            .withTensorParallel(2)
                            .withEngine(LlamaCppEngine.defaults())))
        .hasMessageContaining("llama.cpp splits layers, not tensors");
  }
}
