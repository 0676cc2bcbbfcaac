package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.SettingValues;
import io.hwledger.math.engine.llamacpp.LlamaCppEngine;
import io.hwledger.math.engine.llamacpp.LlamaCppEngineModel;
import io.hwledger.testsupport.Verifies;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * {@code -ngl 0}: llama.cpp on the CPU alone. Weights, KV cache and the CPU backend's compute
 * buffer are host memory; the GPU holds nothing. Expected figures are llama.cpp's own log lines
 * (MiB = 2^20 bytes) and arithmetic written out.
 */
@Verifies("FR-PLAN-027")
class LlamaCppCpuOnlyTest {
  private static final long MIB = 1L << 20;
  private static final ModelCatalog MODELS = ModelCatalog.builtIn();
  private static final Precision F16 = Precision.of(DType.FP16, DType.FP16);

  private static LlamaCppEngine engine(long nCtx, OptionalInt gpuLayers, boolean flash) {
    return new LlamaCppEngine(
        OptionalLong.of(nCtx), OptionalInt.of(1), gpuLayers, flash, false, 512);
  }

  private static MemoryPlan plan(String model, LlamaCppEngine e, long context) {
    return Planner.of(MODELS.spec(model))
        .plan(F16, Workload.of(context, 1), Deployment.singleGpu().withEngine(e));
  }

  /**
   * Host bytes of the CPU-only plan less what the fully offloaded plan puts in weights (GPU and
   * host) and the KV cache: the CPU compute buffer.
   */
  private static long cpuCompute(String model, long nCtx, boolean flash, long kvBytes) {
    MemoryPlan gpu = plan(model, engine(nCtx, OptionalInt.empty(), flash), nCtx);
    MemoryPlan cpu = plan(model, engine(nCtx, OptionalInt.of(0), flash), nCtx);
    long weights = gpu.perGpu().weightsBytes() + gpu.engine().orElseThrow().hostBytes();
    return cpu.engine().orElseThrow().hostBytes() - weights - kvBytes;
  }

  /**
   * Qwen2.5-7B F16 on a llama.cpp build without GPU support, {@code n_ctx} 128,000, flash attention
   * (llama.cpp issue 15946, https://github.com/ggml-org/llama.cpp/issues/15946): "CPU_Mapped model
   * buffer size = 14526.27 MiB", "CPU KV buffer size = 7000.00 MiB", "CPU compute buffer size =
   * 403.02 MiB", 28 layers, n_ubatch 512. KV: 28 · 4 KV heads · 128 · 2 · 2 B · 128,000 = 7,000
   * MiB, exact. The compute buffer of that build (September 2025) held the KQ mask in F32 and its
   * F16 cast: 250 + 125 + 28 MiB. llama.cpp PR #23764 (merged 2026-05-27) reserves only the F16
   * mask, and llama.cpp of 2026-09-28 on the CPU (the peer, benchmarks/README.md) peaks at the
   * output instead: 512 · (152,064 + 2 · 3,584) · 4 B = 311.0 MiB, above the MLP moment (mask
   * 128,000 · 512 · 2 B = 125 MiB plus 512 · (4 · 3,584 + 3 · 18,944) · 4 B = 139 MiB).
   */
  @Test
  void qwen25_7bOnTheCpuMatchesTheLoggedBuffers() {
    MemoryPlan cpu = plan("qwen2.5-7b", engine(128_000, OptionalInt.of(0), true), 128_000);
    assertThat(cpu.perGpu()).isEqualTo(new MemoryBreakdown(0, 0, 0, 0, 0));
    assertThat(cpu.engine().orElseThrow().kvCacheTokens()).isEqualTo(128_000);
    long compute = cpuCompute("qwen2.5-7b", 128_000, true, 7000 * MIB);
    assertThat(compute).isEqualTo(311 * MIB);
    // All of it host memory: the logged model and KV buffers and today's compute rule, within 0.05
    // %
    double logged = (14526.27 + 7000 + 311) * MIB;
    assertThat((double) cpu.engine().orElseThrow().hostBytes())
        .isCloseTo(logged, within(0.0005 * logged));
  }

  /**
   * A Llama-3-8B-Instruct GGUF on the CPU at 1,024 cells (llama-cpp-python issue 1815,
   * https://github.com/abetlen/llama-cpp-python/issues/1815): "CPU KV buffer size = 128.00 MiB",
   * "CPU compute buffer size = 258.50 MiB", the logits 512 · 128,256 · 4 B and one hidden vector.
   * Short context: the output moment is the peak, with flash attention or without; llama.cpp of
   * 2026-09-28 holds two hidden vectors there (the peer's rows, benchmarks/README.md): 512 ·
   * (128,256 + 2 · 4,096) · 4 B = 266.5 MiB, 3 % above that 2024 log.
   */
  @Test
  void llama3_8bAtShortContextPeaksAtTheLogits() {
    assertThat(cpuCompute("llama-3-8b", 1024, true, 128 * MIB)).isEqualTo(279_445_504L);
    assertThat(cpuCompute("llama-3-8b", 1024, false, 128 * MIB)).isEqualTo(279_445_504L);
    assertThat(279_445_504L).isEqualTo((long) (266.5 * MIB));
  }

  @Test
  void withoutFlashAttentionLongContextsPeakAtTheScores() {
    // llama-3-8b, 32,768 cells: F32 mask 32,768 · 512 · 4 B = 64 MiB, scores of 32 heads 2,048 MiB,
    // 5.5 hidden vectors 512 · 4,096 · 22 B = 44 MiB: 2,156 MiB, above the logits' 266.5 MiB
    assertThat(cpuCompute("llama-3-8b", 32_768, false, 4096 * MIB)).isEqualTo(2156 * MIB);
  }

  @Test
  void nGpuLayersZeroIsAcceptedAndNegativeRefused() {
    LlamaCppEngineModel model = new LlamaCppEngineModel();
    LlamaCppEngine zero =
        model.configure(SettingValues.of(Map.of("n-gpu-layers", "0")), Optional.empty());
    assertThat(zero.gpuLayers()).hasValue(0);
    assertThat(
            model
                .configure(SettingValues.of(Map.of("n-gpu-layers", "33")), Optional.empty())
                .gpuLayers())
        .hasValue(33);
    assertThatThrownBy(
            () -> model.configure(SettingValues.of(Map.of("n-gpu-layers", "-1")), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--n-gpu-layers: '-1' must not be negative");
    assertThatThrownBy(
            () -> model.configure(SettingValues.of(Map.of("n-gpu-layers", "x")), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--n-gpu-layers: 'x' is not a positive whole number");
  }

  @Test
  void cpuOnlyFitsAnyGpuBudget() {
    MemoryPlan plan =
        Planner.of(MODELS.spec("llama-3-8b"))
            .plan(
                F16,
                Workload.of(8192, 1),
                Deployment.singleGpu()
                    .withMemoryPerGpu(1)
                    .withEngine(engine(8192, OptionalInt.of(0), true)));
    assertThat(plan.perGpu().totalBytes()).isZero();
    assertThat(plan.fit().orElseThrow().fits()).isTrue();
  }
}
