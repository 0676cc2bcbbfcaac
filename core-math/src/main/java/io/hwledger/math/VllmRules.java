package io.hwledger.math;

import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.EngineProfile;
import io.hwledger.api.Fit;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.Precision;
import io.hwledger.api.VllmEngine;
import io.hwledger.api.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * vLLM's memory accounting (V1 engine, v0.11–v0.20; {@code vllm/v1/worker/gpu_worker.py} {@code
 * determine_available_memory}, {@code vllm/utils/mem_utils.py}, {@code
 * vllm/v1/core/kv_cache_utils.py}).
 *
 * <ul>
 *   <li>The engine uses {@code total × gpu_memory_utilization} of each GPU ({@code
 *       requested_memory}; total, not free memory). From it go the weights, the torch peak of a
 *       profiling pass of {@code max_num_batched_tokens} tokens, the non-torch memory that pass
 *       adds, and (v0.21+) an estimate of CUDA graph memory; the rest is KV cache.
 *   <li>KV blocks hold {@code block_size} tokens of every layer: {@code num_blocks = available //
 *       (block_size · Σ per-token bytes of the rank's layers)}; {@code GPU KV cache size =
 *       num_blocks · block_size} tokens; {@code Maximum concurrency = num_blocks / blocks one
 *       request of max_model_len needs}: {@code cdiv(max_model_len, block_size)} for full
 *       attention, {@code cdiv(min(window − 1 + max_num_batched_tokens, max_model_len), block_size)
 *       + 1} for a sliding window. Pipeline stages each size their own pool; the engine takes the
 *       smallest.
 *   <li>Profiled peak, modelled: the larger of the forward pass ({@code max_num_batched_tokens ·
 *       (2·hidden + widest intermediate)} in the activation format, times {@link
 *       #FORWARD_PEAK_FACTOR}) and the dummy sampler run on the last stage ({@code max_num_seqs ·
 *       vocab} logits at {@link #SAMPLER_BYTES_PER_LOGIT} bytes each); non-torch memory {@link
 *       #NON_TORCH_BYTES}.
 * </ul>
 *
 * <p>Checked against published startup logs in {@code VllmRulesTest}.
 */
final class VllmRules {
  /**
   * Torch peak of the forward pass over the planner's residual-plus-widest estimate: 1.5,
   * calibrated on vLLM v0.15.1's log for Llama-3.1-8B on an A100-40GB (8,192 batched tokens, 19.28
   * GiB of KV cache); the caching allocator keeps freed intermediates of neighbouring ops.
   */
  static final double FORWARD_PEAK_FACTOR = 1.5;

  /**
   * Bytes per logit of the dummy sampler run: fp32 logits, fp32 probabilities, a sorted fp32 copy
   * and int64 sort indices for top-k/top-p (4 + 4 + 4 + 8).
   */
  static final long SAMPLER_BYTES_PER_LOGIT = 20;

  /**
   * Non-torch memory the profiling pass adds (cuBLAS and NCCL workspaces): 0.1 GiB, within the
   * 0.06–0.21 GiB published V1 logs report ("non-torch memory").
   */
  static final long NON_TORCH_BYTES = (1L << 30) / 10;

  private VllmRules() {}

  static EngineResult plan(
      Planner planner, StageLoad[] loads, Precision p, Workload w, Deployment d, VllmEngine e) {
    int tp = d.tensorParallel();
    long context = w.contextTokens();
    long batched = e.maxNumBatchedTokens();
    int blockSize = e.blockSize();
    List<MemoryBreakdown> stages = new ArrayList<>(loads.length);
    long[] perRequest = new long[loads.length];
    for (int s = 0; s < loads.length; s++) {
      StageLoad load = loads[s];
      perRequest[s] = kvPerRequest(load, context, batched, blockSize);
      long forward =
          (long) Math.ceil(planner.forwardActivationBytes(batched, load, p) * FORWARD_PEAK_FACTOR);
      long sampler =
          load.last
              ? Math.multiplyExact(
                  Math.multiplyExact((long) e.maxNumSeqs(), SAMPLER_BYTES_PER_LOGIT),
                  WeightTensor.ceilDiv(planner.spec().vocabSize(), tp))
              : 0;
      stages.add(
          load.holding(
              perRequest[s],
              w.sequences(),
              Math.max(forward, sampler),
              Math.addExact(NON_TORCH_BYTES, e.cudaGraphBytes())));
    }
    if (d.memoryPerGpuBytes().isEmpty()) {
      return new EngineResult(stages, Optional.empty(), Optional.empty());
    }
    long limit = (long) Math.floor(d.memoryPerGpuBytes().getAsLong() * e.gpuMemoryUtilization());
    long blocks = Long.MAX_VALUE;
    double concurrency = Double.MAX_VALUE;
    long poolBytes = 0;
    long worstHeadroom = Long.MAX_VALUE;
    for (int s = 0; s < loads.length; s++) {
      MemoryBreakdown stage = stages.get(s);
      long available =
          limit - stage.weightsBytes() - stage.activationBytes() - stage.overheadBytes();
      worstHeadroom = Math.min(worstHeadroom, limit - stage.totalBytes());
      long blockBytes = Math.multiplyExact((long) blockSize, loads[s].allKvPerToken());
      long requestBytes = Math.addExact(perRequest[s], loads[s].statePerSequence);
      if (blockBytes == 0) { // recurrent layers only: the pool holds states
        concurrency = Math.min(concurrency, stageConcurrency(available, requestBytes));
        continue;
      }
      long stageBlocks = Math.max(0, available / blockBytes);
      if (stageBlocks < blocks) {
        blocks = stageBlocks;
        poolBytes = Math.multiplyExact(stageBlocks, blockBytes);
      }
      long blocksPerRequest = WeightTensor.ceilDiv(requestBytes, blockBytes);
      concurrency = Math.min(concurrency, (double) stageBlocks / blocksPerRequest);
    }
    long tokens = blocks == Long.MAX_VALUE ? 0 : Math.multiplyExact(blocks, (long) blockSize);
    EnginePlan engine =
        new EnginePlan(EngineProfile.VLLM, limit, poolBytes, tokens, concurrency, 0);
    return new EngineResult(
        stages, Optional.of(new Fit(limit, worstHeadroom)), Optional.of(engine));
  }

  /** KV bytes one request of {@code context} tokens takes from a stage's pool, in whole blocks. */
  private static long kvPerRequest(StageLoad load, long context, long batched, int blockSize) {
    long bytes = Math.multiplyExact(load.fullKvPerToken, EngineRules.roundUp(context, blockSize));
    for (int i = 0; i < load.windowedKinds; i++) {
      long tokens = Math.min(load.windows[i] - 1 + batched, context);
      long blocks = WeightTensor.ceilDiv(tokens, blockSize) + 1;
      bytes =
          Math.addExact(
              bytes,
              Math.multiplyExact(
                  load.windowedKvPerToken[i], Math.multiplyExact(blocks, (long) blockSize)));
    }
    return bytes;
  }

  private static double stageConcurrency(long available, long requestBytes) {
    return available <= 0 || requestBytes == 0 ? 0 : (double) available / requestBytes;
  }
}
