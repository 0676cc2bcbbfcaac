package io.hwledger.fleet.placement;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.Engine;
import io.hwledger.api.GenericEngine;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.ModelFile;
import io.hwledger.ledger.events.PlanComputed;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.GpuCatalog;
import io.hwledger.math.HfConfigReader;
import io.hwledger.math.LlamaCppFileType;
import io.hwledger.math.LlamaCppQuantization;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.ModelSpecJson;
import io.hwledger.math.Planner;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineModels;
import io.hwledger.math.engine.EngineSetting;
import io.hwledger.math.engine.LaunchRequest;
import io.hwledger.math.engine.SettingValues;
import io.hwledger.math.engine.llamacpp.LlamaCppEngine;
import io.hwledger.math.engine.sglang.SglangEngine;
import io.hwledger.math.engine.trtllm.TensorRtLlmEngine;
import io.hwledger.math.engine.vllm.VllmEngine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Plans jobs for GPU kinds: a {@link JobSpec} on {@code tensorParallel} GPUs of one {@link GpuKind}
 * becomes a {@link JobPlan}, the way {@code hwledger plan} would plan it with the job's model,
 * engine, settings, workload and formats on that GPU.
 *
 * <p>Plans are cached per job and GPU kind (the most recent {@value #DEFAULT_CACHE_SIZE}), and so
 * are the errors of jobs that cannot be planned, since placement asks for the same plans on every
 * decision. Thread-safe: concurrent misses may plan the same job twice, with equal results.
 */
public final class JobPlanner {
  /** Plans kept by {@link #builtIn()}. */
  public static final int DEFAULT_CACHE_SIZE = 1024;

  /** Engines that take their memory limit when they start, whatever the workload needs. */
  private static final Set<String> PREALLOCATING =
      Set.of(VllmEngine.ID, SglangEngine.ID, TensorRtLlmEngine.ID);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ModelCatalog models;
  private final GpuCatalog gpus;
  private final EngineModels engines;
  private final PlanCache cache;

  private JobPlanner(ModelCatalog models, GpuCatalog gpus, EngineModels engines, int cacheSize) {
    this.models = models;
    this.gpus = gpus;
    this.engines = engines;
    this.cache = new PlanCache(cacheSize);
  }

  /**
   * A planner with the built-in model and GPU catalogs and the engine models on the class path
   * ({@link EngineModels#defaults()}).
   *
   * @return a new planner with an empty cache of {@value #DEFAULT_CACHE_SIZE} plans
   */
  public static JobPlanner builtIn() {
    return builtIn(DEFAULT_CACHE_SIZE);
  }

  /**
   * A planner like {@link #builtIn()} that keeps the {@code cacheSize} most recently used plans.
   *
   * @param cacheSize plans (and planning errors) kept, at least 1
   * @return a new planner with an empty cache
   * @throws IllegalArgumentException if {@code cacheSize} is not positive
   */
  public static JobPlanner builtIn(int cacheSize) {
    return new JobPlanner(
        ModelCatalog.builtIn(), GpuCatalog.builtIn(), EngineModels.defaults(), cacheSize);
  }

  /**
   * Plans {@code spec} on {@code spec.tensorParallel()} GPUs of kind {@code gpu}.
   *
   * @param spec the job
   * @param gpu the GPU kind, as an agent reported it
   * @return the plan, possibly one that does not fit ({@link JobPlan#fits()})
   * @throws IllegalArgumentException with one line naming what is wrong with the job: an unknown
   *     model or engine, a {@code config.json} that cannot be read, an engine setting that is
   *     unknown or invalid, a format the model or engine cannot take, a tensor-parallel degree the
   *     model's heads cannot be split by, or a job its engine cannot start
   */
  public JobPlan plan(JobSpec spec, GpuKind gpu) {
    Objects.requireNonNull(spec, "spec");
    if (spec.modelFile() != null) {
      throw new IllegalArgumentException(
          "job names model file " + spec.modelFile() + ": plan it with the agent's ModelFile");
    }
    return cached(spec, gpu, null);
  }

  /**
   * Plans {@code spec}, a job naming a model file, on {@code spec.tensorParallel()} GPUs of kind
   * {@code gpu} with the model and weight bytes an agent read from that file.
   *
   * @param spec the job; its {@link JobSpec#modelFile()} is {@code file}'s path
   * @param gpu the GPU kind, as the agent reported it
   * @param file the file as the agent reported it, readable
   * @return the plan, possibly one that does not fit ({@link JobPlan#fits()})
   * @throws IllegalArgumentException with one line naming what is wrong, as {@link #plan(JobSpec,
   *     GpuKind)} does, or when {@code file} is not the job's or could not be read
   */
  public JobPlan plan(JobSpec spec, GpuKind gpu, ModelFile file) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(file, "file");
    if (!file.path().equals(spec.modelFile())) {
      throw new IllegalArgumentException(
          "model file " + file.path() + " is not the job's (" + spec.modelFile() + ")");
    }
    if (file.error() != null) {
      throw new IllegalArgumentException("model file " + file.path() + ": " + file.error());
    }
    return cached(spec, gpu, file);
  }

  private JobPlan cached(JobSpec spec, GpuKind gpu, @Nullable ModelFile file) {
    Objects.requireNonNull(gpu, "gpu");
    PlanCache.Key key = new PlanCache.Key(spec, gpu, file);
    Object cached = cache.get(key);
    if (cached == null) {
      try {
        cached = compute(spec, gpu, file);
      } catch (IllegalArgumentException e) {
        cached = new Failure(oneLine(e.getMessage()));
      }
      cache.put(key, cached);
    }
    if (cached instanceof Failure f) {
      throw new IllegalArgumentException(f.message());
    }
    return (JobPlan) cached;
  }

  /** A job that cannot be planned, cached like a plan. */
  private record Failure(String message) {}

  private JobPlan compute(JobSpec spec, GpuKind kind, @Nullable ModelFile file) {
    List<String> notes = new ArrayList<>();

    // The model, as `plan --model`, `plan --config` or `plan --gguf/--safetensors` reads it
    ModelSpec model;
    Optional<CheckpointWeights> checkpoint = Optional.empty();
    String label;
    String source;
    Optional<String> repo;
    Optional<String> configSha256;
    String catalogId = spec.model();
    String architecture = ""; // model_type: how llama.cpp converts it, for a file type's plan
    if (file != null) {
      model = Objects.requireNonNull(file.spec(), "spec");
      checkpoint = Optional.of(Objects.requireNonNull(file.weights(), "weights"));
      label = model.name();
      source = file.format();
      repo = Optional.empty();
      configSha256 = Optional.empty();
    } else if (catalogId != null) {
      model = models.spec(catalogId); // an unknown id: "unknown model 'x' (known: …)"
      Optional<ModelCatalog.Entry> entry = models.find(catalogId);
      label = entry.map(ModelCatalog.Entry::id).orElse(catalogId);
      architecture = models.modelType(catalogId);
      source = "catalog";
      repo = entry.map(ModelCatalog.Entry::repo);
      configSha256 = Optional.empty();
    } else {
      String config = Objects.requireNonNull(spec.config(), "config");
      String path = spec.modelPath();
      try {
        model = HfConfigReader.parse(config, path != null ? path : "config.json");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("config: " + e.getMessage(), e);
      }
      try {
        architecture = LlamaCppQuantization.architecture(JSON.readTree(config));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("config: " + e.getOriginalMessage(), e);
      }
      label = model.name();
      source = "config";
      repo = Optional.empty();
      configSha256 = Optional.of(sha256(config));
    }

    // The workload
    long context = spec.contextTokens();
    OptionalLong limit = model.contextLimit();
    if (limit.isPresent() && context > limit.getAsLong()) {
      notes.add(
          "contextTokens "
              + context
              + " exceeds the context limit of "
              + label
              + " ("
              + limit.getAsLong()
              + " tokens); planned anyway");
    }
    Workload workload = Workload.of(context, spec.users());

    // Formats
    Precision precision = model.defaultPrecision();
    if (file != null && spec.weights() != null) {
      throw new IllegalArgumentException(
          "weights: a modelFile job's weights are what "
              + file.path()
              + " stores ("
              + precision.weights().name()
              + "); leave weights out");
    }
    Optional<LlamaCppFileType> fileType = Optional.empty();
    if (spec.weights() != null) {
      // as plan --weights [--imatrix]: a quantised llama.cpp file type plans the tensor bytes
      // llama-quantize writes (with an importance matrix if the job says so, else only where
      // llama.cpp requires one), anything else is a format
      fileType = LlamaCppFileType.findQuantised(spec.weights());
      if (fileType.isPresent()) {
        LlamaCppFileType type = fileType.get();
        try {
          LlamaCppQuantization q = LlamaCppQuantization.of(model, architecture);
          checkpoint = Optional.of(spec.imatrix() ? q.weights(type, true) : q.weights(type));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("weights: " + e.getMessage(), e);
        }
        precision = precision.withWeights(type.defaultType().orElseThrow());
      } else {
        precision = precision.withWeights(dtype("weights", spec.weights()));
      }
    }
    if (spec.imatrix() && fileType.isEmpty()) {
      throw new IllegalArgumentException(
          "imatrix applies to a llama.cpp file type: weights '" + spec.weights() + "' is a format");
    }
    if (spec.kvCache() != null) {
      precision = precision.withKvCache(dtype("kvCache", spec.kvCache()));
    }

    int tp = spec.tensorParallel();
    TensorSplits.check(model, label, tp);

    // The GPU, then the engine (whose defaults may follow the GPU)
    GpuSpec gpu = gpuSpec(kind, notes);
    EngineModel<?> engineModel =
        engines
            .find(spec.engine())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown engine '"
                            + spec.engine()
                            + "' (known: "
                            + String.join(", ", engines.ids())
                            + ")"));
    Map<String, String> settings = settings(engineModel, spec.settings());
    Engine engine = engineModel.configure(SettingValues.of(settings), Optional.of(gpu));
    Deployment deployment =
        Deployment.singleGpu().withTensorParallel(tp).onGpu(gpu).withEngine(engine);

    Planner planner = checkpoint.map(w -> Planner.of(model, w)).orElseGet(() -> Planner.of(model));
    MemoryPlan plan = planner.plan(precision, workload, deployment);
    long claim =
        PREALLOCATING.contains(engine.id()) && plan.engine().isPresent()
            ? plan.engine().get().memoryLimitBytes()
            : plan.perGpu().totalBytes();

    Optional<List<String>> launch;
    if (engine.id().equals(GenericEngine.ID)) {
      launch = Optional.empty();
      notes.add(
          "the generic engine has no launch command: name an engine ("
              + engines.ids().stream()
                  .filter(id -> !id.equals(GenericEngine.ID))
                  .collect(Collectors.joining(", "))
              + ") to run the job");
    } else {
      launch =
          Optional.of(
              launchCommand(
                  spec,
                  engine,
                  model,
                  label,
                  source,
                  repo,
                  precision,
                  workload,
                  deployment,
                  notes));
    }

    ObjectNode inputs =
        inputs(
            label,
            source,
            file,
            configSha256,
            workload,
            precision,
            deployment,
            gpu,
            kind,
            engineModel.id(),
            settings);
    fileType.ifPresent(
        t -> {
          // which mix the weights are: the format above is only the mix's default type
          ObjectNode p = (ObjectNode) inputs.get("precision");
          p.put("llamaCppFileType", t.name());
          p.put("imatrix", spec.imatrix());
        });
    PlanComputed event =
        PlanComputed.of(
            label,
            inputs.toString(),
            plan.total().totalBytes(),
            plan.perGpu().totalBytes(),
            plan.fit().map(f -> f.fits()));
    return new JobPlan(kind, gpu, tp, engine.id(), plan, claim, launch, event, notes);
  }

  private static DType dtype(String field, String text) {
    try {
      return DType.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }

  /**
   * The catalog's entry for the reported name ({@link GpuCatalog#findReported}), with the reported
   * total as its memory (what the fit verdict and llama.cpp size themselves from) and, where the
   * catalog knows the runtime's reservation, the reported total less it as the CUDA-visible total
   * (what vLLM, SGLang and TensorRT-LLM budget from: {@code cudaMemGetInfo}); or, when the catalog
   * has none, a specification of the reported name and total alone.
   */
  private GpuSpec gpuSpec(GpuKind kind, List<String> notes) {
    Optional<GpuSpec> found = gpus.findReported(kind.vendor(), kind.productName());
    if (found.isEmpty()) {
      notes.add(
          "GPU '"
              + kind.productName()
              + "' is not in the GPU catalog: planned with its reported total of "
              + kind.totalBytes()
              + " bytes");
      return new GpuSpec(
          kind.productName(),
          kind.productName(),
          kind.vendor(),
          kind.totalBytes(),
          OptionalLong.empty(),
          kind.integrated(),
          OptionalLong.empty(),
          Map.of(),
          List.of());
    }
    GpuSpec c = found.get();
    OptionalLong cudaTotal = runtimeTotal(c, kind.totalBytes());
    if (c.memoryBytes() != kind.totalBytes()) {
      notes.add(
          "GPU '"
              + kind.productName()
              + "' reports "
              + kind.totalBytes()
              + " bytes, the catalog's "
              + c.id()
              + " lists "
              + c.memoryBytes()
              + ": planned with the reported total"
              + (cudaTotal.isPresent()
                  ? " (" + cudaTotal.getAsLong() + " bytes to CUDA, less the catalog's reservation)"
                  : ""));
    }
    OptionalLong workingSet =
        c.workingSetBytes().isPresent() && c.workingSetBytes().getAsLong() <= kind.totalBytes()
            ? c.workingSetBytes()
            : OptionalLong.empty();
    return new GpuSpec(
        c.id(),
        c.name(),
        c.vendor(),
        kind.totalBytes(),
        c.memoryBandwidthBytesPerSecond(),
        c.unifiedMemory(),
        workingSet,
        c.denseTeraFlops(),
        c.sources(),
        cudaTotal);
  }

  /**
   * The CUDA-visible total of a GPU reporting {@code reported} bytes: the catalog's own figure when
   * the report is the catalog's total, otherwise the report less the reservation the catalog
   * records between the two (480 MiB on Hopper); empty where the catalog has no CUDA figure (Apple)
   * or the reservation is not less than the report.
   */
  private static OptionalLong runtimeTotal(GpuSpec catalog, long reported) {
    if (catalog.cudaTotalBytes().isEmpty()) {
      return OptionalLong.empty();
    }
    long reserved = catalog.memoryBytes() - catalog.cudaTotalBytes().getAsLong();
    return reported > reserved ? OptionalLong.of(reported - reserved) : OptionalLong.empty();
  }

  /**
   * The job's settings as the engine model takes them: each must be one of the engine's; a flag is
   * given as {@code true} or {@code false} (the protocol has no empty values).
   */
  private static Map<String, String> settings(EngineModel<?> engine, Map<String, String> given) {
    Map<String, EngineSetting> known = new LinkedHashMap<>();
    engine.settings().forEach(s -> known.put(s.name(), s));
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : given.entrySet()) {
      EngineSetting setting = known.get(e.getKey());
      if (setting == null) {
        throw new IllegalArgumentException(
            "engine "
                + engine.id()
                + " has no setting '"
                + e.getKey()
                + "'"
                + (known.isEmpty()
                    ? " (it has none)"
                    : " (its settings: " + String.join(", ", known.keySet()) + ")"));
      }
      if (!setting.isFlag()) {
        out.put(e.getKey(), e.getValue());
      } else if (e.getValue().equals("true")) {
        out.put(e.getKey(), "");
      } else if (!e.getValue().equals("false")) {
        throw new IllegalArgumentException(
            "settings." + e.getKey() + " is a flag: true or false, was '" + e.getValue() + "'");
      }
    }
    return out;
  }

  /**
   * The engine's command line. The model argument is the job's {@code modelPath}, or the catalog
   * model's repository. llama.cpp runs a GGUF file: the job names it in {@code modelPath} and its
   * quantisation in {@code weights}, and the plan is made from the catalog's or config's layers at
   * that format, since the file itself is on the agent's host.
   */
  private List<String> launchCommand(
      JobSpec spec,
      Engine engine,
      ModelSpec model,
      String label,
      String source,
      Optional<String> repo,
      Precision precision,
      Workload workload,
      Deployment deployment,
      List<String> notes) {
    String path = spec.modelFile() != null ? spec.modelFile() : spec.modelPath();
    String argument;
    if (path != null) {
      argument = path;
    } else if (repo.isPresent()) {
      argument = repo.get();
    } else {
      throw new IllegalArgumentException(
          "modelPath is missing: a job given by its config.json must say what the engine loads");
    }
    ModelSpec launched = model;
    String launchSource = source;
    if (engine.id().equals(LlamaCppEngine.ID)) {
      if (path == null || !path.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
        throw new IllegalArgumentException(
            "llama.cpp runs GGUF files: modelFile or modelPath must be the .gguf file on the"
                + " agent's host");
      }
    }
    if (engine.id().equals(LlamaCppEngine.ID) && spec.modelFile() == null) {
      // The file stores the format the job declares in `weights`.
      launched = model.storedAs(model.defaultPrecision().withWeights(precision.weights()));
      launchSource = "gguf";
      notes.add(
          "llama.cpp: planned from "
              + label
              + "'s layers with weights in "
              + precision.weights().name()
              + " as the job declares; the GGUF file's own tensors were not read");
    }
    return engines.launch(
        new LaunchRequest(argument, launchSource, launched, precision, workload, deployment),
        engine);
  }

  /**
   * The plan's inputs for its {@code plan.computed} event: the fields {@code hwledger plan
   * --record} writes, plus the engine with the job's settings and the GPU as the agent reported it.
   */
  private static ObjectNode inputs(
      String label,
      String source,
      @Nullable ModelFile file,
      Optional<String> configSha256,
      Workload workload,
      Precision precision,
      Deployment deployment,
      GpuSpec gpu,
      GpuKind kind,
      String engine,
      Map<String, String> settings) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", label);
    root.put("modelSource", source);
    configSha256.ifPresent(hash -> root.put("configSha256", hash));
    if (file != null) {
      // what the agent read: the path, and the hash of the model and weight bytes planned with
      root.put("modelFile", file.path());
      root.put(
          "modelFileSha256",
          sha256(
              ModelSpecJson.write(Objects.requireNonNull(file.spec(), "spec"))
                  + "\n"
                  + ModelSpecJson.write(Objects.requireNonNull(file.weights(), "weights"))));
    }
    ObjectNode w = root.putObject("workload");
    w.put("contextTokens", workload.contextTokens());
    w.put("users", workload.sequences());
    w.put("prefillChunkTokens", workload.prefillChunkTokens());
    ObjectNode p = root.putObject("precision");
    p.put("weights", precision.weights().name());
    p.put("expertWeights", precision.expertWeights().name());
    p.put("unquantizedWeights", precision.unquantizedWeights().name());
    p.put("keyCache", precision.keyCache().name());
    p.put("valueCache", precision.valueCache().name());
    p.put("state", precision.state().name());
    ObjectNode d = root.putObject("deployment");
    d.put("tensorParallel", deployment.tensorParallel());
    d.put("pipelineParallel", deployment.pipelineParallel());
    d.put("gpu", gpu.id());
    d.put("memoryPerGpuBytes", gpu.memoryBudgetBytes());
    d.put("gpuProductName", kind.productName());
    d.put("gpuVendor", kind.vendor());
    d.put("gpuTotalBytes", kind.totalBytes());
    ObjectNode e = root.putObject("engine");
    e.put("name", engine);
    ObjectNode s = e.putObject("settings");
    settings.forEach(s::put);
    return root;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** {@code message} on one line: line breaks become spaces. */
  static String oneLine(@Nullable String message) {
    if (message == null) {
      return "invalid job";
    }
    return message.replaceAll("\\R+", " ").strip();
  }
}
