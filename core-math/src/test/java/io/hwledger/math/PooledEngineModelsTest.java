package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.NormKind;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.mlx.MlxEngine;
import io.hwledger.math.engine.sglang.SglangEngine;
import io.hwledger.math.engine.sglang.SglangEngineModel;
import io.hwledger.math.engine.trtllm.TensorRtLlmEngine;
import io.hwledger.testsupport.Verifies;
import java.util.Collections;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** SGLang, TensorRT-LLM and MLX memory rules against published logs and hand arithmetic. */
@Verifies({"FR-ENGINE-003", "FR-ENGINE-004", "FR-ENGINE-005"})
class PooledEngineModelsTest {
  private static final double GIB = 1L << 30;
  private static final long MIB = 1L << 20;
  private static final ModelCatalog MODELS = ModelCatalog.builtIn();
  private static final GpuCatalog GPUS = GpuCatalog.builtIn();

  /**
   * SGLang's own worked choice of {@code mem_fraction_static} (server_args.py {@code
   * _handle_gpu_memory_settings}): H100 80GB (81,559 MiB), TP1: reserved = max(512 + 8192 · 1.5 +
   * 256 · 2 + 1/8 · 1024, 10240) = 13,440 MiB, (81,559 − 13,440) / 81,559 = 0.835. RTX 4090 (24,564
   * MiB): 512 + 2048 · 1.5 + 24 · 2 + 128 = 3,760 MiB, 20,804 / 24,564 = 0.847.
   */
  @Test
  void sglangChoosesItsStaticFractionFromTheGpu() {
    // the H100's tier: 8,192-token chunks, 256 graphs; the RTX 4090's: 2,048 and 24
    assertThat(SglangEngineModel.memFractionStatic(81_559 * MIB, 1, 1)).isEqualTo(0.835);
    assertThat(SglangEngineModel.memFractionStatic(24_564 * MIB, 1, 1)).isEqualTo(0.847);
  }

  /**
   * SGLang ~v0.4.3, Qwen/QwQ-32B bf16 on 4× NVIDIA L4 (TP4), {@code mem_fraction_static} 0.85:
   * "Load weight begin. avail mem=21.63 GB", "Load weight end. ... avail mem=6.09 GB, mem
   * usage=15.54 GB", "KV Cache is allocated. #tokens: 46611, K size: 1.42 GB" (an AWS deployment
   * README, code index id 47376055009; SGLang's GB are 2^30). QwQ-32B is Qwen2.5-32B: 64 layers, 40
   * query and 8 KV heads of 128, q/k/v biases, MLP 27,648, vocabulary 152,064, untied; per rank 2
   * KV heads, so 65,536 B per token. SGLang's pool starts from the memory torch reports free: the
   * L4's CUDA-visible 22.15 GiB (the catalog's, derived) less the 1 GiB start-up allowance gives
   * 21.15 GiB free at start against the 21.63 logged; SGLang's weights took 15.54 GiB against the
   * planner's 15.26. The two differences leave the pool 4–5% smaller than SGLang's (it was 6%
   * larger from nvidia-smi's 22.49 GiB).
   */
  @Test
  void sglangQwq32bOnFourL4sWithinSevenPercent() {
    ModelSpec qwq = qwen25_32b();
    Deployment d =
        Deployment.singleGpu()
            .withTensorParallel(4)
            .withEngine(new SglangEngine(OptionalDouble.of(0.85), OptionalLong.empty()))
            .onGpu(GPUS.get("l4"));
    MemoryPlan plan = Planner.of(qwq).plan(TestModels.BF16, Workload.of(32_768, 1), d);
    EnginePlan e = plan.engine().orElseThrow();
    CalibrationLog.printf(
        PooledEngineModelsTest.class,
        "SGLang QwQ-32B 4×L4: %,d tokens (published 46,611, %+.2f%%)%n",
        e.kvCacheTokens(),
        100.0 * (e.kvCacheTokens() - 46_611) / 46_611);
    assertThat((double) e.kvCacheTokens()).isCloseTo(46_611, within(46_611 * 0.07));
    assertThat(e.kvCacheBytes() % 65_536).isZero();
  }

  /**
   * TensorRT-LLM's documented memory log for an H100 ({@code docs/source/reference/memory.md}):
   * "total: 79.10 GiB, available: 70.48 GiB", "Number of blocks in KV cache primary pool: 4060",
   * "Number of tokens per block: 64.", "Allocated 63.44 GiB for max tokens in paged KV cache
   * (259840)": 63.44 GiB / 259,840 tokens = 256 KiB per token. The log does not name its model; a
   * 6,695 MiB engine with 256 KiB of KV per token fits Llama-2-7B with fp8 weights and an fp8 cache
   * (32 layers · 32 KV heads · 128 · 2 · 1 B), which is what this test plans.
   */
  @Test
  void tensorRtLlmPoolIsNinetyPercentOfWhatIsLeft() {
    Precision fp8 = Precision.of(DType.FP8_E4M3, DType.FP8_E4M3);
    Deployment d =
        Deployment.singleGpu()
            .withEngine(new TensorRtLlmEngine(0.9, 64, 8192))
            .withMemoryPerGpu((long) (79.10 * GIB));
    MemoryPlan plan = Planner.of(MODELS.spec("llama-2-7b")).plan(fp8, Workload.of(4096, 1), d);
    EnginePlan e = plan.engine().orElseThrow();
    CalibrationLog.printf(
        PooledEngineModelsTest.class,
        "TensorRT-LLM H100 log: %,d tokens (published 259,840, %+.2f%%)%n",
        e.kvCacheTokens(),
        100.0 * (e.kvCacheTokens() - 259_840) / 259_840);
    assertThat(e.kvCacheTokens() % 64).isZero();
    assertThat((double) e.kvCacheTokens()).isCloseTo(259_840, within(259_840 * 0.03));
    // a 4,096-token request takes 64 blocks
    assertThat(e.maxConcurrency()).isEqualTo(e.kvCacheTokens() / 64.0 / 64.0);
  }

