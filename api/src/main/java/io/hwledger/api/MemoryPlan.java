package io.hwledger.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The GPU memory a model needs for a workload on a deployment.
 *
 * @param model the model's name
 * @param totalParameters parameters resident in memory (every expert)
 * @param activeParameters parameters one token's forward pass multiplies with: everything except
 *     the routed experts it is not sent to and the input embedding table (a lookup reads one row of
 *     it); the output head counts, once, also when tied. This is DeepSeek's convention
 *     (README_WEIGHTS.md: 36.6B for V3, advertised as 37B) and OpenAI's for gpt-oss (5.1B);
 *     Mistral, Qwen and Meta add the input embedding table to their "active" figures
 * @param contextLimit the model's own context limit, if any
 * @param total the whole deployment, summed over every GPU; replicated parts count once per GPU
 *     that holds them
 * @param perGpu the most loaded GPU (largest total) under tensor and pipeline parallelism
 * @param stages one entry per pipeline stage, each what one GPU (one tensor-parallel rank) of that
 *     stage holds
 * @param layers per-layer rows, when they were asked for; empty otherwise
 * @param fit the fit verdict against the deployment's budget, when it has one; for an engine that
 *     reserves only part of the GPU (vLLM, SGLang) the budget is that part
 * @param engine what the deployment's engine allocates and how many sequences it holds, for every
 *     engine but the generic one; vLLM, SGLang and TensorRT-LLM size their cache from the GPU's
 *     memory, so they need a budget
 */
public record MemoryPlan(
    String model,
    long totalParameters,
    long activeParameters,
    OptionalLong contextLimit,
    MemoryBreakdown total,
    MemoryBreakdown perGpu,
    List<MemoryBreakdown> stages,
    List<LayerMemory> layers,
    Optional<Fit> fit,
    Optional<EnginePlan> engine) {

  /**
   * Validates and copies the arguments.
   *
   * @param model the model's name
   * @param totalParameters parameters resident in memory
   * @param activeParameters parameters one token's forward pass multiplies with
   * @param contextLimit the model's context limit in tokens, if any
   * @param total the whole deployment
   * @param perGpu the most loaded GPU
   * @param stages one entry per pipeline stage; copied
   * @param layers per-layer rows, possibly empty; copied
   * @param fit the fit verdict, if the deployment has a budget
   * @param engine the engine's allocation, if not the generic engine
   */
  public MemoryPlan {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(contextLimit, "contextLimit");
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(perGpu, "perGpu");
    stages = List.copyOf(stages);
    layers = List.copyOf(layers);
    Objects.requireNonNull(fit, "fit");
    Objects.requireNonNull(engine, "engine");
  }
}
