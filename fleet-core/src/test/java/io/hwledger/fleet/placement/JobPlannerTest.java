package io.hwledger.fleet.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.ledger.events.PlanComputed;
import io.hwledger.testsupport.Verifies;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

@Verifies("FR-FLEET-010")
class JobPlannerTest {
  /** nvidia-smi's total for "NVIDIA H100 80GB HBM3": 81,559 MiB (the GPU catalog's h100 note). */
  private static final long H100_TOTAL = 81_559L << 20;

  /** nvidia-smi's total for "NVIDIA A100-SXM4-80GB": 81,920 MiB = 80 GiB. */
  private static final long A100_TOTAL = 81_920L << 20;

  private static final GpuKind H100 =
      new GpuKind("nvidia", "NVIDIA H100 80GB HBM3", H100_TOTAL, false);
  private static final GpuKind A100 =
      new GpuKind("nvidia", "NVIDIA A100-SXM4-80GB", A100_TOTAL, false);

  private final JobPlanner planner = JobPlanner.builtIn();

  private static JobSpec job(
      String model,
      @Nullable String modelPath,
      String engine,
      Map<String, String> settings,
      int context,
      int users,
      @Nullable String weights,
      @Nullable String kvCache,
      int tp) {
    return new JobSpec(
        Protocol.VERSION,
        model,
        null,
        null,
        modelPath,
        engine,
        settings,
        context,
        users,
        weights,
        kvCache,
        tp,
        null);
  }

  private static JobSpec job(String model, String engine, Map<String, String> settings) {
    return job(model, null, engine, settings, 8192, 1, null, null, 1);
  }

  /**
   * vLLM takes {@code gpu_memory_utilization} of the CUDA-visible total ({@code cudaMemGetInfo}),
   * which the catalog gives for a reported H100 SXM: 81,079 MiB = 85,017,755,648 B (deviceQuery on
   * an H100 80GB HBM3), not nvidia-smi's 81,559 MiB the agent reports.
   */
  @Test
  @Verifies({"FR-FLEET-010", "FR-FLEET-047"})
  void aVllmClaimIsTheCudaVisibleTotalTimesGpuMemoryUtilization() {
    assertThat(H100_TOTAL).isEqualTo(85_520_809_984L);
    JobPlan plan = planner.plan(job("llama-3.1-8b", "vllm", Map.of()), H100);
    // vLLM's default 0.9 × 85,017,755,648 B = 76,515,980,083.2 B, floored
    assertThat(plan.claimBytes()).isEqualTo(76_515_980_083L);
    assertThat(plan.budgetBytes()).isEqualTo(76_515_980_083L);
    assertThat(plan.fits()).isTrue();
    assertThat(plan.gpuSpec().id()).isEqualTo("h100-sxm-80gb");
    assertThat(plan.gpuSpec().memoryBytes()).isEqualTo(H100_TOTAL);
    assertThat(plan.gpuSpec().cudaTotalBytes()).hasValue(85_017_755_648L);
    assertThat(plan.notes()).isEmpty();

    JobPlan lower =
        planner.plan(job("llama-3.1-8b", "vllm", Map.of("gpu-memory-utilization", "0.85")), H100);
    // 0.85 × 85,017,755,648 B = 72,265,092,300.8 B, floored
    assertThat(lower.claimBytes()).isEqualTo(72_265_092_300L);
    assertThat(lower.inputsHash()).isNotEqualTo(plan.inputsHash());
  }

  @Test
  void aVllmLaunchCommandServesTheCatalogRepository() {
    JobPlan plan =
        planner.plan(job("llama-3.1-8b", null, "vllm", Map.of(), 8192, 4, null, null, 2), H100);
    assertThat(plan.gpuCount()).isEqualTo(2);
    assertThat(plan.launchCommand())
        .get()
        .satisfies(
            argv ->
                assertThat(argv)
                    .startsWith("vllm", "serve", "meta-llama/Llama-3.1-8B")
                    .containsSubsequence("--max-model-len", "8192")
                    .containsSubsequence("--max-num-seqs", "4")
                    .containsSubsequence("--tensor-parallel-size", "2")
                    .containsSubsequence("--gpu-memory-utilization", "0.9"));
  }

