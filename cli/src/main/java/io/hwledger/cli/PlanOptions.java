package io.hwledger.cli;

import io.hwledger.api.Deployment;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.LlamaCppFileType;
import io.hwledger.math.Planner;
import io.hwledger.math.Sizes;
import io.hwledger.math.engine.EngineModels;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What to plan: the model, workload, formats, parallelism, budget and engine. Shared by {@code
 * plan} and {@code export}, which turn the same options into a {@link Request}.
 */
final class PlanOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Option(
      names = "--context",
      paramLabel = "TOKENS",
      description = "Tokens per sequence (default: the model's context limit).")
  String context;

  @Option(
      names = "--allow-long-context",
      description =
          "Plan a --context beyond the model's limit (refused otherwise, as vLLM and SGLang refuse"
              + " it unless VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 or"
              + " SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1 is set, which are honoured too).")
  boolean allowLongContext;

  @Option(
      names = "--users",
      paramLabel = "N",
      defaultValue = "1",
      description = "Concurrent sequences (default: ${DEFAULT-VALUE}).")
  String users;

  @Option(
      names = "--weights",
      paramLabel = "TYPE",
      completionCandidates = Usage.DTypeNames.class,
      description =
          "Weight format (default: the checkpoint's): a llama.cpp file type (Q4_K_M, Q4_0, Q8_0,"
              + " IQ4_XS, ...: each tensor in the type llama-quantize gives it), or a format that"
              + " every linear weight takes: ${COMPLETION-CANDIDATES}; also int4_gN and"
              + " affineB_gN.")
  String weights;

  @Option(
      names = "--imatrix",
      description =
          "The --weights file type is quantised with an importance matrix, as bartowski's and"
              + " unsloth's files are: llama.cpp then keeps the first eighth of ffn_down in"
              + " Q4_1/Q5_1 for Q4_0/Q5_0, and in the file type itself instead of Q5_K for IQ4_XS"
              + " and IQ4_NL. The types that need one (IQ1_*, IQ2_*, IQ3_XXS, Q2_K_S) always have"
              + " it.")
  boolean imatrix;

  @Option(
      names = "--kv-cache",
      paramLabel = "DTYPE",
      description = "K and V cache format, named as for --weights (default: the model's).")
  String kvCache;

  @Option(
      names = "--tp",
      paramLabel = "N",
      defaultValue = "1",
      description = "Tensor-parallel degree (default: ${DEFAULT-VALUE}).")
  String tp;

  @Option(
      names = "--pp",
      paramLabel = "N",
      defaultValue = "1",
      description = "Pipeline-parallel degree (default: ${DEFAULT-VALUE}).")
  String pp;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Budget budget;

  /** The environment variables read (an engine's long-context override); set by {@code Main}. */
  java.util.Map<String, String> env = java.util.Map.of();

  /** Added to the command's spec by {@link #addEngineOptions}, after picocli built it. */
  final EngineOptions engineOptions = new EngineOptions(EngineModels.defaults());

  /** Adds {@code --engine} and every engine setting to {@code command}, which mixes these in. */
  void addEngineOptions(CommandLine command) {
    engineOptions.addTo(command.getCommandSpec());
  }

  /** At most one of {@code --gpu} and {@code --memory}. */
  static final class Budget {
    @Option(
        names = "--gpu",
        paramLabel = "NAME",
        required = true,
        completionCandidates = Usage.GpuIds.class,
        description = "Check the fit on this GPU (catalog id or name): ${COMPLETION-CANDIDATES}.")
    String gpu;

    @Option(
        names = "--memory",
        paramLabel = "BYTES",
        required = true,
        description =
            "Check the fit against this memory budget per GPU, with a unit, e.g. 80GiB: "
                + Units.BYTE_UNITS
                + ".")
    String memory;
  }

  /**
   * A fully resolved plan request.
   *
   * @param modelLabel the catalog id, or the model's name from its files
   * @param modelSource {@code catalog}, {@code config}, {@code gguf} or {@code safetensors}
   * @param model the model
   * @param checkpoint the weights a checkpoint file stores, when the model came from one
   * @param precision weights and caches
   * @param workload context and users
   * @param deployment parallelism and budget
   * @param loaded where the model came from: its repository or file, for launch commands
   * @param fileType the llama.cpp file type {@code --weights} named, whose planned tensor bytes are
   *     {@code checkpoint}
   */
  record Request(
      String modelLabel,
      String modelSource,
      ModelSpec model,
      Optional<CheckpointWeights> checkpoint,
      Precision precision,
      Workload workload,
      Deployment deployment,
      ModelSource.Loaded loaded,
      Optional<LlamaCppFileType> fileType) {

    /** The GPU planned for, if {@code --gpu} named one. */
    Optional<GpuSpec> gpu() {
      return deployment.gpu();
    }

    /** A planner for this request's model, with its checkpoint's stored bytes when it has one. */
    Planner planner() {
      return checkpoint.map(c -> Planner.of(model, c)).orElseGet(() -> Planner.of(model));
    }
  }

  /** Turns the options into a request; a bad option is a {@link ParameterException}. */
  Request resolve(Streams io) {
    ModelSource.Loaded loaded = source.load(mixee);
    String label = loaded.label();
    ModelSpec model = loaded.spec();
    long contextTokens;
    if (context != null) {
      contextTokens = usage(() -> Sizes.tokens("--context", context));
    } else {
      contextTokens =
          model
              .contextLimit()
              .orElseThrow(
                  () ->
                      usageError(
                          "--context is required: model '"
                              + label
                              + "' has no context limit (e.g. --context 32K)"));
    }
    long sequences = usage(() -> Sizes.count("--users", users, Long.MAX_VALUE));
    int tensorParallel = usage(() -> (int) Sizes.count("--tp", tp, Integer.MAX_VALUE));
    int pipelineParallel = usage(() -> (int) Sizes.count("--pp", pp, Integer.MAX_VALUE));

    WeightsChoice.Resolved resolved =
        WeightsChoice.resolve(
            mixee.commandLine(), weights, imatrix, source, loaded, io, "planning");
    Precision precision = resolved.precision();
    Optional<CheckpointWeights> checkpoint = resolved.checkpoint();
    if (kvCache != null) {
      precision = precision.withKvCache(Usage.dtype(mixee.commandLine(), "--kv-cache", kvCache));
    }

    Deployment deployment =
        Deployment.singleGpu()
            .withTensorParallel(tensorParallel)
            .withPipelineParallel(pipelineParallel);
    if (budget != null && budget.gpu != null) {
      deployment = deployment.onGpu(Usage.gpu(mixee.commandLine(), "--gpu", budget.gpu));
    } else if (budget != null) {
      long bytes = usage(() -> Units.bytes("--memory", budget.memory));
      deployment = deployment.withMemoryPerGpu(bytes);
    }
    Optional<GpuSpec> gpu = deployment.gpu();
    deployment = deployment.withEngine(usage(() -> engineOptions.resolve(gpu)));
    Deployment checked = deployment;
    usage(
        () -> {
          Planner.validate(model, checked);
          return null;
        });
    if (context != null) {
      checkContext(io, label, model, contextTokens, deployment.engine().id());
    }
    return new Request(
        label,
        loaded.origin(),
        model,
        checkpoint,
        precision,
        Workload.of(contextTokens, sequences),
        deployment,
        loaded,
        resolved.fileType());
  }

  /**
   * Refuses a context beyond the model's limit, quoting the engine's own refusal, unless {@code
   * --allow-long-context} or the engine's override variable is set (then warns).
   */
  private void checkContext(Streams io, String label, ModelSpec model, long tokens, String engine) {
    OptionalLong limit = model.contextLimit();
    if (limit.isEmpty() || tokens <= limit.getAsLong()) {
      return;
    }
    String exceeds =
        "--context "
            + tokens
            + " exceeds the context limit of model '"
            + label
            + "' ("
            + limit.getAsLong()
            + " tokens)";
    Optional<String> override = Optional.ofNullable(LONG_CONTEXT_OVERRIDES.get(engine));
    boolean overridden = override.map(this::envSet).orElse(false);
    if (allowLongContext || overridden) {
      io.warn(exceeds + "; planning anyway");
      return;
    }
    String reason;
    switch (engine) {
      case "vllm":
        // vLLM _get_and_verify_max_len (vllm/config.py)
        reason =
            "; vllm refuses it: User-specified max_model_len ("
                + tokens
                + ") is greater than the derived max_model_len (max_position_embeddings="
                + limit.getAsLong()
                + "), unless VLLM_ALLOW_LONG_MAX_MODEL_LEN=1";
        break;
      case "sglang":
        // SGLang ModelConfig._derive_context_length (sglang/srt/configs/model_config.py)
        reason =
            "; sglang refuses it: User-specified context_length ("
                + tokens
                + ") is greater than the derived context_length ("
                + limit.getAsLong()
                + "), unless SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1";
        break;
      default:
        reason = "";
    }
    throw usageError(exceeds + reason + "; add --allow-long-context to plan it anyway");
  }

  /** The environment variable with which each engine accepts a context beyond the model's. */
  private static final java.util.Map<String, String> LONG_CONTEXT_OVERRIDES =
      java.util.Map.of(
          "vllm", "VLLM_ALLOW_LONG_MAX_MODEL_LEN",
          "sglang", "SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN");

  /**
   * Whether environment variable {@code name} is {@code 1} or {@code true}, as the engines read it.
   */
  private boolean envSet(String name) {
    String value = env.get(name);
    return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
  }

  /** Runs {@code step}; an {@link IllegalArgumentException} becomes a usage error. */
  <T> T usage(Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw Usage.error(mixee.commandLine(), e);
    }
  }

  private ParameterException usageError(String message) {
    return Usage.error(mixee.commandLine(), message);
  }
}
