package io.hwledger.math;

import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.EngineProfile;
import io.hwledger.api.Fit;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.Precision;
import io.hwledger.api.SglangEngine;
import io.hwledger.api.Workload;
import java.util.ArrayList;
import java.util.List;
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
 *       cuda_graph_max_bs} follow the GPU's memory tier.
 *   <li>The KV pool is {@code free_after_weights − free_at_start · (1 − mem_fraction_static)},
 *       where {@code free_at_start} is the memory free before the weights load: the GPU's memory
 *       less {@link Planner#GENERIC_RUNTIME_OVERHEAD_BYTES} of CUDA context and NCCL buffers. It
 *       holds {@code pool / Σ per-token K and V bytes} tokens (page size 1).
 *   <li>Activations: one chunk of {@code chunked_prefill_size} tokens.
 * </ul>
 */
final class SglangRules {
  private static final long MIB = 1L << 20;

  private SglangRules() {}

  static EngineResult plan(
      Planner planner, StageLoad[] loads, Precision p, Workload w, Deployment d, SglangEngine e) {
    long capacity = d.memoryPerGpuBytes().orElse(0);
    Tier tier = Tier.of(capacity, d.tensorParallel());
    long chunk = e.chunkedPrefillSize().orElse(tier.chunk);
    List<MemoryBreakdown> stages = new ArrayList<>(loads.length);
    for (StageLoad load : loads) {
      long activation = planner.forwardActivationBytes(chunk, load, p);
      if (load.last) {
        activation =
            Math.addExact(activation, planner.logitBytes(w.sequences(), d.tensorParallel()));
      }
      stages.add(
          load.holding(
              load.kvPerSequence(w.contextTokens()),
              w.sequences(),
              activation,
              Planner.GENERIC_RUNTIME_OVERHEAD_BYTES));
    }
    if (capacity == 0) {
      return new EngineResult(stages, Optional.empty(), Optional.empty());
    }
    double fraction =
        e.memFractionStatic()
            .orElse(defaultFraction(capacity, chunk, tier.cudaGraphMaxBs, d.gpuCount()));
    long freeAtStart = capacity - Planner.GENERIC_RUNTIME_OVERHEAD_BYTES;
    long staticLimit = (long) Math.floor(freeAtStart * fraction);
    long tokens = Long.MAX_VALUE;
    double concurrency = Double.MAX_VALUE;
    long poolBytes = 0;
    long headroom = Long.MAX_VALUE;
    for (int s = 0; s < loads.length; s++) {
      StageLoad load = loads[s];
      MemoryBreakdown stage = stages.get(s);
      long pool = staticLimit - stage.weightsBytes();
      headroom = Math.min(headroom, pool - stage.kvCacheBytes() - stage.stateBytes());
      long perToken = load.allKvPerToken();
      long request = Math.addExact(load.kvPerSequence(w.contextTokens()), load.statePerSequence);
      concurrency = Math.min(concurrency, pool <= 0 || request == 0 ? 0 : (double) pool / request);
      long stageTokens = perToken == 0 ? 0 : Math.max(0, pool / perToken);
      if (stageTokens < tokens) {
        tokens = stageTokens;
        poolBytes = Math.multiplyExact(stageTokens, perToken);
      }
    }
    EnginePlan engine =
        new EnginePlan(EngineProfile.SGLANG, staticLimit, poolBytes, tokens, concurrency, 0);
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
}