  @Test
  void aGenericClaimIsThePlansBytesPerGpu() {
    JobPlan plan = planner.plan(job("llama-3.1-8b", "generic", Map.of()), A100);
    // Llama 3.1 8B in bf16, 8,192 tokens, one sequence, one GPU:
    //   weights  8,030,261,248 parameters × 2 B          = 16,060,522,496 (vLLM: "14.96 GiB")
    //   KV cache 2 × 32 layers × 8 heads × 128 × 2 B × 8,192 = 1,073,741,824
    //   activations: a 2,048-token prefill chunk × (2 × 4,096 hidden + 3 × 14,336 gated MLP)
    //                × 2 B                                 = 209,715,200
    //   logits   one token × 128,256 vocabulary × 4 B       = 513,024
    //   runtime overhead                                   = 1,073,741,824 (1 GiB)
    long expected = 16_060_522_496L + 1_073_741_824L + 209_715_200L + 513_024L + 1_073_741_824L;
    assertThat(expected).isEqualTo(18_418_234_368L);
    assertThat(plan.claimBytes()).isEqualTo(expected);
    assertThat(plan.neededBytes()).isEqualTo(expected);
    assertThat(plan.budgetBytes()).isEqualTo(A100_TOTAL);
    assertThat(plan.gpuSpec().id()).isEqualTo("a100-sxm-80gb");
    assertThat(plan.launchCommand()).isEmpty();
    assertThat(plan.notes())
        .singleElement()
        .asString()
        .startsWith("the generic engine has no launch command");
  }

  /**
   * A job's {@code weights} takes llama.cpp file types as {@code plan --weights} does: Llama 3.1 8B
   * in Q4_K_M holds 4,912,898,048 bytes of tensors (bartowski's
   * Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf, 4,920,739,232 bytes, less its 7,841,184-byte header;
   * see core-math's LlamaCppQuantizationTest), not 8,030,261,248 parameters in Q4_K throughout. The
   * rest is the generic plan above: KV 1,073,741,824, activations 209,715,200, logits 513,024 and 1
   * GiB of runtime.
   */
  @Test
  @Verifies("FR-PLAN-022")
  void aLlamaCppFileTypePlansTheFilesTensorBytes() {
    JobPlan plan =
        planner.plan(
            job("llama-3.1-8b", null, "generic", Map.of(), 8192, 1, "Q4_K_M", null, 1), A100);
    assertThat(plan.claimBytes())
        .isEqualTo(4_912_898_048L + 1_073_741_824L + 209_715_200L + 513_024L + 1_073_741_824L);
    assertThatThrownBy(
            () ->
                planner.plan(
                    job("llama-3.1-8b", null, "generic", Map.of(), 8192, 1, "NVFP4", null, 1),
                    A100))
        .hasMessage("weights: llama.cpp file type NVFP4 cannot be planned: no block size");
  }

  /**
   * A job says its file type was quantised with an importance matrix ({@code imatrix}), as {@code
   * plan --imatrix} does, and is planned with the choices llama.cpp makes with one: bartowski's
   * Meta-Llama-3.1-8B-Instruct-IQ4_XS.gguf (imatrix) is 4,447,667,616 bytes, its tensors that less
   * the 7,841,184-byte header its Q4_K_M shares, 4,439,826,432 bytes. Without one llama.cpp keeps
   * the first eighth of ffn_down (4 of 32 layers of 14,336 x 4,096) in Q5_K (176 bytes per 256)
   * instead of IQ4_XS (136): 4 x 14,336 x 4,096 x 40 / 256 = 36,700,160 bytes (0.8 %) more. The
   * rest of the claim is the generic plan of the Q4_K_M job above.
   */
  @Test
  @Verifies("FR-PLAN-022")
  void anImatrixJobPlansTheImatrixMix() throws Exception {
    long rest = 1_073_741_824L + 209_715_200L + 513_024L + 1_073_741_824L;
    JobPlan with = planner.plan(imatrixJob("IQ4_XS", true), A100);
    JobPlan without = planner.plan(imatrixJob("IQ4_XS", false), A100);
    assertThat(with.claimBytes()).isEqualTo(4_447_667_616L - 7_841_184L + rest);
    assertThat(without.claimBytes() - with.claimBytes()).isEqualTo(36_700_160L);
    // the ledger's event records which mix was planned
    JsonNode inputs = new ObjectMapper().readTree(with.planComputed().inputs());
    assertThat(inputs.at("/precision/llamaCppFileType").asText()).isEqualTo("IQ4_XS");
    assertThat(inputs.at("/precision/imatrix").asBoolean()).isTrue();
    assertThat(with.inputsHash()).isNotEqualTo(without.inputsHash());
    // a format is no file type: there is nothing to quantise with an importance matrix
    assertThatThrownBy(() -> planner.plan(imatrixJob("bf16", true), A100))
        .hasMessage("imatrix applies to a llama.cpp file type: weights 'bf16' is a format");
  }

