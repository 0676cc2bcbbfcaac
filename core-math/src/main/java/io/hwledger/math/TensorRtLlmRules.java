package io.hwledger.math;

import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.EngineProfile;
import io.hwledger.api.Fit;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.Precision;
import io.hwledger.api.TensorRtLlmEngine;
import io.hwledger.api.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * TensorRT-LLM's memory accounting ({@code KvCacheConfig.free_gpu_memory_fraction}; C++ {@code
 * BaseKVCacheManager::calculateMaxNumBlocks}, which logs "Memory usage when calculating max tokens
 * in paged kv cache: total: X GiB, available: Y GiB").
 *
 * <ul>
 *   <li>The pool is {@code free_gpu_memory_fraction} of the memory still free once the engine's
 *       weights, its execution context (activations of {@code max_num_tokens} tokens) and runtime
 *       buffers are allocated; the runtime (CUDA context, decoder and runtime buffers) is taken as
 *       {@link Planner#GENERIC_RUNTIME_OVERHEAD_BYTES}, which matches TensorRT-LLM's documented log
 *       for an H100 (79.10 GiB total, 6,695 MiB engine, 1,134 MiB context, 224 MB of buffers: 70.48
 *       GiB available, so 0.76 GiB of CUDA context).
 *   <li>Blocks of {@code tokens_per_block} tokens of every layer; a request of {@code n} tokens
 *       takes {@code ceil(n / tokens_per_block)} blocks.
 * </ul>
 */
final class TensorRtLlmRules {
  private TensorRtLlmRules() {}

  static EngineResult plan(
      Planner planner,
      StageLoad[] loads,
      Precision p,
      Workload w,
      Deployment d,
      TensorRtLlmEngine e) {
    int block = e.tokensPerBlock();
    List<MemoryBreakdown> stages = new ArrayList<>(loads.length);
    for (StageLoad load : loads) {
      long activation = planner.forwardActivationBytes(e.maxNumTokens(), load, p);
      stages.add(
          load.holding(
              perRequest(load, w.contextTokens(), block),
              w.sequences(),
              activation,
              Planner.GENERIC_RUNTIME_OVERHEAD_BYTES));
    }
    if (d.memoryPerGpuBytes().isEmpty()) {
      return new EngineResult(stages, Optional.empty(), Optional.empty());
    }
    long budget = d.memoryPerGpuBytes().getAsLong();
    long blocks = Long.MAX_VALUE;
    long poolBytes = 0;
    double concurrency = Double.MAX_VALUE;
    long headroom = Long.MAX_VALUE;
    for (int s = 0; s < loads.length; s++) {
      MemoryBreakdown stage = stages.get(s);
      long free = budget - stage.weightsBytes() - stage.activationBytes() - stage.overheadBytes();
      long pool = (long) Math.floor(Math.max(0, free) * e.freeGpuMemoryFraction());
      headroom = Math.min(headroom, pool - stage.kvCacheBytes() - stage.stateBytes());
      long blockBytes = Math.multiplyExact((long) block, loads[s].allKvPerToken());
      long request = perRequest(loads[s], w.contextTokens(), block);
      if (blockBytes == 0) {
        continue;
      }
      long stageBlocks = pool / blockBytes;
      if (stageBlocks < blocks) {
        blocks = stageBlocks;
        poolBytes = Math.multiplyExact(stageBlocks, blockBytes);
      }
      concurrency =
          Math.min(concurrency, (double) stageBlocks / WeightTensor.ceilDiv(request, blockBytes));
    }
    long tokens = blocks == Long.MAX_VALUE ? 0 : Math.multiplyExact(blocks, (long) block);
    if (concurrency == Double.MAX_VALUE) {
      concurrency = 0;
    }
    EnginePlan engine =
        new EnginePlan(EngineProfile.TENSORRT_LLM, budget, poolBytes, tokens, concurrency, 0);
    return new EngineResult(stages, Optional.of(new Fit(budget, headroom)), Optional.of(engine));
  }

  private static long perRequest(StageLoad load, long context, int block) {
    long bytes = Math.multiplyExact(load.fullKvPerToken, EngineRules.roundUp(context, block));
    for (int i = 0; i < load.windowedKinds; i++) {
      long tokens = EngineRules.roundUp(Math.min(context, load.windows[i]), block);
      bytes = Math.addExact(bytes, Math.multiplyExact(load.windowedKvPerToken[i], tokens));
    }
    return bytes;
  }
}
