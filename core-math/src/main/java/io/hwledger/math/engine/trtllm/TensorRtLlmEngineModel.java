package io.hwledger.math.engine.trtllm;

import io.hwledger.api.EnginePlan;
import io.hwledger.api.Fit;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineResult;
import io.hwledger.math.engine.EngineSetting;
import io.hwledger.math.engine.LaunchArgs;
import io.hwledger.math.engine.LaunchRequest;
import io.hwledger.math.engine.PlanInput;
import io.hwledger.math.engine.SettingValues;
import io.hwledger.math.engine.StageInput;
import io.hwledger.math.engine.generic.GenericEngineModel;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * TensorRT-LLM's memory accounting ({@code KvCacheConfig.free_gpu_memory_fraction}; C++ {@code
 * BaseKVCacheManager::calculateMaxNumBlocks}, which logs "Memory usage when calculating max tokens
 * in paged kv cache: total: X GiB, available: Y GiB").
 *
 * <ul>
 *   <li>Memory is CUDA's ({@code cudaMemGetInfo}; the log's "total"): {@link
 *       PlanInput#runtimeTotalBytes()}, the catalog's CUDA-visible total on a catalog GPU.
 *   <li>The pool is {@code free_gpu_memory_fraction} of the memory still free once the engine's
 *       weights, its execution context (activations of {@code max_num_tokens} tokens) and runtime
 *       buffers are allocated; the runtime (CUDA context, decoder and runtime buffers) is taken as
 *       {@link GenericEngineModel#RUNTIME_OVERHEAD_BYTES}, which matches TensorRT-LLM's documented
 *       log for an H100 (79.10 GiB total, 6,695 MiB engine, 1,134 MiB context, 224 MB of buffers:
 *       70.48 GiB available, so 0.76 GiB of CUDA context).
 *   <li>Blocks of {@code tokens_per_block} tokens of every layer; a request of {@code n} tokens
 *       takes {@code ceil(n / tokens_per_block)} blocks.
 * </ul>
 *
 * <p>Launch: {@code trtllm-serve} with its memory fraction and batch limits; its KV cache format
 * comes from the model's quantisation config, not a flag.
 */
public final class TensorRtLlmEngineModel implements EngineModel<TensorRtLlmEngine> {

  /** The provider constructor. */
  public TensorRtLlmEngineModel() {}

  @Override
  public String id() {
    return TensorRtLlmEngine.ID;
  }

  @Override
  public Set<String> aliases() {
    return Set.of("tensorrt-llm");
  }

  @Override
  public String description() {
    return "TensorRT-LLM trtllm-serve (LLM API, KvCacheConfig)";
  }

  @Override
  public Class<TensorRtLlmEngine> settingsType() {
    return TensorRtLlmEngine.class;
  }

  @Override
  public List<EngineSetting> settings() {
    return List.of(
        EngineSetting.value(
            "free-gpu-memory-fraction",
            "F",
            "fraction of free memory for the KV pool (default 0.9)."),
        EngineSetting.value("tokens-per-block", "N", "tokens per KV block (default 32)."),
        EngineSetting.value("max-num-tokens", "N", "tokens per batch (default 8192)."));
  }

  @Override
  public TensorRtLlmEngine defaults() {
    return TensorRtLlmEngine.defaults();
  }

  @Override
  public TensorRtLlmEngine configure(SettingValues v, Optional<GpuSpec> gpu) {
    TensorRtLlmEngine d = TensorRtLlmEngine.defaults();
    return new TensorRtLlmEngine(
        v.fraction("free-gpu-memory-fraction").orElse(d.freeGpuMemoryFraction()),
        v.intCount("tokens-per-block").orElse(d.tokensPerBlock()),
        v.count("max-num-tokens", Integer.MAX_VALUE).orElse(d.maxNumTokens()));
  }

  @Override
  public EngineResult plan(PlanInput in, TensorRtLlmEngine e) {
    Workload w = in.workload();
    int block = e.tokensPerBlock();
    List<StageInput> loads = in.stages();
    MemoryBreakdown[] held = new MemoryBreakdown[loads.size()];
    for (int s = 0; s < loads.size(); s++) {
      StageInput load = loads.get(s);
      held[s] =
          load.holding(
              perRequest(load, w.contextTokens(), block),
              w.sequences(),
              load.forwardActivationBytes(e.maxNumTokens()),
              GenericEngineModel.RUNTIME_OVERHEAD_BYTES);
    }
    List<MemoryBreakdown> stages = List.of(held);
    if (in.runtimeTotalBytes().isEmpty()) {
      return new EngineResult(stages, Optional.empty(), Optional.empty());
    }
    long budget = in.runtimeTotalBytes().getAsLong();
    long blocks = Long.MAX_VALUE;
    long poolBytes = 0;
    double concurrency = Double.MAX_VALUE;
    long headroom = Long.MAX_VALUE;
    for (int s = 0; s < loads.size(); s++) {
      MemoryBreakdown stage = stages.get(s);
      long free = budget - stage.weightsBytes() - stage.activationBytes() - stage.overheadBytes();
      long pool = (long) Math.floor(Math.max(0, free) * e.freeGpuMemoryFraction());
      headroom = Math.min(headroom, pool - stage.kvCacheBytes() - stage.stateBytes());
      long blockBytes = Math.multiplyExact((long) block, loads.get(s).allKvBytesPerToken());
      long request = perRequest(loads.get(s), w.contextTokens(), block);
      if (blockBytes == 0) {
        continue;
      }
      long stageBlocks = pool / blockBytes;
      if (stageBlocks < blocks) {
        blocks = stageBlocks;
        poolBytes = Math.multiplyExact(stageBlocks, blockBytes);
      }
      concurrency =
          Math.min(concurrency, (double) stageBlocks / PlanInput.ceilDiv(request, blockBytes));
    }
    long tokens = blocks == Long.MAX_VALUE ? 0 : Math.multiplyExact(blocks, (long) block);
    if (concurrency == Double.MAX_VALUE) {
      concurrency = 0;
    }
    EnginePlan engine =
        new EnginePlan(TensorRtLlmEngine.ID, budget, poolBytes, tokens, concurrency, 0);
    return new EngineResult(stages, Optional.of(new Fit(budget, headroom)), Optional.of(engine));
  }

  private static long perRequest(StageInput load, long context, int block) {
    long bytes = Math.multiplyExact(load.fullKvBytesPerToken(), PlanInput.roundUp(context, block));
    for (int i = 0; i < load.windowCount(); i++) {
      long tokens = PlanInput.roundUp(Math.min(context, load.window(i)), block);
      bytes = Math.addExact(bytes, Math.multiplyExact(load.windowedKvBytesPerToken(i), tokens));
    }
    return bytes;
  }

  @Override
  public List<String> launch(LaunchRequest r, TensorRtLlmEngine e) {
    LaunchArgs args = LaunchArgs.of(r, "trtllm-serve", r.modelArgument());
    args.add("--max_seq_len", r.workload().contextTokens());
    args.add("--max_batch_size", r.workload().sequences());
    args.add("--max_num_tokens", e.maxNumTokens());
    args.parallelism("--tp_size", "--pp_size");
    args.add("--kv_cache_free_gpu_memory_fraction", e.freeGpuMemoryFraction());
    String cache = args.oneCacheFormat("trtllm");
    if (!cache.equals(r.defaultCacheFormat())) {
      throw new IllegalArgumentException(
          "trtllm-serve takes its KV cache format from the model's quantisation config, not a"
              + " flag; plan with the model's own cache format ("
              + r.defaultCacheFormat()
              + ")");
    }
    return args.build();
  }
}