  private static JobSpec imatrixJob(String weights, boolean imatrix) {
    return new JobSpec(
        Protocol.VERSION,
        "llama-3.1-8b",
        null,
        null,
        null,
        "generic",
        Map.of(),
        8192,
        1,
        weights,
        null,
        1,
        null,
        imatrix);
  }

  @Test
  void aLlamaCppJobRunsItsGgufFile() {
    JobSpec spec =
        job(
            "llama-3.1-8b",
            "/models/Llama-3.1-8B-Q4_K_M.gguf",
            "llama.cpp",
            Map.of(),
            8192,
            2,
            "q4_k",
            "q8_0",
            1);
    JobPlan plan =
        planner.plan(spec, new GpuKind("nvidia", "NVIDIA GeForce RTX 4090", 24_564L << 20, false));
    assertThat(plan.engine()).isEqualTo("llamacpp");
    assertThat(plan.gpuSpec().id()).isEqualTo("rtx-4090");
    // llama-server: -c is 8,192 tokens × 2 slots, -ngl all 32 layers and the output layer,
    // a quantised V cache needs flash attention on
    assertThat(plan.launchCommand())
        .contains(
            List.of(
                "llama-server",
                "-m",
                "/models/Llama-3.1-8B-Q4_K_M.gguf",
                "-c",
                "16384",
                "-np",
                "2",
                "-ngl",
                "33",
                "-ctk",
                "q8_0",
                "-ctv",
                "q8_0",
                "-fa",
                "on"));
    assertThat(plan.claimBytes()).isEqualTo(plan.neededBytes());

    assertThatThrownBy(() -> planner.plan(job("llama-3.1-8b", "llama.cpp", Map.of()), H100))
        .hasMessage(
            "llama.cpp runs GGUF files: modelFile or modelPath must be the .gguf file on the"
                + " agent's host");
  }

  @Test
  void reportedNvmlNamesFindTheirCatalogGpu() {
    assertThat(planner.plan(job("llama-3.1-8b", "generic", Map.of()), H100).gpuSpec().id())
        .isEqualTo("h100-sxm-80gb");
    // NVIDIA/DCGM#232: nvidia-smi prints "NVIDIA A10G ... 8722MiB / 23028MiB"
    GpuKind a10g = new GpuKind("nvidia", "NVIDIA A10G", 23_028L << 20, false);
    assertThat(planner.plan(job("llama-3.1-8b", "generic", Map.of()), a10g).gpuSpec().id())
        .isEqualTo("a10g");
    // dexmal/dexbotic#41: nvidia-smi prints "NVIDIA A800-SXM4-80GB ... 34447MiB / 81920MiB"
    GpuKind a800 = new GpuKind("nvidia", "NVIDIA A800-SXM4-80GB", 81_920L << 20, false);
    JobPlan unknown = planner.plan(job("llama-3.1-8b", "vllm", Map.of()), a800);
    assertThat(unknown.gpuSpec().memoryBytes()).isEqualTo(81_920L << 20);
    assertThat(unknown.gpuSpec().cudaTotalBytes()).isEmpty();
    // no catalog row, no CUDA figure: vLLM's 0.9 × the reported 85,899,345,920 B, exactly
    assertThat(unknown.claimBytes()).isEqualTo(77_309_411_328L);
    assertThat(unknown.notes())
        .contains(
            "GPU 'NVIDIA A800-SXM4-80GB' is not in the GPU catalog: planned with its reported total"
                + " of 85899345920 bytes");
  }

