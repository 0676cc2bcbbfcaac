package io.hwledger.math.engine;

import io.hwledger.api.Deployment;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import java.util.List;
import java.util.Objects;

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
    /** Every decoder layer, without tensor parallelism, in order. */
    List<LayerInput> layers(Precision precision, Deployment deployment);
  }

  /**
   * An input.
   *
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

  /** The model planned for. */
  public ModelSpec model() {
    return model;
  }

  /** The precision, with the engine's cache formats ({@link EngineModel#cachePrecision}). */
  public Precision precision() {
    return precision;
  }

  /** The workload. */
  public Workload workload() {
    return workload;
  }

  /** The deployment: parallelism, engine, budget and GPU. */
  public Deployment deployment() {
    return deployment;
  }

  /** Each pipeline stage's load, first stage first. */
  public List<StageInput> stages() {
    return stages;
  }

  /** Every decoder layer of the whole model, without tensor parallelism, in order. */
  public List<LayerInput> layers() {
    List<LayerInput> result = layers;
    if (result == null) {
      result = List.copyOf(layerSource.layers(precision, deployment));
      layers = result;
    }
    return result;
  }

  /** Vocabulary entries one tensor-parallel rank holds: {@code ceil(vocab / TP)}. */
  public long vocabularyPerRank() {
    return ceilDiv(model.vocabSize(), deployment.tensorParallel());
  }

  /** Bytes of fp32 logits for {@code outputs} tokens on one tensor-parallel rank. */
  public long logitBytes(long outputs) {
    return Math.multiplyExact(Math.multiplyExact(outputs, LOGIT_BYTES), vocabularyPerRank());
  }

  /** {@code ceil(a / b)} for a non-negative {@code a} and a positive {@code b}. */
  public static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /** {@code value} rounded up to a multiple of {@code unit}. */
  public static long roundUp(long value, long unit) {
    return Math.multiplyExact(ceilDiv(value, unit), unit);
  }
}
