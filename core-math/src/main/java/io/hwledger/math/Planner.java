package io.hwledger.math;

import io.hwledger.api.Deployment;
import io.hwledger.api.Engine;
import io.hwledger.api.LayerMemory;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.MlaCacheLayout;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineModels;
import io.hwledger.math.engine.EngineResult;
import io.hwledger.math.engine.LayerInput;
import io.hwledger.math.engine.PlanInput;
import io.hwledger.math.engine.StageInput;
import io.hwledger.math.engine.generic.GenericEngineModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Computes the GPU memory a model needs, exactly for weights, KV cache and recurrent state, and
 * under documented assumptions for activations and runtime overhead.
 *
 * <p>A planner is built once per model ({@link #of}) and is then cheap to call per request: layer
 * structures are compiled at construction, and weight bytes are cached for the last precision and
 * tensor-parallel degree seen. Instances are immutable apart from that cache and are safe to share
 * between threads.
 *
 * <h2>What is exact</h2>
 *
 * <ul>
 *   <li><b>Parameters</b> are counted tensor by tensor from the layer structure ({@link
 *       LayerSpec}), following the transformers implementation of each mixer and MLP: embedding
 *       and, when untied, output head ({@code vocab · hidden} each), a learned position table
 *       ({@link ModelSpec#positionEmbeddings()} rows), every projection and bias, norms, routers,
 *       SSM vectors. Total counts every expert, active counts top-k.
 *   <li><b>Weight bytes</b> store each tensor in its {@link Precision} field, with block scales;
 *       quantisation blocks run along rows and never straddle two rows.
 *   <li><b>KV cache</b>: every sequence at the workload's context; a windowed layer keeps {@code
 *       min(context, window)} tokens. <b>State</b> is fixed per sequence; see {@link
 *       RecurrentKind}.
 * </ul>
 *
 * <h2>Parallelism</h2>
 *
 * Tensor parallelism splits projections as vLLM does (see {@link MixerKind}); KV heads per rank are
 * {@code max(1, ceil(kvHeads / TP))}, so heads replicate when TP exceeds them; MLA's latent cache
 * is replicated on every rank. Pipeline parallelism splits layers as vLLM's {@code get_pp_indices}
 * does; the embedding sits on the first stage, the final norm and output head on the last (a tied
 * embedding is held by both when there is more than one stage). The plan reports each stage's share
 * per GPU and the most loaded GPU; totals add up every GPU, replicated parts included.
 *
 * <h2>Activations</h2>
 *
 * Activations are stored in the unquantised weight format (2 bytes for bf16/fp16). Per token of a
 * forward pass, a rank holds the residual stream and its normalised copy ({@code 2 · hidden}) plus
 * the widest intermediate of any of its layers: the mixer's projections (q, k, v and attention
 * output; MLA's latent and up-projections; SSM in-projection, convolution and gate outputs) or the
 * MLP's (gate, up and product for gated MLPs; top-k experts' and shared experts' for MoE, plus
 * router logits). Attention scores are not materialised (flash attention). How many tokens a pass
 * holds, and what else an engine keeps, is the engine's ({@link StageInput}).
 *
 * <h2>Engines</h2>
 *
 * The deployment's {@link io.hwledger.api.Engine} decides how caches, activations and overhead are
 * budgeted: its model ({@link EngineModel}, found by {@link EngineModels}) plans from each pipeline
 * stage's load. The generic engine ({@link GenericEngineModel}) sizes caches exactly for the
 * workload; vLLM, llama.cpp, SGLang, TensorRT-LLM and MLX follow their own accounting (see each
 * {@code io.hwledger.math.engine.*} package), and the plan's {@link MemoryPlan#engine()} says what
 * the engine allocates. A planner built with {@link #of(ModelSpec, CheckpointWeights)} takes weight
 * bytes from a checkpoint's tensor list.
 *
 * <p>All arithmetic is exact {@code long} arithmetic; a result that would overflow is reported as
 * an {@link IllegalArgumentException}, never wrapped.
 */
public final class Planner {

  private final ModelSpec model;
  private final LayerKind[] kinds;
  private final int[] kindOfLayer;
  private final int[][] prefixCounts;
  private final WeightTensor embedding;
  private final WeightTensor positions;
  private final WeightTensor finalNorm;
  private final long totalParameters;
  private final long activeParameters;
  private final long activeParametersWithEmbeddings;
  private final CheckpointWeights checkpoint; // null: weights computed from the precision
  private final long[] checkpointLayerPrefix;

  /** The per-layer view engines ask for, made once so a plan allocates no lambda. */
  private final PlanInput.LayerSource layerSource = this::layerInputs;

  private volatile WeightBytes lastWeights;
  private volatile LayerView lastLayers;

  private Planner(ModelSpec model, CheckpointWeights checkpoint) {
    this.model = model;
    this.checkpoint = checkpoint;
    int hidden = model.hiddenSize();
    Map<LayerSpec, Integer> index = new LinkedHashMap<>();
    List<LayerKind> distinct = new ArrayList<>();
    int layers = model.layerCount();
    kindOfLayer = new int[layers];
    for (int i = 0; i < layers; i++) {
      LayerSpec spec = model.layers().get(i);
      Integer k = index.get(spec);
      if (k == null) {
        k = distinct.size();
        index.put(spec, k);
        distinct.add(new LayerKind(spec, hidden, model.norm()));
      }
      kindOfLayer[i] = k;
    }
    kinds = distinct.toArray(new LayerKind[0]);
    prefixCounts = new int[kinds.length][layers + 1];
    for (int k = 0; k < kinds.length; k++) {
      for (int i = 0; i < layers; i++) {
        prefixCounts[k][i + 1] = prefixCounts[k][i] + (kindOfLayer[i] == k ? 1 : 0);
      }
    }
    embedding =
        WeightTensor.of(
            model.vocabSize(), hidden, WeightTensor.Role.UNQUANTIZED, WeightTensor.Split.ROWS);
    // a learned position table (GPT-2, OPT): looked up like the token embedding, replicated on
    // every rank (vLLM's OPTLearnedPositionalEmbedding and GPT-2's wpe are plain nn.Embedding)
    positions =
        WeightTensor.of(
            model.positionEmbeddings(),
            hidden,
            WeightTensor.Role.UNQUANTIZED,
            WeightTensor.Split.NONE);
    finalNorm =
        WeightTensor.of(
            model.norm().parametersPerElement(),
            hidden,
            WeightTensor.Role.UNQUANTIZED,
            WeightTensor.Split.NONE);
    long embeddings = embedding.parameters() * (model.tiedEmbeddings() ? 1 : 2);
    long total =
        Math.addExact(Math.addExact(embeddings, positions.parameters()), finalNorm.parameters());
    // the output head (or the tied table, used as the head) and the final norm
    long active = Math.addExact(embedding.parameters(), finalNorm.parameters());
    for (int i = 0; i < layers; i++) {
      total = Math.addExact(total, kinds[kindOfLayer[i]].parameters);
      active = Math.addExact(active, kinds[kindOfLayer[i]].activeParameters);
    }
    totalParameters = total;
    activeParameters = active;
    // model cards count the lookups too: the input table (unless it is the head, already counted)
    // and a learned position table
    long lookups =
        Math.addExact(model.tiedEmbeddings() ? 0 : embedding.parameters(), positions.parameters());
    activeParametersWithEmbeddings = Math.addExact(active, lookups);
    checkpointLayerPrefix = new long[layers + 1];
    if (checkpoint != null) {
      if (checkpoint.layerBytes().size() != layers) {
        throw new IllegalArgumentException(
            "checkpoint has "
                + checkpoint.layerBytes().size()
                + " decoder layers but model '"
                + model.name()
                + "' has "
                + layers);
      }
      for (int i = 0; i < layers; i++) {
        checkpointLayerPrefix[i + 1] =
            Math.addExact(checkpointLayerPrefix[i], checkpoint.layerBytes().get(i));
      }
    }
  }

  /**
   * Compiles a planner for {@code model}.
   *
   * @param model the model's layers and sizes
   * @return a planner computing weight bytes from each plan's precision
   * @throws IllegalArgumentException if the model's parameter count overflows a {@code long}
   */
  public static Planner of(ModelSpec model) {
    Objects.requireNonNull(model, "model");
    return compile(model, null);
  }

  /**
   * Compiles a planner for {@code model} whose weights are the bytes a checkpoint file stores
   * ({@link CheckpointWeights}, from a GGUF or safetensors reader) rather than bytes computed from
   * a {@link Precision}: plans then take weight bytes from the checkpoint whatever the precision's
   * weight formats say (its cache and state formats still apply). Under tensor parallelism each
   * rank is taken to hold {@code ceil(bytes / TP)} of every layer, of the embedding and of the
   * head, which leaves out the few replicated norms and biases.
   *
   * @param model the model's layers and sizes
   * @param checkpoint the stored tensor bytes, one entry per decoder layer of {@code model}
   * @return a planner taking weight bytes from {@code checkpoint}
   * @throws IllegalArgumentException if the checkpoint's layer count differs from the model's, or a
   *     count overflows a {@code long}
   */
  public static Planner of(ModelSpec model, CheckpointWeights checkpoint) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(checkpoint, "checkpoint");
    return compile(model, checkpoint);
  }

  private static Planner compile(ModelSpec model, CheckpointWeights checkpoint) {
    try {
      return new Planner(model, checkpoint);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("model '" + model.name() + "' is too large to count", e);
    }
  }

  /**
   * The checkpoint whose stored bytes this planner uses for weights.
   *
   * @return the checkpoint, or empty when weights are computed from each plan's precision
   */
  public Optional<CheckpointWeights> checkpoint() {
    return Optional.ofNullable(checkpoint);
  }

  /**
   * The model this planner plans for.
   *
   * @return the model given to {@link #of}
   */
  public ModelSpec model() {
    return model;
  }

  /**
   * Parameters resident in memory, every expert included.
   *
   * @return the parameter count
   */
  public long totalParameters() {
    return totalParameters;
  }

  /**
   * Parameters one token's forward pass multiplies with: top-k routed experts, shared experts,
   * everything else but the lookup tables (the input token embedding, when not tied to the output
   * head, and a learned position table; see {@link MemoryPlan#activeParameters()} and {@link
   * #activeParametersWithEmbeddings()}).
   *
   * @return the parameter count
   */
  public long activeParameters() {
    return activeParameters;
  }

  /**
   * Active parameters as model cards count them ("3.3B activated"): {@link #activeParameters()}
   * plus the lookup tables it leaves out, the input token embedding (when it is not tied to the
   * output head, which is already counted) and a learned position table.
   *
   * @return the parameter count; equals {@link #totalParameters()} for a dense model
   */
  public long activeParametersWithEmbeddings() {
    return activeParametersWithEmbeddings;
  }

  /**
   * Refuses a deployment that cannot run {@code model}: more pipeline stages than layers (no engine
   * gives a stage no layer), or what the deployment's engine refuses at start-up ({@link
   * EngineModel#validate}: vLLM and SGLang need TP to divide the attention heads, and KV heads to
   * split or replicate evenly). {@link #plan} checks the same first.
   *
   * @param model the model
   * @param deployment the parallelism, budget and engine
   * @throws IllegalArgumentException in one line naming the rule, and the engine and its reason
   */
  public static void validate(ModelSpec model, Deployment deployment) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(deployment, "deployment");
    if (deployment.pipelineParallel() > model.layerCount()) {
      throw new IllegalArgumentException(
          "--pp "
              + deployment.pipelineParallel()
              + " exceeds the "
              + model.layerCount()
              + " layers of model '"
              + model.name()
              + "': every pipeline stage needs at least one layer");
    }
    EngineModels.defaults().validate(model, deployment);
  }

  /**
   * Plans memory without per-layer rows (the fast path).
   *
   * @param precision weight, KV cache and activation formats
   * @param workload context, sequences and prefill chunk to hold
   * @param deployment parallelism, GPU budget and engine
   * @return every stage's breakdown in bytes per GPU, the deployment's total, and the engine's
   *     verdict; {@link MemoryPlan#layers()} is empty
   * @throws IllegalArgumentException if the deployment has more pipeline stages than layers, no
   *     engine model has its engine's id, or a quantity overflows a {@code long}
   */
  public MemoryPlan plan(Precision precision, Workload workload, Deployment deployment) {
    return plan(precision, workload, deployment, false);
  }

  /**
   * Plans memory with one {@link LayerMemory} row per layer; otherwise as {@link #plan}.
   *
   * @param precision weight, KV cache and activation formats
   * @param workload context, sequences and prefill chunk to hold
   * @param deployment parallelism, GPU budget and engine
   * @return the plan, with one row per decoder layer in {@link MemoryPlan#layers()}
   * @throws IllegalArgumentException as {@link #plan}
   */
  public MemoryPlan planWithLayers(Precision precision, Workload workload, Deployment deployment) {
    return plan(precision, workload, deployment, true);
  }

  private MemoryPlan plan(Precision p, Workload w, Deployment d, boolean withLayers) {
    Objects.requireNonNull(p, "precision");
    Objects.requireNonNull(w, "workload");
    Objects.requireNonNull(d, "deployment");
    try {
      return compute(EngineModels.defaults().modelOf(d.engine()), p, w, d, withLayers);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "memory for "
              + w.sequences()
              + " sequences of "
              + w.contextTokens()
              + " tokens overflows a 64-bit byte count",
          e);
    }
  }

  /** Plans with {@code engineModel}, the model of {@code d}'s engine, looked up once. */
  private <E extends Engine> MemoryPlan compute(
      EngineModel<E> engineModel, Precision p, Workload w, Deployment d, boolean withLayers) {
    E engine = engineModel.settingsType().cast(d.engine());
    engineModel.validate(model, d, engine);
    int tp = d.tensorParallel();
    int pp = d.pipelineParallel();
    int[] bounds = StagePartition.boundaries(model.layerCount(), pp);
    WeightBytes weights = weightBytes(p, tp);
    Precision cache = engineModel.cachePrecision(p, engine);
    StageInput[] loads = new StageInput[pp];
    for (int s = 0; s < pp; s++) {
      loads[s] = stageInput(bounds[s], bounds[s + 1], s == 0, s == pp - 1, weights, cache, d);
    }
    PlanInput input = new PlanInput(model, cache, w, d, List.of(loads), layerSource);
    EngineResult result = engineModel.plan(input, engine);
    MemoryBreakdown total = deploymentTotal(result.stages(), tp);
    List<LayerMemory> layers = withLayers ? layerRows(p, w, d) : List.of();
    return new MemoryPlan(
        model.name(),
        totalParameters,
        activeParameters,
        model.contextLimit(),
        total,
        EngineResult.mostLoaded(result.stages()),
        result.stages(),
        layers,
        result.fit(),
        result.engine());
  }

  /** What every GPU of the deployment holds together: each stage's breakdown times its TP ranks. */
  private static MemoryBreakdown deploymentTotal(List<MemoryBreakdown> stages, int tp) {
    long[] sums = new long[5];
    for (MemoryBreakdown stage : stages) {
      sums[0] = Math.addExact(sums[0], Math.multiplyExact(stage.weightsBytes(), (long) tp));
      sums[1] = Math.addExact(sums[1], Math.multiplyExact(stage.kvCacheBytes(), (long) tp));
      sums[2] = Math.addExact(sums[2], Math.multiplyExact(stage.stateBytes(), (long) tp));
      sums[3] = Math.addExact(sums[3], Math.multiplyExact(stage.activationBytes(), (long) tp));
      sums[4] = Math.addExact(sums[4], Math.multiplyExact(stage.overheadBytes(), (long) tp));
    }
    MemoryBreakdown total = new MemoryBreakdown(sums[0], sums[1], sums[2], sums[3], sums[4]);
    total.totalBytes(); // overflow check
    return total;
  }

  private StageInput stageInput(
      int from,
      int to,
      boolean first,
      boolean last,
      WeightBytes weights,
      Precision p,
      Deployment d) {
    int tp = d.tensorParallel();
    long stageWeights = 0;
    long fullKv = 0;
    long state = 0;
    long widest = 0;
    long[] windows = NO_WINDOWS;
    long[] windowedKv = NO_WINDOWS;
    for (int k = 0; k < kinds.length; k++) {
      int count = prefixCounts[k][to] - prefixCounts[k][from];
      if (count == 0) {
        continue;
      }
      LayerKind kind = kinds[k];
      if (checkpoint == null) {
        stageWeights =
            Math.addExact(stageWeights, Math.multiplyExact((long) count, weights.perKind[k]));
      }
      long kvTokenBytes =
          Math.multiplyExact(count, kind.mixer.kvBytesPerToken(p, tp, d.mlaCache()));
      if (kvTokenBytes > 0) {
        OptionalLong window = kind.mixer.window();
        if (window.isPresent()) {
          int i = indexOf(windows, window.getAsLong());
          if (i < 0) {
            windows = Arrays.copyOf(windows, windows.length + 1);
            windowedKv = Arrays.copyOf(windowedKv, windowedKv.length + 1);
            i = windows.length - 1;
            windows[i] = window.getAsLong();
          }
          windowedKv[i] = Math.addExact(windowedKv[i], kvTokenBytes);
        } else {
          fullKv = Math.addExact(fullKv, kvTokenBytes);
        }
      }
      state =
          Math.addExact(state, Math.multiplyExact(count, kind.mixer.stateBytesPerSequence(p, tp)));
      widest = Math.max(widest, kind.activationWidthPerRank(tp));
    }
    if (checkpoint != null) {
      stageWeights =
          WeightTensor.ceilDiv(checkpointLayerPrefix[to] - checkpointLayerPrefix[from], tp);
    }
    long embeddingWeights = 0;
    long headWeights = 0;
    if (first) {
      embeddingWeights = weights.embedding;
      stageWeights = Math.addExact(stageWeights, weights.embedding);
    }
    if (last) {
      headWeights = weights.finalNorm;
      if (!model.tiedEmbeddings() || d.pipelineParallel() > 1) {
        headWeights = Math.addExact(headWeights, weights.head);
      }
      stageWeights = Math.addExact(stageWeights, headWeights);
    }
    long activationPerToken =
        Math.multiplyExact(2L * model.hiddenSize() + widest, activationElementBytes(p));
    return new StageInput(
        from,
        to,
        first,
        last,
        stageWeights,
        embeddingWeights,
        headWeights,
        weights.head,
        fullKv,
        windows,
        windowedKv,
        state,
        activationPerToken);
  }

  private static final long[] NO_WINDOWS = {};

  private static int indexOf(long[] values, long value) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Every layer of the whole model without tensor parallelism, for engines that place layers; the
   * last view is kept, since a scheduler plans one model at one precision again and again.
   */
  private List<LayerInput> layerInputs(Precision p, Deployment d) {
    LayerView cached = lastLayers;
    if (cached != null && cached.mla == d.mlaCache() && cached.precision.equals(p)) {
      return cached.layers;
    }
    List<LayerInput> out = new ArrayList<>(model.layerCount());
    for (int i = 0; i < model.layerCount(); i++) {
      LayerKind kind = kinds[kindOfLayer[i]];
      out.add(
          new LayerInput(
              layerWeightBytes(i, p),
              kind.mixer.kvBytesPerToken(p, 1, d.mlaCache()),
              kind.mixer.window(),
              kind.mixer.stateBytesPerSequence(p, 1),
              kind.mixer.attentionHeads()));
    }
    LayerView computed = new LayerView(p, d.mlaCache(), List.copyOf(out));
    lastLayers = computed;
    return computed.layers;
  }

  /** The per-layer view for one cache precision and MLA layout. */
  private record LayerView(Precision precision, MlaCacheLayout mla, List<LayerInput> layers) {}

  /** Weight bytes of layer {@code layer} on one GPU without tensor parallelism. */
  long layerWeightBytes(int layer, Precision p) {
    if (checkpoint != null) {
      return checkpoint.layerBytes().get(layer);
    }
    return weightBytes(p, 1).perKind[kindOfLayer[layer]];
  }

  private List<LayerMemory> layerRows(Precision p, Workload w, Deployment d) {
    WeightBytes whole = weightBytes(p, 1);
    long[] perToken = new long[kinds.length];
    long[] cache = new long[kinds.length];
    long[] state = new long[kinds.length];
    for (int k = 0; k < kinds.length; k++) {
      perToken[k] = kinds[k].mixer.kvBytesPerToken(p, 1, d.mlaCache());
      long cached = kinds[k].cachedTokens(w.contextTokens());
      cache[k] = Math.multiplyExact(Math.multiplyExact(perToken[k], cached), w.sequences());
      state[k] = kinds[k].mixer.stateBytesPerSequence(p, 1);
    }
    LayerMemory[] rows = new LayerMemory[model.layerCount()];
    for (int i = 0; i < rows.length; i++) {
      int k = kindOfLayer[i];
      LayerKind kind = kinds[k];
      rows[i] =
          new LayerMemory(
              i,
              kind.spec.mixer().label(),
              kind.parameters,
              checkpoint == null ? whole.perKind[k] : checkpoint.layerBytes().get(i),
              perToken[k],
              kind.mixer.window(),
              cache[k],
              state[k]);
    }
    return Arrays.asList(rows);
  }

  private WeightBytes weightBytes(Precision p, int tp) {
    WeightBytes cached = lastWeights;
    if (cached != null && cached.tp == tp && cached.precision.equals(p)) {
      return cached;
    }
    long[] perKind = new long[kinds.length];
    WeightBytes computed;
    if (checkpoint == null) {
      for (int k = 0; k < kinds.length; k++) {
        perKind[k] = kinds[k].weightBytesPerRank(p, tp);
      }
      long table = embedding.bytesPerRank(p, tp);
      long lookups = Math.addExact(table, positions.bytesPerRank(p, tp));
      computed = new WeightBytes(p, tp, perKind, lookups, table, finalNorm.bytesPerRank(p, tp));
    } else {
      long table = WeightTensor.ceilDiv(checkpoint.embeddingBytes(), tp);
      // a tied model's head is the embedding table; a pipeline's last stage holds a copy of it
      long head =
          checkpoint.outputBytes() > 0 ? WeightTensor.ceilDiv(checkpoint.outputBytes(), tp) : table;
      computed =
          new WeightBytes(
              p, tp, perKind, table, head, WeightTensor.ceilDiv(checkpoint.otherBytes(), tp));
    }
    lastWeights = computed;
    return computed;
  }

  private static long activationElementBytes(Precision p) {
    return PlanInput.activationElementBytes(p);
  }

  /** Weight bytes per rank for one precision and TP degree. */
  private static final class WeightBytes {
    final Precision precision;
    final int tp;
    final long[] perKind;
    final long embedding;
    final long head;
    final long finalNorm;

    WeightBytes(
        Precision precision, int tp, long[] perKind, long embedding, long head, long finalNorm) {
      this.precision = precision;
      this.tp = tp;
      this.perKind = perKind;
      this.embedding = embedding;
      this.head = head;
      this.finalNorm = finalNorm;
    }
  }

  /** The distinct layer structures, indexed as {@link #layersOfKind} counts them. */
  LayerKind[] layerKinds() {
    return kinds.clone();
  }

  /** Layers of structure {@code kind} among layers {@code [from, to)}. */
  int layersOfKind(int kind, int from, int to) {
    return prefixCounts[kind][to] - prefixCounts[kind][from];
  }

  /** The token embedding table (also the output head when tied). */
  WeightTensor embeddingTensor() {
    return embedding;
  }

  /** The final norm before the output head. */
  WeightTensor finalNormTensor() {
    return finalNorm;
  }
}