  @Test
  @Verifies({"FR-FLEET-010", "FR-FLEET-047"})
  void aReportedTotalOverridesTheCatalogsLessTheCatalogsReservation() {
    // the catalog lists the H100 PCIe at 80 GiB; a driver may report 81,559 MiB
    GpuKind pcie = new GpuKind("nvidia", "NVIDIA H100 PCIe", H100_TOTAL, false);
    JobPlan plan = planner.plan(job("llama-3.1-8b", "vllm", Map.of()), pcie);
    assertThat(plan.gpuSpec().id()).isEqualTo("h100-pcie-80gb");
    // the catalog's reservation: 85,899,345,920 − 85,396,029,440 = 503,316,480 B (480 MiB);
    // CUDA total 85,520,809,984 − 503,316,480 = 85,017,493,504 B;
    // vLLM 0.9 × 85,017,493,504 = 76,515,744,153.6 B, floored
    assertThat(plan.gpuSpec().cudaTotalBytes()).hasValue(85_017_493_504L);
    assertThat(plan.claimBytes()).isEqualTo(76_515_744_153L);
    assertThat(plan.notes())
        .containsExactly(
            "GPU 'NVIDIA H100 PCIe' reports 85520809984 bytes, the catalog's h100-pcie-80gb lists"
                + " 85899345920: planned with the reported total (85017493504 bytes to CUDA, less"
                + " the catalog's reservation)");
  }

  /**
   * A generic job is the plan's bytes against nvidia-smi's total: the CUDA total does not move it.
   */
  @Test
  @Verifies({"FR-FLEET-010", "FR-FLEET-047"})
  void aGenericBudgetStaysOnTheReportedTotal() {
    JobPlan plan = planner.plan(job("llama-3.1-8b", "generic", Map.of()), H100);
    assertThat(plan.budgetBytes()).isEqualTo(H100_TOTAL);
  }

  @Test
  void thePlanComputedEventHashesTheCanonicalInputs() throws Exception {
    JobPlan plan =
        planner.plan(
            job("llama-3.1-8b", null, "vllm", Map.of("block-size", "32"), 4096, 3, null, "fp8", 2),
            H100);
    PlanComputed event = plan.planComputed();
    assertThat(event.model()).isEqualTo("llama-3.1-8b");
    assertThat(event.inputsHash()).isEqualTo(plan.inputsHash()).hasSize(64);
    assertThat(event.fits()).contains(plan.fits());
    assertThat(event.perGpuBytes()).isEqualTo(plan.neededBytes());
    JsonNode inputs = new ObjectMapper().readTree(event.inputs());
    assertThat(inputs.at("/modelSource").asText()).isEqualTo("catalog");
    assertThat(inputs.at("/workload/contextTokens").asLong()).isEqualTo(4096);
    assertThat(inputs.at("/workload/users").asLong()).isEqualTo(3);
    assertThat(inputs.at("/precision/keyCache").asText()).isEqualTo("fp8_e4m3");
    assertThat(inputs.at("/deployment/tensorParallel").asInt()).isEqualTo(2);
    assertThat(inputs.at("/deployment/gpu").asText()).isEqualTo("h100-sxm-80gb");
    assertThat(inputs.at("/deployment/gpuProductName").asText()).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(inputs.at("/deployment/memoryPerGpuBytes").asLong()).isEqualTo(H100_TOTAL);
    assertThat(inputs.at("/engine/name").asText()).isEqualTo("vllm");
    assertThat(inputs.at("/engine/settings/block-size").asText()).isEqualTo("32");
    // the event is valid as recorded: the ledger's own check of the hash passes
    assertThat(
            new PlanComputed(
                event.model(),
                event.inputsHash(),
                event.totalBytes(),
                event.perGpuBytes(),
                event.fits(),
                event.inputs()))
        .isEqualTo(event);
  }

  @Test
  void aConfigJobIsPlannedFromItsText() {
    // a tiny dense model: 2 layers, hidden 64, 4 heads of 16, 2 KV heads, MLP 128, vocab 1000
    String config =
        "{\"architectures\":[\"LlamaForCausalLM\"],\"model_type\":\"llama\",\"hidden_size\":64,"
            + "\"intermediate_size\":128,\"num_hidden_layers\":2,\"num_attention_heads\":4,"
            + "\"num_key_value_heads\":2,\"vocab_size\":1000,\"max_position_embeddings\":2048,"
            + "\"rms_norm_eps\":1e-5,\"tie_word_embeddings\":false,\"torch_dtype\":\"bfloat16\"}";
    JobSpec spec =
        new JobSpec(
            Protocol.VERSION,
            null,
            config,
            null,
            "/models/tiny",
            "vllm",
            Map.of(),
            1024,
            1,
            null,
            null,
            1,
            null);
    JobPlan plan = planner.plan(spec, H100);
    assertThat(plan.planComputed().model()).isEqualTo("/models/tiny");
    assertThat(plan.launchCommand())
        .get()
        .satisfies(argv -> assertThat(argv).startsWith("vllm", "serve", "/models/tiny"));

    JobSpec noPath =
        new JobSpec(
            Protocol.VERSION,
            null,
            config,
            null,
            null,
            "vllm",
            Map.of(),
            1024,
            1,
            null,
            null,
            1,
            null);
    assertThatThrownBy(() -> planner.plan(noPath, H100))
        .hasMessage(
            "modelPath is missing: a job given by its config.json must say what the engine loads");
  }

