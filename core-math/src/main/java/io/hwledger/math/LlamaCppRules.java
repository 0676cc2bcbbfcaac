package io.hwledger.math;

import io.hwledger.api.Attention;
import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.EngineProfile;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.LlamaCppEngine;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.Mixer;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * llama.cpp's memory accounting ({@code llama-server}, master of late 2025: {@code
 * src/llama-context.cpp}, {@code src/llama-kv-cache.cpp}, {@code src/llama-kv-cache-iswa.cpp},
 * {@code src/llama-model.cpp}).
 *
 * <ul>
 *   <li>{@code n_ctx} is rounded up to a multiple of 256 (PR #17046). With separate slots each of
 *       the {@code n_seq} streams gets {@code pad256(n_ctx / n_seq)} cells; with {@code -kvu} one
 *       stream of {@code n_ctx} cells is shared. Every full-attention layer caches {@code n_ctx}
 *       cells of K and V in the {@code -ctk}/{@code -ctv} formats; a sliding-window layer caches
 *       {@code pad256(min(n_ctx_stream, window · (unified ? n_seq : 1) + n_ubatch))} cells per
 *       stream ({@code llama_kv_cache_iswa}); a recurrent layer keeps one state per slot.
 *   <li>{@code -ngl N} offloads the last {@code min(N, n_layer)} layers, and the output layer when
 *       {@code N > n_layer}; the token-embedding table always stays in host memory (a tied model's
 *       output layer is a copy of it on the GPU). A layer's KV cache lives where the layer does.
 *   <li>The compute buffer of the GPU holding the output layer is modelled as the micro-batch's
 *       fp32 logits and its fp32 residual stream ({@code n_ubatch · (vocab + hidden) · 4} bytes),
 *       plus, without flash attention, the fp32 attention scores of the micro-batch ({@code
 *       n_ubatch · n_ctx_stream · heads · 4}); other GPUs hold the residual stream only.
 *   <li>Runtime overhead: 1 GiB per GPU, the margin llama.cpp's own {@code --fit} keeps free on
 *       each device ({@code fit_params_target}).
 * </ul>
 *
 * <p>Tensor parallelism is not modelled (llama.cpp splits layers across GPUs, {@code -sm layer},
 * which the planner's pipeline stages follow).
 */
final class LlamaCppRules {
  static final long PAD = 256;
  static final long FIT_MARGIN_BYTES = 1L << 30;
  private static final long F32 = 4;

  private LlamaCppRules() {}

  static EngineResult plan(
      Planner planner, StageLoad[] loads, Precision p, Workload w, Deployment d, LlamaCppEngine e) {
    if (d.tensorParallel() != 1) {
      throw new IllegalArgumentException(
          "llama.cpp splits layers, not tensors: use pipeline parallelism for more GPUs"
              + " (-sm layer), not tensorParallel "
              + d.tensorParallel());
    }
    if (p.valueCache().isQuantized() && !e.flashAttention()) {
      throw new IllegalArgumentException(
          "llama.cpp needs flash attention (-fa on) for a quantised V cache ("
              + p.valueCache().name()
              + ")");
    }
    Cells cells = Cells.of(e, w);
    int layers = planner.spec().layerCount();
    int gpuLayers = e.gpuLayers().orElse(layers + 1);
    int firstGpuLayer = layers - Math.min(gpuLayers, layers);
    boolean outputOnGpu = gpuLayers > layers;
    long hidden = planner.spec().hiddenSize();
    List<MemoryBreakdown> stages = new ArrayList<>(loads.length);
    long host = 0;
    for (StageLoad load : loads) {
      long weights = 0;
      long kv = 0;
      long state = 0;
      long heads = 0;
      for (int i = load.fromLayer; i < load.toLayer; i++) {
        LayerKind kind = planner.layerKind(i);
        long layerWeights = planner.layerWeightBytes(i, p);
        long layerKv =
            Math.multiplyExact(
                kind.kvBytesPerToken(p, 1, d.mlaCache()), cells.forWindow(kind.window()));
        long layerState = Math.multiplyExact(kind.stateBytesPerSequence(p, 1), cells.slots);
        if (i >= firstGpuLayer) {
          weights = Math.addExact(weights, layerWeights);
          kv = Math.addExact(kv, layerKv);
          state = Math.addExact(state, layerState);
          heads = Math.max(heads, queryHeads(kind.spec.mixer()));
        } else {
          host =
              Math.addExact(host, Math.addExact(Math.addExact(layerWeights, layerKv), layerState));
        }
      }
      host = Math.addExact(host, load.embeddingWeights);
      long compute = Math.multiplyExact(e.ubatchTokens() * F32, hidden);
      if (load.last) {
        // the output layer: a tied model's head is a copy of the table on the GPU
        long head = load.headWeights;
        if (planner.spec().tiedEmbeddings() && loads.length == 1) {
          head = Math.addExact(head, load.headTableBytes);
        }
        if (outputOnGpu) {
          weights = Math.addExact(weights, head);
          compute = Math.addExact(compute, planner.logitBytes(e.ubatchTokens(), 1));
        } else {
          host = Math.addExact(host, head);
        }
      }
      if (!e.flashAttention()) {
        compute =
            Math.addExact(
                compute,
                Math.multiplyExact(
                    Math.multiplyExact((long) e.ubatchTokens(), cells.perStream), heads * F32));
      }
      stages.add(new MemoryBreakdown(weights, kv, state, compute, FIT_MARGIN_BYTES));
    }
    long gpuKvWorst = EngineResult.mostLoaded(stages).kvCacheBytes();
    double concurrency =
        e.unifiedKv()
            ? Math.min(cells.slots, cells.total / w.contextTokens())
            : (cells.perStream >= w.contextTokens() ? cells.slots : 0);
    long limit = d.memoryPerGpuBytes().orElse(0);
    EnginePlan engine =
        new EnginePlan(EngineProfile.LLAMA_CPP, limit, gpuKvWorst, cells.total, concurrency, host);
    return EngineResult.againstBudget(stages, d, Optional.of(engine));
  }

  private static long queryHeads(Mixer m) {
    if (m instanceof Attention) {
      return ((Attention) m).queryHeads();
    }
    if (m instanceof LatentAttention) {
      return ((LatentAttention) m).heads();
    }
    return 0;
  }

  /** KV cells: {@code n_ctx} and its split into streams. */
  static final class Cells {
    final long slots;
    final long total;
    final long perStream;
    final long streams;
    final int ubatch;

    private Cells(long slots, long total, long perStream, long streams, int ubatch) {
      this.slots = slots;
      this.total = total;
      this.perStream = perStream;
      this.streams = streams;
      this.ubatch = ubatch;
    }

    static Cells of(LlamaCppEngine e, Workload w) {
      long slots = e.parallel().isPresent() ? e.parallel().getAsInt() : w.sequences();
      long requested = e.contextTokens().orElse(Math.multiplyExact(w.contextTokens(), slots));
      long nCtx = EngineRules.roundUp(requested, PAD);
      if (e.unifiedKv() || slots == 1) {
        return new Cells(slots, nCtx, nCtx, 1, e.ubatchTokens());
      }
      long perStream = EngineRules.roundUp(nCtx / slots, PAD);
      return new Cells(
          slots, Math.multiplyExact(perStream, slots), perStream, slots, e.ubatchTokens());
    }

    /** Cells a layer with {@code window} keeps, over all streams. */
    long forWindow(OptionalLong window) {
      if (window.isEmpty()) {
        return total;
      }
      long seqsPerStream = streams == 1 ? slots : 1;
      long wanted =
          Math.addExact(Math.multiplyExact(window.getAsLong(), seqsPerStream), (long) ubatch);
      return Math.multiplyExact(EngineRules.roundUp(Math.min(perStream, wanted), PAD), streams);
    }
  }
}
