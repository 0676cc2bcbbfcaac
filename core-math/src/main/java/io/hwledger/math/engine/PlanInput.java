package io.hwledger.math.engine;

import io.hwledger.api.Deployment;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What an engine's memory rules plan from: the model, the precision with the engine's cache formats
 * applied, the workload and deployment, and each pipeline stage's load ({@link StageInput}).
 * Immutable; the per-layer view ({@link #layers()}) is computed on first use.
 */
public final class PlanInput {
  /** Bytes of one logit, fp32. */
  private static final long LOGIT_BYTES = 4;

  private final ModelSpec model;
  private final Precision precision;
  private final Workload workload;
  private final Deployment deployment;
  private final List<StageInput> stages;
  private final LayerSource layerSource;
  private volatile List<LayerInput> layers;

  /** Computes the per-layer view of a model for a cache precision and a deployment. */
  @FunctionalInterface
  public interface LayerSource {
    /**
     * Every decoder layer, without tensor parallelism, in order.
     *
     * @param precision the plan's precision with the engine's cache formats
     * @param deployment the deployment, for its MLA cache layout
     * @return one entry per decoder layer
     */
    List<LayerInput> layers(Precision precision, Deployment deployment);
  }

  /**
   * An input; every argument is required.
   *
   * @param model the model planned for
   * @param precision the precision with the engine's cache formats applied
   * @param workload context, sequences and prefill chunk
   * @param deployment parallelism, engine, budget and GPU
   * @param stages each pipeline stage's load, first stage first; copied
   * @param layers computes the per-layer view on demand (called at most once, with this input's
   *     precision and deployment)
   */
  public PlanInput(
      ModelSpec model,
      Precision precision,
      Workload workload,
      Deployment deployment,
      List<StageInput> stages,
      LayerSource layers) {
    this.model = Objects.requireNonNull(model, "model");
    this.precision = Objects.requireNonNull(precision, "precision");
    this.workload = Objects.requireNonNull(workload, "workload");
    this.deployment = Objects.requireNonNull(deployment, "deployment");
    this.stages = List.copyOf(stages);
    this.layerSource = Objects.requireNonNull(layers, "layers");
  }

  /**
   * The model planned for.
   *
   * @return the model
   */
  public ModelSpec model() {
    return model;
  }

  /**
   * The precision, with the engine's cache formats ({@link EngineModel#cachePrecision}).
   *
   * @return the precision
   */
  public Precision precision() {
    return precision;
  }

  /**
   * What the plan must hold at once.
   *
   * @return context tokens per sequence, sequences and prefill chunk
   */
  public Workload workload() {
    return workload;
  }

  /**
   * Where the model runs.
   *
   * @return parallelism, engine, budget and GPU
   */
  public Deployment deployment() {
    return deployment;
  }

  /**
   * Each pipeline stage's load, first stage first.
   *
   * @return an unmodifiable list, one entry per pipeline stage
   */
  public List<StageInput> stages() {
    return stages;
  }

  /**
   * Every decoder layer of the whole model, without tensor parallelism, in order; computed on the
   * first call and then reused.
   *
   * @return an unmodifiable list, one entry per decoder layer
   */
  public List<LayerInput> layers() {
    List<LayerInput> result = layers;
    if (result == null) {
      result = List.copyOf(layerSource.layers(precision, deployment));
      layers = result;
    }
    return result;
  }

  /**
   * Each GPU's total as the CUDA (or HIP) runtime reports it ({@code cudaMemGetInfo}, {@code
   * torch.cuda.mem_get_info()}), for engines that budget from it: vLLM's {@code total ×
   * gpu_memory_utilization}, SGLang's and TensorRT-LLM's free memory at start. When the budget is
   * the deployment's GPU's own ({@link Deployment#onGpu}) and the catalog knows that GPU's
   * CUDA-visible total, that total (an H100 SXM: 79.18 GiB, not nvidia-smi's 79.65); otherwise the
   * budget as given, taken to be what the engine reads.
   *
   * @return bytes per GPU, or empty without a budget
   */
  public OptionalLong runtimeTotalBytes() {
    OptionalLong budget = deployment.memoryPerGpuBytes();
    if (budget.isEmpty() || deployment.gpu().isEmpty()) {
      return budget;
    }
    GpuSpec gpu = deployment.gpu().get();
    boolean catalogBudget = budget.getAsLong() == gpu.memoryBudgetBytes();
    return catalogBudget && gpu.cudaTotalBytes().isPresent() ? gpu.cudaTotalBytes() : budget;
  }

  /**
   * Vocabulary entries one tensor-parallel rank holds.
   *
   * @return {@code ceil(vocab / TP)}
   */
  public long vocabularyPerRank() {
    return ceilDiv(model.vocabSize(), deployment.tensorParallel());
  }

  /**
   * Bytes of one activation element: the unquantized weights' format when it has one byte size per
   * element (bf16, fp16, fp32), else 2 (quantized checkpoints compute in 16 bits).
   *
   * @return bytes per element
   */
  public long activationElementBytes() {
    return activationElementBytes(precision);
  }

  /**
   * Bytes of one activation element for {@code p}, as {@link #activationElementBytes()}.
   *
   * @param p a precision
   * @return bytes per element
   */
  public static long activationElementBytes(Precision p) {
    return p.unquantizedWeights().blockElements() == 1 ? p.unquantizedWeights().bytes(1) : 2;
  }

  /**
   * Bytes of fp32 logits for {@code outputs} tokens on one tensor-parallel rank.
   *
   * @param outputs tokens whose logits are held at once, e.g. one per sequence in a decode step
   * @return {@code outputs · 4 · ceil(vocab / TP)}, bytes
   * @throws ArithmeticException if that overflows a {@code long}
   */
  public long logitBytes(long outputs) {
    return Math.multiplyExact(Math.multiplyExact(outputs, LOGIT_BYTES), vocabularyPerRank());
  }

  /**
   * Integer division rounding up.
   *
   * @param a the dividend, not negative
   * @param b the divisor, positive
   * @return {@code ceil(a / b)}
   */
  public static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /**
   * {@code value} rounded up to a multiple of {@code unit}, e.g. a token count to whole KV blocks.
   *
   * @param value the quantity, not negative
   * @param unit the multiple, positive
   * @return the smallest multiple of {@code unit} at least {@code value}
   * @throws ArithmeticException if that overflows a {@code long}
   */
  public static long roundUp(long value, long unit) {
    return Math.multiplyExact(ceilDiv(value, unit), unit);
  }
}
