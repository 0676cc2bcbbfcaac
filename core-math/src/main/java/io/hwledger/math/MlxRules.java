package io.hwledger.math;

import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.EngineProfile;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.MlxEngine;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * MLX's memory accounting ({@code mlx-lm} 0.32: {@code mlx_lm/models/cache.py}, {@code
 * mlx_lm/generate.py}).
 *
 * <ul>
 *   <li>Everything lives in the GPU's wired working set, Metal's {@code
 *       recommendedMaxWorkingSetSize} ({@code mlx-lm} sets it as the wired limit while generating;
 *       {@code iogpu.wired_limit_mb} raises it): the deployment's budget.
 *   <li>{@code KVCache} grows in steps of 256 tokens, so a sequence of {@code n} tokens holds
 *       {@code ceil(n / 256) · 256}; a rotating cache ({@code --max-kv-size}, and the model's own
 *       sliding-window layers) stops at its size. {@code --kv-bits} stores K and V with {@link
 *       DType#affine} ({@code bits/8 + 4/group} bytes per element).
 *   <li>Activations: one prefill step of 2,048 tokens ({@code prefill_step_size}); logits only for
 *       the last token of each sequence. No runtime overhead is added: Metal has no CUDA-like
 *       context of note, and macOS memory outside the working set is not the GPU's.
 *   <li>The cache is not preallocated: {@link EnginePlan#kvCacheTokens()} is what the workload's
 *       sequences hold (whole steps, capped by a rotating cache), and {@link
 *       EnginePlan#maxConcurrency()} the whole sequences of the workload's context that fit in what
 *       the weights and activations leave of the working set.
 * </ul>
 */
final class MlxRules {
  static final long STEP = 256;
  static final long PREFILL_STEP_TOKENS = 2048;

  private MlxRules() {}

  /** The precision with K and V in the quantised cache format, when the engine quantises it. */
  static Precision cachePrecision(Precision p, MlxEngine e) {
    return e.kvBits().isPresent()
        ? p.withKvCache(DType.affine(e.kvBits().getAsInt(), e.kvGroupSize()))
        : p;
  }

  static EngineResult plan(
      Planner planner, StageLoad[] loads, Precision p, Workload w, Deployment d, MlxEngine e) {
    List<MemoryBreakdown> stages = new ArrayList<>(loads.length);
    long[] perSequence = new long[loads.length];
    for (int s = 0; s < loads.length; s++) {
      StageLoad load = loads[s];
      perSequence[s] = kvPerSequence(load, w.contextTokens(), e);
      long activation = planner.forwardActivationBytes(PREFILL_STEP_TOKENS, load, p);
      if (load.last) {
        activation =
            Math.addExact(activation, planner.logitBytes(w.sequences(), d.tensorParallel()));
      }
      stages.add(load.holding(perSequence[s], w.sequences(), activation, 0));
    }
    long budget = d.memoryPerGpuBytes().orElse(0);
    double concurrency = Double.MAX_VALUE;
    for (int s = 0; s < loads.length; s++) {
      MemoryBreakdown stage = stages.get(s);
      long free = Math.max(0, budget - stage.weightsBytes() - stage.activationBytes());
      long request = Math.addExact(perSequence[s], loads[s].statePerSequence);
      concurrency = Math.min(concurrency, request == 0 ? 0 : (double) (free / request));
    }
    long worstKv = EngineResult.mostLoaded(stages).kvCacheBytes();
    long tokens = Math.multiplyExact(cachedTokens(w.contextTokens(), e), w.sequences());
    EnginePlan engine = new EnginePlan(EngineProfile.MLX, budget, worstKv, tokens, concurrency, 0);
    return EngineResult.againstBudget(stages, d, Optional.of(engine));
  }

  /** Tokens a full-attention layer holds for one sequence: 256-token steps, up to the cap. */
  private static long cachedTokens(long context, MlxEngine e) {
    long grown = EngineRules.roundUp(context, STEP);
    return e.maxKvSize().isPresent() ? Math.min(grown, e.maxKvSize().getAsLong()) : grown;
  }

  private static long kvPerSequence(StageLoad load, long context, MlxEngine e) {
    long grown = EngineRules.roundUp(context, STEP);
    long bytes = Math.multiplyExact(load.fullKvPerToken, cachedTokens(context, e));
    for (int i = 0; i < load.windowedKinds; i++) {
      bytes =
          Math.addExact(
              bytes,
              Math.multiplyExact(load.windowedKvPerToken[i], Math.min(grown, load.windows[i])));
    }
    return bytes;
  }
}
