package io.hwledger.math.engine.llamacpp;

import io.hwledger.api.DenseMlp;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.MoeMlp;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.Utilization;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineResult;
import io.hwledger.math.engine.EngineSetting;
import io.hwledger.math.engine.LaunchArgs;
import io.hwledger.math.engine.LaunchRequest;
import io.hwledger.math.engine.LayerInput;
import io.hwledger.math.engine.PlanInput;
import io.hwledger.math.engine.SettingValues;
import io.hwledger.math.engine.StageInput;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

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
 *   <li>{@code -ngl 0} runs on the CPU alone: weights, KV cache and the CPU backend's compute
 *       buffer ({@link #cpuComputeBytes}) are host memory and the GPU holds nothing.
 *   <li>Runtime overhead: 1 GiB per GPU, the margin llama.cpp's own {@code --fit} keeps free on
 *       each device ({@code fit_params_target}).
 * </ul>
 *
 * <p>Tensor parallelism is not modelled (llama.cpp splits layers across GPUs, {@code -sm layer},
 * which the planner's pipeline stages follow). Launch: {@code llama-server} with a GGUF file;
 * {@code -ctk}/{@code -ctv} f32, f16, bf16, q8_0, q4_0, q4_1, iq4_nl, q5_0 or q5_1; {@code -fa on}
 * whenever the V cache is quantised, which llama.cpp requires.
 */
public final class LlamaCppEngineModel implements EngineModel<LlamaCppEngine> {
  static final long PAD = 256;
  static final long FIT_MARGIN_BYTES = 1L << 30;
  private static final long F32 = 4;

  private static final Map<String, String> CACHE_FORMATS =
      Map.of(
          "fp32", "f32", "fp16", "f16", "bf16", "bf16", "q8_0", "q8_0", "q4_0", "q4_0", "q4_1",
          "q4_1", "iq4_nl", "iq4_nl", "q5_0", "q5_0", "q5_1", "q5_1");

  /** The provider constructor. */
  public LlamaCppEngineModel() {}

  @Override
  public String id() {
    return LlamaCppEngine.ID;
  }

  @Override
  public Set<String> aliases() {
    return Set.of("llama.cpp");
  }

  @Override
  public String description() {
    return "llama.cpp llama-server (master of late 2025)";
  }

  @Override
  public Class<LlamaCppEngine> settingsType() {
    return LlamaCppEngine.class;
  }

  @Override
  public List<EngineSetting> settings() {
    return List.of(
        EngineSetting.value(
            "ctx-size", "TOKENS", "-c: KV cells for all slots (default: --context x --parallel)."),
        EngineSetting.value("parallel", "N", "-np: slots (default: --users)."),
        EngineSetting.value(
            "n-gpu-layers",
            "N",
            "-ngl: layers offloaded, output layer counted (default: all; 0: CPU only)."),
        EngineSetting.value(
            "flash-attn", "on|off", "-fa (default on; a quantised V cache needs it)."),
        EngineSetting.flag("kv-unified", "-kvu: one KV stream for all slots."),
        EngineSetting.value("ubatch-size", "N", "-ub: micro-batch tokens (default 512)."));
  }

  @Override
  public LlamaCppEngine defaults() {
    return LlamaCppEngine.defaults();
  }

  @Override
  public LlamaCppEngine configure(SettingValues v, Optional<GpuSpec> gpu) {
    OptionalLong gpuLayers = v.countFromZero("n-gpu-layers", 100_000);
    return new LlamaCppEngine(
        v.tokens("ctx-size"),
        v.intCount("parallel"),
        gpuLayers.isPresent() ? OptionalInt.of((int) gpuLayers.getAsLong()) : OptionalInt.empty(),
        v.onOff("flash-attn").orElse(true),
        v.flag("kv-unified"),
        v.intCount("ubatch-size").orElse(LlamaCppEngine.DEFAULT_UBATCH));
  }

  @Override
  public Utilization utilization() {
    return Utilization.LLAMA_CPP;
  }

  /** Metal's per-layer time on Apple GPUs, CUDA's elsewhere. */
  @Override
  public Utilization utilization(GpuSpec gpu) {
    return "Apple".equals(gpu.vendor()) ? Utilization.LLAMA_CPP_METAL : Utilization.LLAMA_CPP;
  }

  @Override
  public EngineResult plan(PlanInput in, LlamaCppEngine e) {
    Precision p = in.precision();
    Workload w = in.workload();
    if (in.deployment().tensorParallel() != 1) {
      throw new IllegalArgumentException(
          "llama.cpp splits layers, not tensors: use pipeline parallelism for more GPUs"
              + " (-sm layer), not tensorParallel "
              + in.deployment().tensorParallel());
    }
    if (p.valueCache().isQuantized() && !e.flashAttention()) {
      throw new IllegalArgumentException(
          "llama.cpp needs flash attention (-fa on) for a quantised V cache ("
              + p.valueCache().name()
              + ")");
    }
    Cells cells = Cells.of(e, w);
    List<LayerInput> layerInputs = in.layers();
    int layers = in.model().layerCount();
    int gpuLayers = e.gpuLayers().orElse(layers + 1);
    int firstGpuLayer = layers - Math.min(gpuLayers, layers);
    boolean outputOnGpu = gpuLayers > layers;
    long hidden = in.model().hiddenSize();
    List<StageInput> loads = in.stages();
    MemoryBreakdown[] held = new MemoryBreakdown[loads.size()];
    long host = 0;
    for (int s = 0; s < loads.size(); s++) {
      StageInput load = loads.get(s);
      long weights = 0;
      long kv = 0;
      long state = 0;
      long heads = 0;
      for (int i = load.fromLayer(); i < load.toLayer(); i++) {
        LayerInput layer = layerInputs.get(i);
        long layerKv = Math.multiplyExact(layer.kvBytesPerToken(), cells.forWindow(layer.window()));
        long layerState = Math.multiplyExact(layer.stateBytesPerSequence(), cells.slots);
        if (i >= firstGpuLayer) {
          weights = Math.addExact(weights, layer.weightBytes());
          kv = Math.addExact(kv, layerKv);
          state = Math.addExact(state, layerState);
          heads = Math.max(heads, layer.attentionHeads());
        } else {
          host =
              Math.addExact(
                  host, Math.addExact(Math.addExact(layer.weightBytes(), layerKv), layerState));
        }
      }
      host = Math.addExact(host, load.embeddingBytes());
      long compute = Math.multiplyExact(e.ubatchTokens() * F32, hidden);
      if (load.last()) {
        // the output layer: a tied model's head is a copy of the table on the GPU; on the CPU
        // (-ngl 0) the output uses the host table itself, which llama.cpp does not copy (the
        // peer's tied files log one model buffer of the file's tensor bytes, mmap or not)
        long head = load.headBytes();
        if (in.model().tiedEmbeddings() && loads.size() == 1 && outputOnGpu) {
          head = Math.addExact(head, load.headTableBytes());
        }
        if (outputOnGpu) {
          weights = Math.addExact(weights, head);
          compute = Math.addExact(compute, in.logitBytes(e.ubatchTokens()));
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
      // -ngl 0: nothing on the GPU; the CPU backend's compute buffer is added to host memory below
      held[s] =
          gpuLayers == 0
              ? new MemoryBreakdown(0, 0, 0, 0, 0)
              : new MemoryBreakdown(weights, kv, state, compute, FIT_MARGIN_BYTES);
    }
    if (gpuLayers == 0) {
      host = Math.addExact(host, cpuComputeBytes(in, e, cells));
    }
    List<MemoryBreakdown> stages = List.of(held);
    long gpuKvWorst = EngineResult.mostLoaded(stages).kvCacheBytes();
    double concurrency =
        e.unifiedKv()
            ? Math.min(cells.slots, cells.total / w.contextTokens())
            : (cells.perStream >= w.contextTokens() ? cells.slots : 0);
    long limit = in.deployment().memoryPerGpuBytes().orElse(0);
    EnginePlan engine =
        new EnginePlan(LlamaCppEngine.ID, limit, gpuKvWorst, cells.total, concurrency, host);
    return EngineResult.againstBudget(stages, in.deployment(), Optional.of(engine));
  }

  /**
   * The CPU backend's compute buffer with every layer and the output on the CPU ({@code -ngl 0}).
   * {@code llama_context} reserves it for the worst-case graph, {@code min(n_ctx, n_ubatch)} tokens
   * with all of them output and the whole cache visible ({@code graph_reserve}), and ggml's graph
   * allocator sizes the buffer to the most memory live at once, not to the sum of all tensors. The
   * peak is the largest of three moments ({@code T} tokens, {@code h} the hidden size, {@code f}
   * the widest MLP, fp32 activations):
   *
   * <ul>
   *   <li>the output: the logits of every token and two hidden-size vectors (the last residual and
   *       its norm), {@code T · (vocab + 2h) · 4};
   *   <li>the MLP: the KQ masks, which are graph inputs live through every layer, plus {@code T ·
   *       (4h + 3f) · 4} (the residual, its norm, gate, up and their product, with the allocator's
   *       slack);
   *   <li>attention without flash attention: the masks plus the fp32 scores of the widest layer
   *       ({@code n_kv · T · heads · 4}) plus {@code T · 5.5h · 4}.
   * </ul>
   *
   * <p>A mask is {@code n_kv · T} elements per stream's cells ({@code ggml_new_tensor_4d(type,
   * n_kv, n_tokens/n_stream, 1, n_stream)}, {@code build_attn_inp_kq_mask} in {@code
   * src/llama-graph.cpp}), one for full layers and one more for sliding-window layers with their
   * cells; it is F16 under flash attention (2 bytes) and F32 without (4 bytes). Before llama.cpp PR
   * #23764 (merged 2026-05-27, "use f16 mask for FA") the flash-attention mask was reserved in F32
   * and cast to F16, 6 bytes a cell; this model follows the current rule.
   *
   * <p>Measured against llama.cpp itself on the CPU (node-llama-cpp 3.22.1, llama.cpp of
   * 2026-09-28, the peer of {@code benchmarks/llama-peer.sh}): the output and the attention moments
   * match the logged buffers to 0.02 MiB on the Llama-shaped files; the MLP moment's {@code 4h +
   * 3f} is exact for {@code f = 3h} and {@code 8h} and 5 % high for {@code f = h}.
   * benchmarks/README.md, "llama.cpp peer", lists every row and the worst errors.
   */
  static long cpuComputeBytes(PlanInput in, LlamaCppEngine e, Cells cells) {
    long tokens = Math.min(cells.perStream * cells.streams, (long) e.ubatchTokens());
    long hidden = in.model().hiddenSize();
    long output =
        Math.addExact(
            in.logitBytes(tokens), Math.multiplyExact(Math.multiplyExact(tokens, 2 * hidden), F32));
    long heads = 0;
    OptionalLong window = OptionalLong.empty();
    for (LayerInput layer : in.layers()) {
      if (layer.kvBytesPerToken() > 0) {
        heads = Math.max(heads, layer.attentionHeads());
        if (layer.window().isPresent()) {
          window = layer.window();
        }
      }
    }
    // Cells one stream's masks span: the stream's cells, and a sliding-window layer's
    long maskCells = cells.perStream;
    if (window.isPresent()) {
      maskCells = Math.addExact(maskCells, cells.forWindow(window) / cells.streams);
    }
    long masks =
        Math.multiplyExact(Math.multiplyExact(maskCells, tokens), e.flashAttention() ? 2 : F32);
    long mlp =
        Math.addExact(
            masks,
            Math.multiplyExact(
                Math.multiplyExact(tokens, Math.addExact(4 * hidden, 3 * widestMlp(in))), F32));
    long peak = Math.max(output, mlp);
    if (!e.flashAttention()) {
      long scores = Math.multiplyExact(Math.multiplyExact(cells.perStream * tokens, heads), F32);
      // 5.5 hidden-size fp32 vectors a token: 22 bytes per hidden unit
      long attention =
          Math.addExact(
              Math.addExact(masks, scores),
              Math.multiplyExact(Math.multiplyExact(tokens, hidden), 22));
      peak = Math.max(peak, attention);
    }
    return peak;
  }

  /**
   * The widest MLP intermediate of any layer, elements a token: a dense MLP's width; for a MoE the
   * routed experts' intermediates ({@code build_moe_ffn} in {@code src/llama-graph.cpp} makes gate
   * and up {@code [n_ff, n_expert_used, n_tokens]}, n_ff the expert width) plus the shared
   * expert's. MoE files are not among the peer's shapes, so that case is the graph's shape, not a
   * measurement.
   */
  private static long widestMlp(PlanInput in) {
    long widest = 0;
    for (LayerSpec layer : in.model().layers()) {
      if (layer.mlp() instanceof DenseMlp d) {
        widest = Math.max(widest, d.width());
      } else if (layer.mlp() instanceof MoeMlp m) {
        widest = Math.max(widest, (long) m.expertWidth() * m.topK() + m.sharedWidth());
      }
    }
    return widest;
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
      long nCtx = PlanInput.roundUp(requested, PAD);
      if (e.unifiedKv() || slots == 1) {
        return new Cells(slots, nCtx, nCtx, 1, e.ubatchTokens());
      }
      long perStream = PlanInput.roundUp(nCtx / slots, PAD);
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
      return Math.multiplyExact(PlanInput.roundUp(Math.min(perStream, wanted), PAD), streams);
    }
  }

  @Override
  public List<String> launch(LaunchRequest r, LlamaCppEngine e) {
    if (!"gguf".equals(r.source())) {
      throw new IllegalArgumentException("llama.cpp runs GGUF files: plan with --gguf FILE");
    }
    if (!r.precision().weights().equals(r.model().defaultPrecision().weights())) {
      throw new IllegalArgumentException(
          "llama.cpp runs the GGUF's own quantisation; drop --weights or quantise the file"
              + " with llama-quantize");
    }
    if (r.deployment().tensorParallel() > 1) {
      throw new IllegalArgumentException(
          "llama.cpp splits layers, not tensors: use --pp for more GPUs");
    }
    long slots = e.parallel().isPresent() ? e.parallel().getAsInt() : r.workload().sequences();
    long context =
        e.contextTokens().orElse(Math.multiplyExact(r.workload().contextTokens(), slots));
    int layers = e.gpuLayers().orElse(r.model().layerCount() + 1);
    LaunchArgs args = LaunchArgs.of(r, "llama-server", "-m", r.modelArgument());
    args.add("-c", context);
    args.add("-np", slots);
    args.add("-ngl", layers);
    String k = r.precision().keyCache().name();
    String v = r.precision().valueCache().name();
    if (!k.equals("fp16")) {
      args.add("-ctk", LaunchArgs.named(k, CACHE_FORMATS, "llama.cpp -ctk"));
    }
    if (!v.equals("fp16")) {
      args.add("-ctv", LaunchArgs.named(v, CACHE_FORMATS, "llama.cpp -ctv"));
    }
    if (r.precision().valueCache().isQuantized()) {
      args.add("-fa", "on");
    } else if (!e.flashAttention()) {
      args.add("-fa", "off");
    }
    if (e.unifiedKv()) {
      args.add("-kvu");
    }
    if (e.ubatchTokens() != LlamaCppEngine.DEFAULT_UBATCH) {
      args.add("-ub", e.ubatchTokens());
    }
    if (r.deployment().pipelineParallel() > 1) {
      args.add("-sm", "layer");
    }
    return args.build();
  }
}
