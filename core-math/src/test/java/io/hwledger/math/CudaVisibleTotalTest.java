package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.llamacpp.LlamaCppEngine;
import io.hwledger.math.engine.sglang.SglangEngine;
import io.hwledger.math.engine.trtllm.TensorRtLlmEngine;
import io.hwledger.math.engine.vllm.VllmEngine;
import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.api.Test;

/**
 * Engines that budget from CUDA's total ({@code cudaMemGetInfo}) take the catalog GPU's
 * CUDA-visible total; the others keep nvidia-smi's. The H100 SXM's figures: nvidia-smi 81,559 MiB =
 * 85,520,809,984 B (modal-client#2797); deviceQuery "81079 MBytes (85017755648 bytes)" (CUDA driver
 * 13.0, LandonTClipp's "GPU-based Containers as a Service" post), 479.75 MiB less.
 */
@Verifies("FR-PLAN-020")
class CudaVisibleTotalTest {
  private static final double GIB = 1L << 30;
  private static final long MIB = 1L << 20;
  private static final GpuCatalog GPUS = GpuCatalog.builtIn();
  private static final ModelCatalog MODELS = ModelCatalog.builtIn();
  private static final long H100_SMI = 81_559 * MIB;
  private static final long H100_CUDA = 85_017_755_648L;

  private static MemoryPlan plan(String model, long context, Deployment d) {
    return Planner.of(MODELS.spec(model)).plan(TestModels.BF16, Workload.of(context, 1), d);
  }

  @Test
  void theCatalogCarriesBothTotalsOfTheH100() {
    GpuSpec h100 = GPUS.get("h100-sxm-80gb");
    assertThat(h100.memoryBytes()).isEqualTo(H100_SMI);
    assertThat(h100.cudaTotalBytes()).hasValue(H100_CUDA);
    assertThat(h100.runtimeTotalBytes()).isEqualTo(H100_CUDA);
    // 85,520,809,984 − 85,017,755,648 = 503,054,336 B = 479.75 MiB the driver keeps
    assertThat(h100.memoryBytes() - H100_CUDA).isEqualTo(503_054_336L);
  }

  /**
   * vLLM prints {@code total_gpu_memory × gpu_memory_utilization}: PR #10511's log on an 80 GB GPU
   * reads "total_gpu_memory 79.22GiB", "gpu_memory_utilization 0.90", "the current vLLM instance
   * can use 71.29GiB" (the GPU is not named there; H100 logs show 79.10–79.22 GiB). On the
   * catalog's H100: 85,017,755,648 B (79.18 GiB) · 0.90 = 76,515,980,083 B = 71.26 GiB, where
   * nvidia-smi's total would have given 71.68 GiB.
   */
  @Test
  void vllmTakesCudasTotalTimesUtilisation() {
    Deployment d =
        Deployment.singleGpu().withEngine(VllmEngine.defaults()).onGpu(GPUS.get("h100-sxm-80gb"));
    EnginePlan e = plan("llama-3.1-8b", 8192, d).engine().orElseThrow();
    assertThat(VllmEngine.defaults().gpuMemoryUtilization()).isEqualTo(0.9);
    assertThat(e.memoryLimitBytes()).isEqualTo(76_515_980_083L);
    assertThat(e.memoryLimitBytes() / GIB).isCloseTo(71.29, within(0.05));
    assertThat(e.memoryLimitBytes()).isLessThan((long) Math.floor(H100_SMI * 0.9));
  }