  @Test
  void aJobThatCannotBePlannedIsOneLineNamingTheProblem() {
    assertThatThrownBy(() -> planner.plan(job("no-such-model", "vllm", Map.of()), H100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown model 'no-such-model' (known: ")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> planner.plan(job("llama-3.1-8b", "vlm", Map.of()), H100))
        .hasMessageStartingWith("unknown engine 'vlm' (known: generic, vllm")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(
            () ->
                planner.plan(
                    job("llama-3.1-8b", "vllm", Map.of("gpu-memory-utilization", "1.5")), H100))
        .hasMessageContaining("gpu-memory-utilization")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(
            () -> planner.plan(job("llama-3.1-8b", "vllm", Map.of("n-gpu-layers", "10")), H100))
        .hasMessage(
            "engine vllm has no setting 'n-gpu-layers' (its settings: gpu-memory-utilization,"
                + " block-size, max-num-batched-tokens, max-num-seqs, cuda-graph-memory)");
    assertThatThrownBy(
            () ->
                planner.plan(
                    job("llama-3.1-8b", null, "vllm", Map.of(), 8192, 1, "int5", null, 1), H100))
        .hasMessageStartingWith("weights: unknown dtype 'int5'");
    // Llama 3.1 8B has 32 query heads and 8 KV heads: 3 divides neither
    assertThatThrownBy(
            () ->
                planner.plan(
                    job("llama-3.1-8b", null, "vllm", Map.of(), 8192, 1, null, null, 3), H100))
        .hasMessage(
            "tensorParallel 3 cannot split llama-3.1-8b: layer 0 has 32 query heads and 8 KV heads"
                + " (TP must divide the query heads and divide or be a multiple of the KV heads)");
    JobSpec badConfig =
        new JobSpec(
            Protocol.VERSION,
            null,
            "{\"model_type\": \"llama\"}",
            null,
            "/m",
            "vllm",
            Map.of(),
            1024,
            1,
            null,
            null,
            1,
            null);
    assertThatThrownBy(() -> planner.plan(badConfig, H100))
        .hasMessageStartingWith("config: ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void plansAndErrorsAreCachedPerJobAndGpuKind() {
    JobSpec spec = job("llama-3.1-8b", "vllm", Map.of());
    JobPlan first = planner.plan(spec, H100);
    assertThat(planner.plan(job("llama-3.1-8b", "vllm", Map.of()), H100)).isSameAs(first);
    assertThat(planner.plan(spec, A100)).isNotSameAs(first);
    GpuKind otherTotal = new GpuKind("nvidia", "NVIDIA H100 80GB HBM3", 80L << 30, false);
    // 80 GiB less the H100 SXM's reservation (85,520,809,984 − 85,017,755,648 = 503,054,336 B)
    // = 85,396,291,584 B to CUDA; 0.9 × that = 76,856,662,425.6 B, floored
    assertThat(planner.plan(spec, otherTotal).claimBytes()).isEqualTo(76_856_662_425L);
  }

  @Test
  void theCacheKeepsTheMostRecentlyUsedPlans() {
    JobPlanner small = JobPlanner.builtIn(2);
    JobSpec spec = job("llama-3.1-8b", "generic", Map.of());
    GpuKind l4 = new GpuKind("nvidia", "NVIDIA L4", 23_034L << 20, false);
    JobPlan onH100 = small.plan(spec, H100);
    JobPlan onA100 = small.plan(spec, A100);
    assertThat(small.plan(spec, H100)).isSameAs(onH100); // H100 is now the most recent
    small.plan(spec, l4); // evicts A100's plan
    assertThat(small.plan(spec, H100)).isSameAs(onH100);
    JobPlan again = small.plan(spec, A100);
    assertThat(again).isNotSameAs(onA100);
    assertThat(again.inputsHash()).isEqualTo(onA100.inputsHash());
    assertThat(again.claimBytes()).isEqualTo(onA100.claimBytes());
    assertThatThrownBy(() -> JobPlanner.builtIn(0)).hasMessage("capacity must be positive, was 0");
  }

  @Test
  void placingARealJobComparesItsVllmClaimWithEachGpu() {
    // vLLM claims 76,515,980,083 B per H100 (0.9 × the CUDA total). GPU 0 has 10 GiB claimed
    // already: 85,520,809,984 − 10,737,418,240 = 74,783,391,744 allocatable, too little; GPU 1 is
    // idle.
    GpuState busy =
        new GpuState(
            "GPU-0",
            0,
            "nvidia",
            "NVIDIA H100 80GB HBM3",
            H100_TOTAL,
            10L << 30,
            0,
            java.util.Optional.of(new MeasuredFree(H100_TOTAL - (10L << 30), Plans.NOW)),
            true,
            false);
    GpuState idle =
        new GpuState(
            "GPU-1",
            1,
            "nvidia",
            "NVIDIA H100 80GB HBM3",
            H100_TOTAL,
            0,
            0,
            java.util.Optional.of(new MeasuredFree(H100_TOTAL - (512L << 20), Plans.NOW)),
            true,
            false);
    Decision d =
        Placer.withFreshness(Placer.DEFAULT_FRESHNESS)
            .place(
                job("llama-3.1-8b", "vllm", Map.of()),
                planner,
                List.of(Plans.agent("a", busy, idle)),
                Plans.NOW);
    assertThat(d).isInstanceOf(Placement.class);
    Placement p = (Placement) d;
    assertThat(p.indexes()).containsExactly(1);
    assertThat(p.gpus().get(0).claimBytes()).isEqualTo(76_515_980_083L);
    assertThat(p.plan().engine()).isEqualTo("vllm");
  }

  /**
   * An A10G with 2,560 MiB already claimed takes a vLLM job because the claim is budgeted from the
   * CUDA-visible total: 0.9 × 22,721 MiB (23,824,695,296 B, the catalog's GA102 rule) =
   * 21,442,225,766 B fits the 24,146,608,128 − 2,684,354,560 = 21,462,253,568 B left, where 0.9 ×
   * nvidia-smi's 24,146,608,128 B = 21,731,947,315 B would not.
   */
  @Test
  @Verifies("FR-FLEET-047")
  void placementBudgetsACatalogGpuFromItsCudaVisibleTotal() {
    long total = 23_028L << 20; // NVIDIA/DCGM#232: "8722MiB / 23028MiB" on an NVIDIA A10G
    long claimed = 2_560L << 20;
    assertThat(total - claimed).isEqualTo(21_462_253_568L);
    GpuState busy =
        new GpuState(
            "GPU-0",
            0,
            "nvidia",
            "NVIDIA A10G",
            total,
            claimed,
            0,
            java.util.Optional.of(new MeasuredFree(total - claimed, Plans.NOW)),
            true,
            false);
    JobSpec spec = job("llama-3.1-8b", null, "vllm", Map.of(), 2048, 1, null, null, 1);
    Decision d =
        Placer.withFreshness(Placer.DEFAULT_FRESHNESS)
            .place(spec, planner, List.of(Plans.agent("a", busy)), Plans.NOW);
    assertThat(d).isInstanceOf(Placement.class);
    Placement p = (Placement) d;
    assertThat(p.plan().gpuSpec().id()).isEqualTo("a10g");
    assertThat(p.plan().gpuSpec().cudaTotalBytes()).hasValue(23_824_695_296L);
    // 0.9 × 23,824,695,296 = 21,442,225,766.4 B, floored
    assertThat(p.gpus().get(0).claimBytes()).isEqualTo(21_442_225_766L);
    assertThat(p.gpus().get(0).claimBytes()).isLessThanOrEqualTo(total - claimed);
    assertThat((long) Math.floor(0.9 * total))
        .isEqualTo(21_731_947_315L)
        .isGreaterThan(total - claimed);
  }
}
