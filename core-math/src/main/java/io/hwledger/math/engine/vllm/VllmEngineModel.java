package io.hwledger.math.engine.vllm;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * vLLM's memory accounting (V1 engine, v0.11–v0.20; {@code vllm/v1/worker/gpu_worker.py} {@code
 * determine_available_memory}, {@code vllm/utils/mem_utils.py}, {@code
 * vllm/v1/core/kv_cache_utils.py}).
 *
 * <ul>
 *   <li>The engine uses {@code total × gpu_memory_utilization} of each GPU ({@code
 *       requested_memory}; total, not free memory), where total is CUDA's ({@code
 *       torch.cuda.mem_get_info()}, logged as {@code total_gpu_memory}): {@link
 *       PlanInput#runtimeTotalBytes()}, the catalog's CUDA-visible total on a catalog GPU. From it
 *       go the weights, the torch peak of a profiling pass of {@code max_num_batched_tokens}
 *       tokens, the non-torch memory that pass adds, and (v0.21+) an estimate of CUDA graph memory;
 *       the rest is KV cache.
 *   <li>KV blocks hold {@code block_size} tokens of every layer: {@code num_blocks = available //
 *       (block_size · Σ per-token bytes of the rank's layers)}; {@code GPU KV cache size =
 *       num_blocks · block_size} tokens; {@code Maximum concurrency = num_blocks / blocks one
 *       request of max_model_len needs}: {@code cdiv(max_model_len, block_size)} for full
 *       attention, {@code cdiv(min(window − 1 + max_num_batched_tokens, max_model_len), block_size)
 *       + 1} for a sliding window. Pipeline stages each size their own pool; the engine takes the
 *       smallest. A stage mixing full and windowed layers, or attention and linear-attention
 *       (mamba) layers, is pooled in vLLM's hybrid groups instead ({@link HybridKvGroups}), with
 *       the block size raised so that an attention page holds a recurrent state.
 *   <li>Profiled peak, modelled: the larger of the forward pass ({@code max_num_batched_tokens ·
 *       (2·hidden + widest intermediate)} in the activation format, times {@link
 *       #FORWARD_PEAK_FACTOR}) and the dummy sampler run on the last stage ({@link
 *       DummySamplerRun}: {@code max_num_seqs} rows of the whole vocabulary) with the fused-MoE
 *       workspace the forward pass left ({@link FusedMoeWorkspace}); non-torch memory {@link
 *       #NON_TORCH_BYTES}.
 *   <li>A multimodal checkpoint's vision tower and projector are loaded too, split over the
 *       tensor-parallel ranks, on every stage ({@link VisionTowerWeights}), and every rank holds
 *       the rotary embedding's whole cosine and sine table ({@link RotaryTable}).
 * </ul>
 *
 * <p>Launch: {@code vllm serve} (v0.11+), {@code --kv-cache-dtype} auto, bfloat16, float16,
 * fp8_e4m3 or fp8_e5m2; fp8 weights from a 16-bit checkpoint with {@code --quantization fp8}.
 * Checked against published startup logs in {@code VllmEngineModelTest}.
 */
public final class VllmEngineModel implements EngineModel<VllmEngine> {
  /**
   * Torch peak of the forward pass over the planner's residual-plus-widest estimate: 1.5,
   * calibrated on vLLM v0.15.1's log for Llama-3.1-8B on an A100-40GB (8,192 batched tokens, 19.28
   * GiB of KV cache); the caching allocator keeps freed intermediates of neighbouring ops.
   */
  static final double FORWARD_PEAK_FACTOR = 1.5;

  /**
   * Non-torch memory the profiling pass adds on a single GPU: 0.25 GiB, the figure vLLM v0.19.0
   * prints for it ("non-torch forward increase memory") on all 16 TP=1 logs of the corpus,
   * 0.24–0.27 GiB over eight models and five weight formats (read, not fitted to a budget; its
   * pipeline-only logs print 0.07 GiB and are planned with it too). vLLM measures it as the memory
   * CUDA reports used less what torch's allocator holds, after the profile run, less the same
   * difference at the worker's init snapshot ({@code vllm/utils/mem_utils.py} {@code
   * memory_profiling}, vllm-project/vllm a6d5c39), and takes that snapshot after the distributed
   * environment and before the workspace manager, the model runner and the weights ({@code
   * vllm/v1/worker/gpu_worker.py} {@code init_device}, vllm-project/vllm 35d5cda): it counts the
   * CUDA context's growth as the kernels of the load and the profile run are loaded and whatever
   * libraries allocate outside torch. It depends on the build, not on the model: a v0.10.2 log
   * (llava-v1.6-mistral-7b, H100) printed 0.07 GiB, the corpus's v0.21+ AWQ log 0.06 GiB, its
   * v0.31.0 log 0.26 GiB (ADR 0019).
   */
  static final long NON_TORCH_BYTES = (long) (0.25 * (1L << 30));

  /**
   * Non-torch memory the profiling pass adds on each rank when tensor parallelism is on: 2.07 GiB,
   * fitted on vLLM v0.19.0's log for Llama-3.1-8B at TP2 on H100 80GB ("non-torch forward increase
   * memory: 2.07GiB", against 0.25 GiB at TP1 and 0.07 GiB with pipeline stages only; the
   * communicators' buffers: NCCL and the custom all-reduce). Held-out logs of the same release show
   * 2.06-2.09 GiB at TP2 and 2.13-2.21 GiB at TP4 ({@code enginelogs/} corpus, ADR 0019). Measured
   * on NVLink H100s only; PCIe cards may allocate less.
   */
  static final long TENSOR_PARALLEL_NON_TORCH_BYTES = (long) (2.07 * (1L << 30));

  private static final Map<String, String> CACHE_FORMATS =
      Map.of("bf16", "bfloat16", "fp16", "float16", "fp8_e4m3", "fp8_e4m3", "fp8_e5m2", "fp8_e5m2");

  /** The provider constructor. */
  public VllmEngineModel() {}

  @Override
  public String id() {
    return VllmEngine.ID;
  }

  @Override
  public String description() {
    return "vLLM V1 engine (v0.11-v0.20; --cuda-graph-memory for v0.21+)";
  }

  @Override
  public Class<VllmEngine> settingsType() {
    return VllmEngine.class;
  }

  @Override
  public List<EngineSetting> settings() {
    return List.of(
        EngineSetting.value(
            "gpu-memory-utilization", "F", "fraction of each GPU it may use (default 0.9)."),
        EngineSetting.value("block-size", "N", "tokens per KV block (default 16)."),
        EngineSetting.value(
            "max-num-batched-tokens",
            "N",
            "tokens per step (default 8192 on 70 GiB+ GPUs but A100, else 2048)."),
        EngineSetting.value(
            "max-num-seqs",
            "N",
            "sequences per step (default 1024 on 70 GiB+ GPUs but A100, else 256)."),
        EngineSetting.value(
            "cuda-graph-memory",
            "BYTES",
            "its CUDA graph estimate (v0.21+), taken from the budget (default 0)."));
  }

  @Override
  public VllmEngine defaults() {
    return VllmEngine.defaults();
  }

  @Override
  public VllmEngine configure(SettingValues v, Optional<GpuSpec> gpu) {
    VllmEngine base = gpu.map(VllmEngine::defaultsFor).orElseGet(VllmEngine::defaults);
    return new VllmEngine(
        v.fraction("gpu-memory-utilization").orElse(base.gpuMemoryUtilization()),
        v.intCount("block-size").orElse(base.blockSize()),
        v.count("max-num-batched-tokens", Integer.MAX_VALUE).orElse(base.maxNumBatchedTokens()),
        v.intCount("max-num-seqs").orElse(base.maxNumSeqs()),
        v.bytes("cuda-graph-memory").orElse(base.cudaGraphBytes()));
  }

  /**
   * {@inheritDoc} The attention heads must divide by TP, KV heads be split or replicated evenly,
   * the vocabulary padded to 64 divide by TP, and a block-FP8 checkpoint's MLP and expert shards be
   * whole blocks ({@link ParallelRules}).
   */
  @Override
  public void validate(ModelSpec model, Deployment deployment, VllmEngine engine) {
    ParallelRules.attentionHeadsDivisible(id(), model, deployment.tensorParallel());
    ParallelRules.kvHeadsSplitOrReplicated(id(), model, deployment.tensorParallel());
    ParallelRules.paddedVocabularyDivisible(id(), model, deployment.tensorParallel());
    ParallelRules.blockQuantizedShardsWhole(id(), model, deployment.tensorParallel());
  }

  @Override
  public EngineResult plan(PlanInput in, VllmEngine e) {
    Workload w = in.workload();
    long context = w.contextTokens();
    long batched = e.maxNumBatchedTokens();
    List<StageInput> loads = in.stages();
    List<Optional<HybridKvGroups>> hybrids = new ArrayList<>(loads.size());
    int blockSize = e.blockSize();
    for (StageInput load : loads) {
      Optional<HybridKvGroups> hybrid = HybridKvGroups.of(in, load);
      hybrids.add(hybrid);
      // one block size for the engine: raised so an attention page holds a recurrent state
      blockSize = Math.max(blockSize, hybrid.map(h -> h.blockSize(e.blockSize())).orElse(0));
    }
    MemoryBreakdown[] held = new MemoryBreakdown[loads.size()];
    long besideDecoder =
        Math.addExact(VisionTowerWeights.bytesPerRank(in), RotaryTable.bytesPerRank(in));
    long[] perRequest = new long[loads.size()];
    for (int s = 0; s < loads.size(); s++) {
      StageInput load = loads.get(s);
      perRequest[s] = kvPerRequest(load, context, batched, blockSize);
      long forward = (long) Math.ceil(load.forwardActivationBytes(batched) * FORWARD_PEAK_FACTOR);
      long sampler = load.last() ? DummySamplerRun.peakBytes(in, e.maxNumSeqs(), batched) : 0;
      long kept = Math.addExact(sampler, FusedMoeWorkspace.bytes(in, load, batched));
      held[s] =
          VisionTowerWeights.added(
              load.holding(
                  perRequest[s],
                  w.sequences(),
                  Math.max(forward, kept),
                  Math.addExact(nonTorchBytes(in), e.cudaGraphBytes())),
              besideDecoder);
    }
    List<MemoryBreakdown> stages = List.of(held);
    if (in.runtimeTotalBytes().isEmpty()) {
      return new EngineResult(stages, Optional.empty(), Optional.empty());
    }
    long limit = (long) Math.floor(in.runtimeTotalBytes().getAsLong() * e.gpuMemoryUtilization());
    long tokens = Long.MAX_VALUE;
    double concurrency = Double.MAX_VALUE;
    long poolBytes = 0;
    long worstHeadroom = Long.MAX_VALUE;
    for (int s = 0; s < loads.size(); s++) {
      MemoryBreakdown stage = stages.get(s);
      long available =
          limit - stage.weightsBytes() - stage.activationBytes() - stage.overheadBytes();
      worstHeadroom = Math.min(worstHeadroom, limit - stage.totalBytes());
      Optional<HybridKvGroups> hybrid = hybrids.get(s);
      if (hybrid.isPresent()) {
        HybridKvGroups groups = hybrid.get();
        long blockBytes = groups.blockBytes(blockSize);
        long stageBlocks = Math.max(0, available / blockBytes);
        long stageTokens = groups.reportedTokens(stageBlocks, blockSize);
        if (stageTokens < tokens) {
          tokens = stageTokens;
          // the reported tokens' blocks in every group (vLLM allocates up to groups - 1 more)
          poolBytes = Math.multiplyExact(stageTokens / blockSize * groups.groups(), blockBytes);
        }
        long blocksPerRequest = groups.blocksPerRequest(context, batched, blockSize);
        concurrency = Math.min(concurrency, (double) stageBlocks / blocksPerRequest);
        continue;
      }
      long blockBytes = Math.multiplyExact((long) blockSize, loads.get(s).allKvBytesPerToken());
      long requestBytes = Math.addExact(perRequest[s], loads.get(s).stateBytesPerSequence());
      if (blockBytes == 0) { // recurrent layers only: the pool holds states
        concurrency = Math.min(concurrency, stageConcurrency(available, requestBytes));
        continue;
      }
      long stageBlocks = Math.max(0, available / blockBytes);
      long stageTokens = Math.multiplyExact(stageBlocks, (long) blockSize);
      if (stageTokens < tokens) {
        tokens = stageTokens;
        poolBytes = Math.multiplyExact(stageBlocks, blockBytes);
      }
      long blocksPerRequest = PlanInput.ceilDiv(requestBytes, blockBytes);
      concurrency = Math.min(concurrency, (double) stageBlocks / blocksPerRequest);
    }
    if (tokens == Long.MAX_VALUE) {
      tokens = 0;
    }
    EnginePlan engine = new EnginePlan(VllmEngine.ID, limit, poolBytes, tokens, concurrency, 0);
    return new EngineResult(
        stages, Optional.of(new Fit(limit, worstHeadroom)), Optional.of(engine));
  }

  /**
   * {@link #NON_TORCH_BYTES}, or with tensor parallelism {@link #TENSOR_PARALLEL_NON_TORCH_BYTES}.
   */
  private static long nonTorchBytes(PlanInput in) {
    return in.deployment().tensorParallel() > 1 ? TENSOR_PARALLEL_NON_TORCH_BYTES : NON_TORCH_BYTES;
  }

  /** KV bytes one request of {@code context} tokens takes from a stage's pool, in whole blocks. */
  private static long kvPerRequest(StageInput load, long context, long batched, int blockSize) {
    long bytes =
        Math.multiplyExact(load.fullKvBytesPerToken(), PlanInput.roundUp(context, blockSize));
    for (int i = 0; i < load.windowCount(); i++) {
      long tokens = Math.min(load.window(i) - 1 + batched, context);
      long blocks = PlanInput.ceilDiv(tokens, blockSize) + 1;
      bytes =
          Math.addExact(
              bytes,
              Math.multiplyExact(
                  load.windowedKvBytesPerToken(i), Math.multiplyExact(blocks, (long) blockSize)));
    }
    return bytes;
  }

  private static double stageConcurrency(long available, long requestBytes) {
    return available <= 0 || requestBytes == 0 ? 0 : (double) available / requestBytes;
  }

  @Override
  public List<String> launch(LaunchRequest r, VllmEngine e) {
    LaunchArgs args = LaunchArgs.of(r, "vllm", "serve", r.modelArgument());
    args.add("--max-model-len", r.workload().contextTokens());
    args.add("--max-num-seqs", r.workload().sequences());
    args.parallelism("--tensor-parallel-size", "--pipeline-parallel-size");
    args.add("--gpu-memory-utilization", e.gpuMemoryUtilization());
    if (e.blockSize() != VllmEngine.defaults().blockSize()) {
      args.add("--block-size", e.blockSize());
    }
    args.add("--max-num-batched-tokens", e.maxNumBatchedTokens());
    args.cacheFormat("vllm", "--kv-cache-dtype", CACHE_FORMATS);
    args.onlineFp8("vllm");
    return args.build();
  }
}
