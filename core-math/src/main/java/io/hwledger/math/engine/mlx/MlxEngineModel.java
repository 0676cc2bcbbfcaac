package io.hwledger.math.engine.mlx;

import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.Utilization;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineResult;
import io.hwledger.math.engine.EngineSetting;
import io.hwledger.math.engine.LaunchArgs;
import io.hwledger.math.engine.LaunchRequest;
import io.hwledger.math.engine.PlanInput;
import io.hwledger.math.engine.SettingValues;
import io.hwledger.math.engine.StageInput;
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
 *       {@code ceil(n / 256) · 256}; a rotating cache ({@code --max-kv-size}) stops at its size.
 *       {@code --kv-bits} stores K and V with {@link DType#affine} ({@code bits/8 + 4/group} bytes
 *       per element).
 *   <li>Sliding windows are kept only by model classes that build their own cache: {@code
 *       make_prompt_cache} ({@code mlx_lm/models/cache.py}) returns {@code model.make_cache()} when
 *       the model has one and otherwise a plain {@code KVCache} for every layer. The classes with a
 *       {@code make_cache} give their sliding layers a {@code RotatingKVCache} of the window and
 *       their full layers a {@code KVCache}: models that mix the two (Gemma 3, gpt-oss, Llama
 *       configs with {@code layer_types}, Cohere 2). A model whose every attention layer has the
 *       same window and no full layer (Mistral 7B v0.1's {@code sliding_window}, which mlx-lm loads
 *       with its Llama class and {@code layer_types} all {@code full_attention}) keeps the whole
 *       sequence in every layer, so the planner caps windowed layers only in models that also have
 *       full-attention layers ({@code keepsWindows}). Gemma 2 mixes them but mlx-lm's {@code
 *       gemma2.py} has no {@code make_cache}: the planner caps its windowed layers where mlx-lm
 *       does not.
 *   <li>Activations: one prefill step of 2,048 tokens ({@code prefill_step_size}); logits only for
 *       the last token of each sequence. No runtime overhead is added: Metal has no CUDA-like
 *       context of note, and macOS memory outside the working set is not the GPU's.
 *   <li>The cache is not preallocated: {@link EnginePlan#kvCacheTokens()} is what the workload's
 *       sequences hold (whole steps, capped by a rotating cache), and {@link
 *       EnginePlan#maxConcurrency()} the whole sequences of the workload's context that fit in what
 *       the weights and activations leave of the working set.
 * </ul>
 *
 * <p>Launch: {@code mlx_lm.server}, which has no cache options; with {@code --max-kv-size} or
 * {@code --kv-bits}, {@code mlx_lm.generate}, which has them.
 */
public final class MlxEngineModel implements EngineModel<MlxEngine> {
  static final long STEP = 256;
  static final long PREFILL_STEP_TOKENS = 2048;

  /** The provider constructor. */
  public MlxEngineModel() {}

  @Override
  public String id() {
    return MlxEngine.ID;
  }

  @Override
  public String description() {
    return "MLX mlx-lm 0.32 on Apple silicon";
  }

  @Override
  public Class<MlxEngine> settingsType() {
    return MlxEngine.class;
  }

  @Override
  public List<EngineSetting> settings() {
    return List.of(
        EngineSetting.value(
            "max-kv-size", "TOKENS", "rotating KV cache size per sequence (default: unbounded)."),
        EngineSetting.value("kv-bits", "N", "quantised KV cache bits, 2-8 (default: unquantised)."),
        EngineSetting.value(
            "kv-group-size", "N", "KV quantisation group, 32, 64 or 128 (default 64)."));
  }

  @Override
  public MlxEngine defaults() {
    return MlxEngine.defaults();
  }

  @Override
  public MlxEngine configure(SettingValues v, Optional<GpuSpec> gpu) {
    return new MlxEngine(
        v.tokens("max-kv-size"),
        v.intCount("kv-bits"),
        v.intCount("kv-group-size").orElse(MlxEngine.DEFAULT_GROUP));
  }

  @Override
  public Utilization utilization() {
    // No MLX measurement with a known GPU peak was found; MLX, like llama.cpp, runs one request
    // at a time on local hardware.
    return Utilization.LLAMA_CPP_METAL;
  }

  /** The precision with K and V in the quantised cache format, when the engine quantises it. */
  @Override
  public Precision cachePrecision(Precision p, MlxEngine e) {
    return e.kvBits().isPresent()
        ? p.withKvCache(DType.affine(e.kvBits().getAsInt(), e.kvGroupSize()))
        : p;
  }

  @Override
  public EngineResult plan(PlanInput in, MlxEngine e) {
    Workload w = in.workload();
    List<StageInput> loads = in.stages();
    MemoryBreakdown[] held = new MemoryBreakdown[loads.size()];
    long[] perSequence = new long[loads.size()];
    boolean keepsWindows = keepsWindows(in.model());
    for (int s = 0; s < loads.size(); s++) {
      StageInput load = loads.get(s);
      perSequence[s] = kvPerSequence(load, w.contextTokens(), e, keepsWindows);
      long activation = load.forwardActivationBytes(PREFILL_STEP_TOKENS);
      if (load.last()) {
        activation = Math.addExact(activation, in.logitBytes(w.sequences()));
      }
      held[s] = load.holding(perSequence[s], w.sequences(), activation, 0);
    }
    List<MemoryBreakdown> stages = List.of(held);
    long budget = in.deployment().memoryPerGpuBytes().orElse(0);
    double concurrency = Double.MAX_VALUE;
    for (int s = 0; s < loads.size(); s++) {
      MemoryBreakdown stage = stages.get(s);
      long free = Math.max(0, budget - stage.weightsBytes() - stage.activationBytes());
      long request = Math.addExact(perSequence[s], loads.get(s).stateBytesPerSequence());
      // Whole sequences, as the class Javadoc says: free >= 0 and request > 0, so this is the
      // integer quotient, rounded down on purpose before it becomes a double.
      concurrency = Math.min(concurrency, request == 0 ? 0 : (double) Math.floorDiv(free, request));
    }
    long worstKv = EngineResult.mostLoaded(stages).kvCacheBytes();
    long tokens = Math.multiplyExact(cachedTokens(w.contextTokens(), e), w.sequences());
    EnginePlan engine = new EnginePlan(MlxEngine.ID, budget, worstKv, tokens, concurrency, 0);
    return EngineResult.againstBudget(stages, in.deployment(), Optional.of(engine));
  }

  /** Tokens a full-attention layer holds for one sequence: 256-token steps, up to the cap. */
  private static long cachedTokens(long context, MlxEngine e) {
    long grown = PlanInput.roundUp(context, STEP);
    return e.maxKvSize().isPresent() ? Math.min(grown, e.maxKvSize().getAsLong()) : grown;
  }

  private static long kvPerSequence(
      StageInput load, long context, MlxEngine e, boolean keepsWindows) {
    long grown = PlanInput.roundUp(context, STEP);
    long full = cachedTokens(context, e);
    long bytes = Math.multiplyExact(load.fullKvBytesPerToken(), full);
    for (int i = 0; i < load.windowCount(); i++) {
      long tokens = keepsWindows ? Math.min(grown, load.window(i)) : full;
      bytes = Math.addExact(bytes, Math.multiplyExact(load.windowedKvBytesPerToken(i), tokens));
    }
    return bytes;
  }

  /**
   * Whether mlx-lm gives the model's sliding-window layers a cache of their window: only when the
   * model also has full-attention layers (see the class Javadoc; {@code make_prompt_cache} keeps a
   * plain {@code KVCache} per layer for a model without its own {@code make_cache}).
   *
   * @param model the model planned
   * @return true when attention layers with and without a window are both present
   */
  static boolean keepsWindows(ModelSpec model) {
    boolean windowed = false;
    boolean full = false;
    for (LayerSpec layer : model.layers()) {
      if (layer.mixer() instanceof Attention a) {
        windowed |= a.windowTokens().isPresent();
        full |= a.windowTokens().isEmpty();
      }
    }
    return windowed && full;
  }

  @Override
  public List<String> launch(LaunchRequest r, MlxEngine e) {
    if (e.maxKvSize().isEmpty() && e.kvBits().isEmpty()) {
      return LaunchArgs.of(r, "mlx_lm.server", "--model", r.modelArgument())
          .add("--decode-concurrency", r.workload().sequences())
          .build();
    }
    LaunchArgs args = LaunchArgs.of(r, "mlx_lm.generate", "--model", r.modelArgument());
    e.maxKvSize().ifPresent(n -> args.add("--max-kv-size", n));
    if (e.kvBits().isPresent()) {
      args.add("--kv-bits", e.kvBits().getAsInt());
      args.add("--kv-group-size", e.kvGroupSize());
      args.add("--quantized-kv-start", 0);
    }
    return args.build();
  }
}