  @Test
  void mlxGrowsTheCacheInStepsOf256Tokens() {
    // Llama-3.1-8B in fp16: 32 layers · 2 · 8 · 128 · 2 B = 131,072 B per token;
    // 1,000 tokens occupy 4 steps = 1,024 tokens
    MemoryPlan plan = mlx("llama-3.1-8b", MlxEngine.defaults(), 1000);
    assertThat(plan.perGpu().kvCacheBytes()).isEqualTo(1024L * 131_072);
  }

  @Test
  void mlxQuantisedCacheStoresBitsPlusScaleAndBiasPerGroup() {
    // 4-bit, group 64: 0.5 + 4/64 = 0.5625 B per element; per token 32 · 2,048 elements = 36,864 B
    MlxEngine e = new MlxEngine(OptionalLong.empty(), OptionalInt.of(4), 64);
    assertThat(mlx("llama-3.1-8b", e, 1024).perGpu().kvCacheBytes()).isEqualTo(1024L * 36_864);
  }

  @Test
  void mlxRotatingCacheStopsAtItsSize() {
    MlxEngine e = new MlxEngine(OptionalLong.of(512), OptionalInt.empty(), 64);
    assertThat(mlx("llama-3.1-8b", e, 100_000).perGpu().kvCacheBytes()).isEqualTo(512L * 131_072);
  }

  @Test
  void mlxWorkingSetIsTheBudget() {
    // M4 Max 128 GB: Metal's recommended working set 96 GiB (103,079,215,104 B)
    MemoryPlan plan = mlx("llama-3.1-8b", MlxEngine.defaults(), 8192);
    EnginePlan e = plan.engine().orElseThrow();
    assertThat(e.memoryLimitBytes()).isEqualTo(103_079_215_104L);
    long free = 103_079_215_104L - plan.perGpu().weightsBytes() - plan.perGpu().activationBytes();
    // the cache grows on demand: the one 8,192-token sequence holds 8,192 tokens
    assertThat(e.kvCacheTokens()).isEqualTo(8192);
    // whole sequences of 8,192 tokens · 131,072 B
    assertThat(e.maxConcurrency()).isEqualTo((double) Math.floorDiv(free, 8192L * 131_072));
  }

  @Test
  @Verifies("FR-PLAN-029")
  void mlxKeepsTheWholeSequenceWhenEveryLayerHasTheSameWindow() {
    // Mistral 7B v0.1: sliding_window 4,096 on all 32 layers and no full layer; mlx-lm loads it
    // with its Llama class, whose make_cache gives full_attention layers (the default layer_types)
    // a plain KVCache. 33,998 tokens grow to 133 steps = 34,048 tokens; per token
    // 32 layers · 2 · 8 KV heads · 128 · 2 B = 131,072 B.
    MemoryPlan plan = mlx("mistral-7b-v0.1", MlxEngine.defaults(), 33_998);
    assertThat(plan.perGpu().kvCacheBytes()).isEqualTo(34_048L * 131_072);
  }

  @Test
  @Verifies("FR-PLAN-029")
  void mlxCapsTheSlidingLayersOfAModelThatAlsoHasFullLayers() {
    // Gemma 3 1B: 26 layers, every sixth full (layers 5, 11, 17, 23), the other 22 with a 512-token
    // window (gemma3_text.make_cache: RotatingKVCache(max_size=sliding_window)); one KV head of
    // 256, fp16: 2 · 256 · 2 B = 1,024 B per token and layer.
    // 8,192 tokens: 4 · 1,024 · 8,192 + 22 · 1,024 · 512 = 33,554,432 + 11,534,336 B.
    MemoryPlan plan = mlx("gemma-3-1b-it", MlxEngine.defaults(), 8192);
    assertThat(plan.perGpu().kvCacheBytes()).isEqualTo(33_554_432L + 11_534_336L);
  }

  private static MemoryPlan mlx(String model, MlxEngine e, long context) {
    Deployment d = Deployment.singleGpu().withEngine(e).onGpu(GPUS.get("apple-m4-max-128gb"));
    return Planner.of(MODELS.spec(model))
        .plan(Precision.of(DType.FP16, DType.FP16), Workload.of(context, 1), d);
  }

  /** Qwen2.5-32B (QwQ-32B's architecture), from its published config.json. */
  private static ModelSpec qwen25_32b() {
    Attention attention =
        new Attention(40, 8, 128, 128, OptionalLong.empty(), true, false, false, false, false);
    LayerSpec layer = new LayerSpec(attention, new DenseMlp(27_648, true, false), 2);
    return new ModelSpec(
        "qwq-32b",
        152_064,
        5120,
        false,
        NormKind.RMS_NORM,
        Collections.nCopies(64, layer),
        OptionalLong.of(131_072),
        TestModels.BF16);
  }
}
