package io.hwledger.math.engine;

import io.hwledger.api.Deployment;
import io.hwledger.api.Engine;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.math.Utilization;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An inference engine's memory model: its settings (names, defaults, validation), the rules by
 * which it budgets GPU memory, and the command that starts it. Found with {@link
 * java.util.ServiceLoader} ({@link EngineModels}): a built-in engine is one package of {@code
 * io.hwledger.math.engine}, and a third party adds one by implementing this interface and its
 * {@link Engine} settings type and listing the model in {@code
 * META-INF/services/io.hwledger.math.engine.EngineModel} (and {@code provides} on the module path).
 * {@code hwledger-tck}'s {@code EngineModelContract} checks the contract.
 *
 * <p>Implementations are stateless and thread-safe, and have a public no-argument constructor that
 * does nothing else.
 *
 * @param <E> the engine's settings type
 */
public interface EngineModel<E extends Engine> {

  /**
   * The engine's identifier, equal to its settings' {@link Engine#id()}: lower-case letters, digits
   * and {@code -}.
   *
   * @return the id, e.g. {@code vllm}
   */
  String id();

  /**
   * Other names {@code --engine} accepts, e.g. {@code llama.cpp}; compared ignoring case, - and _.
   *
   * @return the aliases; empty by default
   */
  default Set<String> aliases() {
    return Set.of();
  }

  /**
   * One line naming the engine and the version its rules follow, e.g. for {@code --help}.
   *
   * @return a non-blank line without line breaks
   */
  String description();

  /**
   * The engine's settings type; {@link EngineModels#modelOf} requires an engine to be an instance.
   *
   * @return the class of {@code E}
   */
  Class<E> settingsType();

  /**
   * The settings a user can give, named as the engine's own options are ({@code
   * gpu-memory-utilization}); the command line offers each as {@code --NAME}.
   *
   * @return the settings, each name once
   */
  List<EngineSetting> settings();

  /**
   * Every setting at its default, with no GPU known.
   *
   * @return what {@code configure(SettingValues.none(), Optional.empty())} returns
   */
  E defaults();

  /**
   * The engine with the given settings and the defaults of those not given, which may depend on the
   * GPU planned for.
   *
   * @param values only settings this model lists ({@link #settings()})
   * @param gpu the GPU planned for, whose memory some defaults follow; empty when unknown
   * @return the engine's settings
   * @throws IllegalArgumentException naming a value that is malformed or out of range
   */
  E configure(SettingValues values, Optional<GpuSpec> gpu);

  /**
   * The fractions of a GPU's peak the speed model assumes this engine reaches (default: {@link
   * Utilization#SERVING}, the data-centre serving engines').
   *
   * @return the memory-bandwidth and model-FLOPs fractions
   */
  default Utilization utilization() {
    return Utilization.SERVING;
  }

  /**
   * The fractions and per-layer time the speed model assumes this engine reaches on {@code gpu}:
   * {@link #utilization()} unless the engine's backend depends on the GPU (llama.cpp and MLX run on
   * Metal on Apple GPUs).
   *
   * @param gpu the GPU the engine runs on
   * @return the engine's utilisation on that GPU
   */
  default Utilization utilization(GpuSpec gpu) {
    Objects.requireNonNull(gpu, "gpu");
    return utilization();
  }

  /**
   * The precision the engine stores its caches in under {@code engine}: {@code precision} unless
   * the engine overrides the cache formats (MLX's {@code --kv-bits}).
   *
   * @param precision the plan's precision
   * @param engine the engine's settings
   * @return the precision whose KV cache and state formats the plan sizes caches with
   */
  default Precision cachePrecision(Precision precision, E engine) {
    return precision;
  }

  /**
   * Refuses a model and deployment the engine itself would refuse when it starts (tensor
   * parallelism that does not divide the attention heads, KV heads that can be neither split nor
   * replicated), before anything is planned. The default accepts everything.
   *
   * @param model the model
   * @param deployment the parallelism and budget
   * @param engine the engine's settings
   * @throws IllegalArgumentException in one line naming the engine and quoting its reason
   */
  default void validate(ModelSpec model, Deployment deployment, E engine) {}

  /**
   * Plans memory the way the engine allocates it, from what each pipeline stage holds before the
   * engine sizes its caches and buffers.
   *
   * @param input the model, cache precision, workload, deployment and each stage's load
   * @param engine the engine's settings
   * @return each stage's bytes per GPU, the verdict against the budget, and the engine's figures
   * @throws IllegalArgumentException when the engine cannot run the deployment (llama.cpp with
   *     tensor parallelism)
   */
  EngineResult plan(PlanInput input, E engine);

  /**
   * The command line that starts the engine with the plan's model, context, parallelism, cache
   * format and settings, using only flags and values the engine accepts.
   *
   * @param request the model source, plan and deployment to launch
   * @param engine the engine's settings
   * @return the program and its arguments, none empty
   * @throws IllegalArgumentException naming what the engine cannot do (a cache format it does not
   *     accept, a model file it cannot run)
   */
  List<String> launch(LaunchRequest request, E engine);
}
