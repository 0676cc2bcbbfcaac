package io.hwledger.math.engine.sglang;

import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.Fit;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineResult;
import io.hwledger.math.engine.EngineSetting;
import io.hwledger.math.engine.LaunchArgs;
import io.hwledger.math.engine.LaunchRequest;
import io.hwledger.math.engine.ParallelRules;
import io.hwledger.math.engine.PlanInput;
import io.hwledger.math.engine.SettingValues;
import io.hwledger.math.engine.StageInput;
import io.hwledger.math.engine.generic.GenericEngineModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SGLang's memory accounting ({@code python/sglang/srt/server_args.py} {@code
 * _handle_gpu_memory_settings}; {@code model_executor/model_runner.py} {@code
 * profile_max_num_token}).
 *
 * <ul>
 *   <li>{@code mem_fraction_static} (weights plus KV pool over the GPU's memory) defaults to {@code
 *       round((capacity − reserved) / capacity, 3)} with capacity in MiB and {@code reserved = 512
 *       + max(chunked_prefill_size, 2048) · 1.5 + cuda_graph_max_bs · 2 + TP · PP / 8 · 1024} MiB,
 *       at least 10,240 MiB on GPUs over 60 GiB; {@code chunked_prefill_size} and {@code
 *       cuda_graph_max_bs} follow the GPU's memory tier ({@link #memFractionStatic}).
 *   <li>The capacity that picks the tier and the default fraction is nvidia-smi's {@code
 *       memory.total} ({@code get_nvgpu_memory_capacity} in {@code srt/utils.py}): the deployment's
 *       budget, {@link GpuSpec#memoryBytes()} on a catalog GPU.
 *   <li>The KV pool is {@code free_after_weights − free_at_start · (1 − mem_fraction_static)},
 *       where {@code free_at_start} is what {@code torch.cuda.mem_get_info} reports free before the
 *       weights load: the CUDA-visible total ({@link PlanInput#runtimeTotalBytes()}) less {@link
 *       GenericEngineModel#RUNTIME_OVERHEAD_BYTES} of CUDA context and NCCL buffers. It holds
 *       {@code pool / Σ per-token K and V bytes} tokens (page size 1).
 *   <li>Activations: one chunk of {@code chunked_prefill_size} tokens.
 * </ul>
 *
 * <p>Launch: {@code python3 -m sglang.launch_server}, {@code --kv-cache-dtype} auto, bf16, fp8_e4m3
 * or fp8_e5m2.
 */
public final class SglangEngineModel implements EngineModel<SglangEngine> {
  private static final long MIB = 1L << 20;

  private static final Map<String, String> CACHE_FORMATS =
      Map.of("bf16", "bf16", "fp8_e4m3", "fp8_e4m3", "fp8_e5m2", "fp8_e5m2");

  /** The provider constructor. */
  public SglangEngineModel() {}

  @Override
  public String id() {
    return SglangEngine.ID;
  }

  @Override
  public String description() {
    return "SGLang launch_server (server_args of 2025)";
  }

  @Override
  public Class<SglangEngine> settingsType() {
    return SglangEngine.class;
  }

  @Override
  public List<EngineSetting> settings() {
    return List.of(
        EngineSetting.value(
            "mem-fraction-static",
            "F",
            "fraction for weights and KV pool (default: SGLang's choice)."),
        EngineSetting.value(
            "chunked-prefill-size",
            "N",
            "prefill chunk (default: SGLang's choice by GPU memory)."));
  }

  @Override
  public SglangEngine defaults() {
    return SglangEngine.defaults();
  }

  @Override
  public SglangEngine configure(SettingValues v, Optional<GpuSpec> gpu) {
    return new SglangEngine(
        v.fraction("mem-fraction-static"), v.count("chunked-prefill-size", Integer.MAX_VALUE));
  }

  /**
   * SGLang's {@code mem_fraction_static} for a GPU of {@code capacityBytes} in a deployment of
   * {@code tensorParallel × pipelineParallel} GPUs, from its {@code _handle_gpu_memory_settings}:
   * {@code round((capacity − reserved) / capacity, 3)}, capacity in MiB, with {@code
   * chunked_prefill_size} and {@code cuda_graph_max_bs} by the GPU's memory tier.
   *
   * @param capacityBytes one GPU's memory, bytes
   * @param tensorParallel TP degree
   * @param pipelineParallel PP degree
   * @return the fraction, rounded to three decimals
   * @throws IllegalArgumentException if an argument is not positive
   */
  public static double memFractionStatic(
      long capacityBytes, int tensorParallel, int pipelineParallel) {
    if (capacityBytes <= 0 || tensorParallel <= 0 || pipelineParallel <= 0) {
      throw new IllegalArgumentException(
          "capacityBytes, tensorParallel and pipelineParallel must be positive");
    }
    Tier tier = Tier.of(capacityBytes, tensorParallel);
    return defaultFraction(
        capacityBytes,
        tier.chunk,
        tier.cudaGraphMaxBs,
        Math.multiplyExact(tensorParallel, pipelineParallel));
  }

  /**
   * {@inheritDoc} The attention heads must divide by TP, KV heads be split or replicated evenly,
   * the vocabulary padded to 64 split over the ranks (SGLang's {@code VocabParallelEmbedding} is
   * vLLM's), and a block-FP8 checkpoint's MLP and expert shards be whole blocks ({@link
   * ParallelRules}): SGLang's {@code Fp8LinearMethod.validate_block_quant_shapes} and {@code
   * Fp8MoEMethod.create_fp8_moe_weight_} raise vLLM's messages word for word
   * (python/sglang/srt/layers/quantization/fp8.py at 00563d368df9673403eacead4adf45ef77ef0ca9; the
   * MoE check is skipped only on ROCm with aiter's 128 padding, which this plan does not model).
   */
  @Override
  public void validate(ModelSpec model, Deployment deployment, SglangEngine engine) {
    ParallelRules.attentionHeadsDivisible(id(), model, deployment.tensorParallel());
    ParallelRules.kvHeadsSplitOrReplicated(id(), model, deployment.tensorParallel());
    ParallelRules.paddedVocabularyDivisible(id(), model, deployment.tensorParallel());
    ParallelRules.blockQuantizedShardsWhole(id(), model, deployment.tensorParallel());
  }

  @Override
  public EngineResult plan(PlanInput in, SglangEngine e) {
    Deployment d = in.deployment();
    Workload w = in.workload();
    long capacity = d.memoryPerGpuBytes().orElse(0);
    Tier tier = Tier.of(capacity, d.tensorParallel());
    long chunk = e.chunkedPrefillSize().orElse(tier.chunk);
    List<StageInput> loads = in.stages();
    MemoryBreakdown[] held = new MemoryBreakdown[loads.size()];
    for (int s = 0; s < held.length; s++) {
      StageInput load = loads.get(s);
      long activation = load.forwardActivationBytes(chunk);
      if (load.last()) {
        activation = Math.addExact(activation, in.logitBytes(w.sequences()));
      }
      held[s] =
          load.holding(
              load.kvBytesPerSequence(w.contextTokens()),
              w.sequences(),
              activation,
              GenericEngineModel.RUNTIME_OVERHEAD_BYTES);
    }
    List<MemoryBreakdown> stages = List.of(held);
    if (capacity == 0) {
      return new EngineResult(stages, Optional.empty(), Optional.empty());
    }
    double fraction =
        e.memFractionStatic()
            .orElse(defaultFraction(capacity, chunk, tier.cudaGraphMaxBs, d.gpuCount()));
    long freeAtStart =
        in.runtimeTotalBytes().orElse(capacity) - GenericEngineModel.RUNTIME_OVERHEAD_BYTES;
    long staticLimit = (long) Math.floor(freeAtStart * fraction);
    long tokens = Long.MAX_VALUE;
    double concurrency = Double.MAX_VALUE;
    long poolBytes = 0;
    long headroom = Long.MAX_VALUE;
    for (int s = 0; s < stages.size(); s++) {
      StageInput load = loads.get(s);
      MemoryBreakdown stage = stages.get(s);
      long pool = staticLimit - stage.weightsBytes();
      headroom = Math.min(headroom, pool - stage.kvCacheBytes() - stage.stateBytes());
      long perToken = load.allKvBytesPerToken();
      long request =
          Math.addExact(load.kvBytesPerSequence(w.contextTokens()), load.stateBytesPerSequence());
      concurrency = Math.min(concurrency, pool <= 0 || request == 0 ? 0 : (double) pool / request);
      long stageTokens = perToken == 0 ? 0 : Math.max(0, pool / perToken);
      if (stageTokens < tokens) {
        tokens = stageTokens;
        poolBytes = Math.multiplyExact(stageTokens, perToken);
      }
    }
    EnginePlan engine =
        new EnginePlan(SglangEngine.ID, staticLimit, poolBytes, tokens, concurrency, 0);
    return new EngineResult(
        stages, Optional.of(new Fit(staticLimit, headroom)), Optional.of(engine));
  }

  /** SGLang's {@code mem_fraction_static} when the user sets none. */
  static double defaultFraction(long capacityBytes, long chunk, long cudaGraphMaxBs, int gpus) {
    double capacity = (double) capacityBytes / MIB;
    double reserved = 512 + Math.max(chunk, 2048) * 1.5 + cudaGraphMaxBs * 2 + gpus / 8.0 * 1024;
    if (capacity > 60 * 1024) {
      reserved = Math.max(reserved, 10 * 1024);
    }
    return Math.round((capacity - reserved) / capacity * 1000) / 1000.0;
  }

  /** {@code chunked_prefill_size} and {@code cuda_graph_max_bs} by the GPU's memory. */
  static final class Tier {
    final long chunk;
    final long cudaGraphMaxBs;

    private Tier(long chunk, long cudaGraphMaxBs) {
      this.chunk = chunk;
      this.cudaGraphMaxBs = cudaGraphMaxBs;
    }

    static Tier of(long capacityBytes, int tp) {
      long gib = capacityBytes >> 30;
      boolean wide = tp >= 4;
      if (capacityBytes == 0) {
        return new Tier(4096, 160);
      }
      if (gib < 20) {
        return new Tier(2048, 8);
      }
      if (gib < 35) {
        return new Tier(2048, wide ? 80 : 24);
      }
      if (gib < 60) {
        return new Tier(4096, wide ? 160 : 32);
      }
      if (gib < 160) {
        return new Tier(8192, wide ? 512 : 256);
      }
      return new Tier(16384, 512);
    }
  }

  @Override
  public List<String> launch(LaunchRequest r, SglangEngine e) {
    Deployment d = r.deployment();
    LaunchArgs args =
        LaunchArgs.of(
            r, "python3", "-m", "sglang.launch_server", "--model-path", r.modelArgument());
    args.add("--context-length", r.workload().contextTokens());
    args.add("--max-running-requests", r.workload().sequences());
    args.parallelism("--tp-size", "--pp-size");
    if (e.memFractionStatic().isPresent()) {
      args.add("--mem-fraction-static", e.memFractionStatic().getAsDouble());
    } else if (d.memoryPerGpuBytes().isPresent()) {
      args.add(
          "--mem-fraction-static",
          memFractionStatic(
              d.memoryPerGpuBytes().getAsLong(), d.tensorParallel(), d.pipelineParallel()));
    }
    e.chunkedPrefillSize().ifPresent(n -> args.add("--chunked-prefill-size", n));
    args.cacheFormat("sglang", "--kv-cache-dtype", CACHE_FORMATS);
    args.onlineFp8("sglang");
    return args.build();
  }
}
