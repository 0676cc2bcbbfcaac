package io.hwledger.math.engine;

import io.hwledger.api.Deployment;
import io.hwledger.api.Engine;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.ModelSpec;
import io.hwledger.math.Utilization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The engine models the planner knows: those found with {@link ServiceLoader} (the built-in ones,
 * listed in this module, and any third party's on the class path or module path), the built-in ones
 * first in a fixed order ({@code generic}, {@code vllm}, {@code llamacpp}, {@code sglang}, {@code
 * trtllm}, {@code mlx}), then the others by id. A provider that fails to load is logged and
 * skipped, so one broken jar cannot break the rest; of two models whose ids are equal ignoring
 * case, {@code -} and {@code _}, or whose id is an earlier model's alias, the first is kept and the
 * other logged.
 *
 * <p>Immutable and thread-safe. {@link #defaults()} is discovered once; {@link #of(List)} builds a
 * registry from given models (tests, applications that want a fixed set).
 */
public final class EngineModels {
  // The JDK's logger, as the telemetry registry (GpuBackends) uses: core-math adds no dependency.
  private static final System.Logger LOG = System.getLogger(EngineModels.class.getName());

  private final List<EngineModel<?>> models;
  private final Map<String, EngineModel<?>> byKey;

  /** By exact id: what a plan looks up, without normalising the name. */
  private final Map<String, EngineModel<?>> byId;

  private EngineModels(List<EngineModel<?>> found) {
    Map<String, EngineModel<?>> keys = new LinkedHashMap<>();
    List<EngineModel<?>> kept = new ArrayList<>();
    for (EngineModel<?> model : found) {
      String id = model.id();
      if (keys.containsKey(key(id))) {
        LOG.log(
            System.Logger.Level.WARNING,
            "engine model {0} ignored: id ''{1}'' is taken",
            model.getClass().getName(),
            id);
        continue;
      }
      kept.add(model);
      keys.put(key(id), model);
      for (String alias : model.aliases()) {
        keys.putIfAbsent(key(alias), model);
      }
    }
    this.models = Collections.unmodifiableList(kept);
    this.byKey = Map.copyOf(keys);
    Map<String, EngineModel<?>> ids = new LinkedHashMap<>();
    kept.forEach(m -> ids.put(m.id(), m));
    this.byId = Map.copyOf(ids);
  }

  /**
   * The models found with {@link ServiceLoader}, discovered on first use.
   *
   * @return the shared registry
   */
  public static EngineModels defaults() {
    return Holder.DEFAULT;
  }

  /**
   * A registry of {@code models}, in the given order, without discovery.
   *
   * @param models the models; of two with the same id, as for {@link #defaults()}, the first is
   *     kept
   * @return a new registry
   */
  public static EngineModels of(List<? extends EngineModel<?>> models) {
    return new EngineModels(List.copyOf(models));
  }

  private static final class Holder {
    static final EngineModels DEFAULT = discover();
  }

  @SuppressWarnings("rawtypes") // ServiceLoader of a generic interface
  private static EngineModels discover() {
    List<EngineModel<?>> found = new ArrayList<>();
    Iterator<EngineModel> it =
        ServiceLoader.load(EngineModel.class, EngineModels.class.getClassLoader()).iterator();
    for (int failures = 0; failures < 100; ) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next());
      } catch (ServiceConfigurationError e) {
        failures++;
        LOG.log(
            System.Logger.Level.WARNING,
            "an engine model failed to load and was skipped: {0}",
            e.getMessage());
      }
    }
    found.sort(
        java.util.Comparator.comparingInt((EngineModel<?> m) -> rank(m.id()))
            .thenComparing(EngineModel::id));
    return new EngineModels(found);
  }

  /**
   * The built-in engines come first, generic first, in the order of {@link #BUILT_IN}; others after
   * them by id: the class path's order does not decide what {@code --help} lists first.
   */
  private static int rank(String id) {
    int i = BUILT_IN.indexOf(id);
    return i < 0 ? BUILT_IN.size() : i;
  }

  /** The built-in engines' ids, in the order they are listed. */
  private static final List<String> BUILT_IN =
      List.of("generic", "vllm", "llamacpp", "sglang", "trtllm", "mlx");

  /**
   * Every model, in registry order ({@code generic} first in {@link #defaults()}).
   *
   * @return an unmodifiable list
   */
  public List<EngineModel<?>> all() {
    return models;
  }

  /**
   * The model with id or alias {@code name}, compared ignoring case, surrounding whitespace, {@code
   * -} and {@code _}.
   *
   * @param name an id or alias as a user typed it, e.g. {@code llama.cpp} or {@code VLLM}
   * @return the model, or empty if none has that name
   */
  public Optional<EngineModel<?>> find(String name) {
    Objects.requireNonNull(name, "name");
    return Optional.ofNullable(byKey.get(key(name)));
  }

  /**
   * The model named {@code name}, as {@link #find} matches it.
   *
   * @param name an id or alias
   * @return the model
   * @throws IllegalArgumentException naming the known engines when none matches
   */
  public EngineModel<?> get(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown engine '" + name + "'; expected one of " + String.join(", ", ids())));
  }

  /**
   * The ids, in registry order.
   *
   * @return e.g. {@code generic}, {@code vllm}, …; unmodifiable
   */
  public List<String> ids() {
    return models.stream().map(EngineModel::id).collect(Collectors.toUnmodifiableList());
  }

  /**
   * The model of {@code engine}'s settings type, looked up by its exact {@link Engine#id()}.
   *
   * @param engine an engine's settings
   * @return the model that plans it
   * @throws IllegalArgumentException when no model has its id, or the model's settings type is not
   *     the engine's class
   */
  public EngineModel<?> modelOf(Engine engine) {
    Objects.requireNonNull(engine, "engine");
    EngineModel<?> model = byId.get(engine.id());
    if (model == null) {
      throw new IllegalArgumentException(
          "no engine model for engine '"
              + engine.id()
              + "' (known: "
              + String.join(", ", ids())
              + ")");
    }
    if (!model.settingsType().isInstance(engine)) {
      throw new IllegalArgumentException(
          "engine '"
              + engine.id()
              + "' is a "
              + engine.getClass().getName()
              + ", not the "
              + model.settingsType().getName()
              + " its model plans");
    }
    return model;
  }

  /**
   * The utilisation pair of {@code engine}'s model.
   *
   * @param engine an engine's settings
   * @return the model's {@link EngineModel#utilization()}
   * @throws IllegalArgumentException as {@link #modelOf}
   */
  public Utilization utilization(Engine engine) {
    return modelOf(engine).utilization();
  }

  /**
   * The utilisation of {@code engine}'s model on {@code gpu}.
   *
   * @param engine an engine's settings
   * @param gpu the GPU it runs on
   * @return the model's {@link EngineModel#utilization(GpuSpec)}
   * @throws IllegalArgumentException as {@link #modelOf}
   */
  public Utilization utilization(Engine engine, GpuSpec gpu) {
    return modelOf(engine).utilization(gpu);
  }

  /**
   * Refuses what {@code deployment}'s engine would refuse for {@code model} ({@link
   * EngineModel#validate}).
   *
   * @param model the model
   * @param deployment the parallelism, budget and engine
   * @throws IllegalArgumentException as {@link #modelOf}, or in one line quoting the engine's
   *     reason
   */
  public void validate(ModelSpec model, Deployment deployment) {
    validate(modelOf(deployment.engine()), model, deployment);
  }

  private static <E extends Engine> void validate(
      EngineModel<E> engineModel, ModelSpec model, Deployment deployment) {
    engineModel.validate(model, deployment, engineModel.settingsType().cast(deployment.engine()));
  }

  /**
   * The command line that starts {@code engine} for {@code request}.
   *
   * @param request the model source, plan and deployment to launch
   * @param engine an engine's settings
   * @return the program and its arguments, as {@link EngineModel#launch}
   * @throws IllegalArgumentException as {@link #modelOf}, or naming what the engine cannot do
   */
  public List<String> launch(LaunchRequest request, Engine engine) {
    return launch(modelOf(engine), request, engine);
  }

  private static <E extends Engine> List<String> launch(
      EngineModel<E> model, LaunchRequest request, Engine engine) {
    return model.launch(request, model.settingsType().cast(engine));
  }

  private static String key(String name) {
    return name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  @Override
  public String toString() {
    return "EngineModels" + ids();
  }
}