  /**
   * vLLM v0.15.1, Llama-3.1-8B bf16 on one A100-40GB, utilisation 0.9, max_model_len 131,072, 8,192
   * batched tokens: "GPU KV cache size: 157,936 tokens" (github.com/ilseokoh/vllm-gce README). With
   * {@code --gpu a100-sxm-40gb} the planner now starts from the CUDA total deviceQuery prints for
   * an A100-SXM4-40GB, 42,298,834,944 B (bottlerocket-os/bottlerocket#3873): 42,298,834,944 · 0.9 =
   * 38,068,951,449 B, and the cache lands within 2% of the log, as it does from the log's own
   * total.
   */
  @Test
  void onTheCatalogA100TheVllmLogIsReproduced() {
    Deployment d =
        Deployment.singleGpu()
            .withEngine(new VllmEngine(0.9, 16, 8192, 256, 0))
            .onGpu(GPUS.get("a100-sxm-40gb"));
    EnginePlan e = plan("llama-3.1-8b", 131_072, d).engine().orElseThrow();
    assertThat(e.memoryLimitBytes()).isEqualTo(38_068_951_449L);
    assertThat((double) e.kvCacheTokens()).isCloseTo(157_936, within(157_936 * 0.02));
  }

  /**
   * SGLang picks its tier and {@code mem_fraction_static} from nvidia-smi's {@code memory.total}
   * ({@code get_nvgpu_memory_capacity}): 0.835 on an H100 (see {@code PooledEngineModelsTest}), and
   * sizes the pool from the memory torch reports free at start: (85,017,755,648 − 1,073,741,824 of
   * start-up) · 0.835 = 70,093,251,543 B.
   */
  @Test
  void sglangTakesItsFractionFromNvidiaSmiAndItsPoolFromCuda() {
    Deployment d =
        Deployment.singleGpu().withEngine(SglangEngine.defaults()).onGpu(GPUS.get("h100-sxm-80gb"));
    EnginePlan e = plan("llama-3.1-8b", 8192, d).engine().orElseThrow();
    assertThat(e.memoryLimitBytes()).isEqualTo(70_093_251_543L);
  }

  /**
   * TensorRT-LLM's documented H100 log reads "total: 79.10 GiB" (docs/source/reference/memory.md);
   * its budget on the catalog's H100 is CUDA's 79.18 GiB, within 0.1 GiB of it, not nvidia-smi's
   * 79.65.
   */
  @Test
  void tensorRtLlmTakesCudasTotal() {
    Deployment d =
        Deployment.singleGpu()
            .withEngine(TensorRtLlmEngine.defaults())
            .onGpu(GPUS.get("h100-sxm-80gb"));
    EnginePlan e = plan("llama-3.1-8b", 8192, d).engine().orElseThrow();
    assertThat(e.memoryLimitBytes()).isEqualTo(H100_CUDA);
    assertThat(e.memoryLimitBytes() / GIB).isCloseTo(79.10, within(0.1));
  }

  @Test
  void llamaCppAndTheGenericVerdictKeepNvidiaSmisTotal() {
    GpuSpec h100 = GPUS.get("h100-sxm-80gb");
    MemoryPlan generic = plan("llama-3.1-8b", 8192, Deployment.singleGpu().onGpu(h100));
    assertThat(generic.fit().orElseThrow().budgetBytes()).isEqualTo(H100_SMI);
    Deployment llama = Deployment.singleGpu().withEngine(LlamaCppEngine.defaults()).onGpu(h100);
    EnginePlan e = plan("llama-3.1-8b", 8192, llama).engine().orElseThrow();
    assertThat(e.memoryLimitBytes()).isEqualTo(H100_SMI);
  }

  @Test
  void anExplicitBudgetIsTheTotalTheEngineReads() {
    long given = 80L << 30;
    Deployment d =
        Deployment.singleGpu()
            .withEngine(VllmEngine.defaults())
            .onGpu(GPUS.get("h100-sxm-80gb"))
            .withMemoryPerGpu(given);
    EnginePlan e = plan("llama-3.1-8b", 8192, d).engine().orElseThrow();
    // 80 GiB · 0.9 = 72 GiB exactly
    assertThat(e.memoryLimitBytes()).isEqualTo(72L << 30);
  }

  @Test
  void appleGpusHaveNoCudaTotalAndKeepTheWorkingSet() {
    GpuSpec m4 = GPUS.get("apple-m4-max-128gb");
    assertThat(m4.cudaTotalBytes()).isEmpty();
    assertThat(m4.runtimeTotalBytes()).isEqualTo(96L << 30);
  }
}
