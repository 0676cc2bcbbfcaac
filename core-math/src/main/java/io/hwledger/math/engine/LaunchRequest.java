package io.hwledger.math.engine;

import io.hwledger.api.Deployment;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import java.util.Objects;

/**
 * A plan to start an engine for: what {@link EngineModel#launch} turns into a command line.
 *
 * @param modelArgument what the engine loads: a Hugging Face repository, or a file or directory
 * @param source where the model came from: {@code catalog}, {@code config} (a {@code config.json}),
 *     {@code gguf} or {@code safetensors}
 * @param model the model; its {@link ModelSpec#defaultPrecision()} is what the checkpoint stores
 * @param precision the precision planned for (weights, K and V cache formats)
 * @param workload context tokens per sequence and sequences
 * @param deployment parallelism, engine settings, budget and GPU
 */
public record LaunchRequest(
    String modelArgument,
    String source,
    ModelSpec model,
    Precision precision,
    Workload workload,
    Deployment deployment) {

  /**
   * Checks that no argument is null.
   *
   * @param modelArgument what the engine loads
   * @param source where the model came from
   * @param model the model
   * @param precision the precision planned for
   * @param workload context tokens per sequence and sequences
   * @param deployment parallelism, engine settings, budget and GPU
   */
  public LaunchRequest {
    Objects.requireNonNull(modelArgument, "modelArgument");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(deployment, "deployment");
  }

  /**
   * The K cache format the model's checkpoint defaults to.
   *
   * @return a {@link io.hwledger.api.DType#name()}, e.g. {@code bf16}
   */
  public String defaultCacheFormat() {
    return model.defaultPrecision().keyCache().name();
  }
}
