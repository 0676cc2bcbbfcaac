package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.Deployment;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Printable;
import io.hwledger.api.Workload;
import io.hwledger.math.DecodeRate;
import io.hwledger.math.Interconnect;
import io.hwledger.math.Planner;
import io.hwledger.math.Sizes;
import io.hwledger.math.SpeedEstimate;
import io.hwledger.math.SpeedModel;
import io.hwledger.math.engine.EngineModel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hwledger perf}: time to first token, decode speed and cost of a model on a GPU. */
@Command(
    name = "perf",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Estimates time to first token, decode tokens/s per sequence and in aggregate for batch"
          + " sizes 1, 2, 4 ... N, and the cost per million output tokens, with a roofline whose"
          + " utilisation factors are calibrated per engine on published measurements"
          + " (docs/adr/0009-speed-model.md)."
    })
final class PerfCommand implements Callable<Integer> {
  private final Streams io;

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Option(
      names = "--gpu",
      paramLabel = "ID",
      required = true,
      completionCandidates = Usage.GpuIds.class,
      description = "A catalog GPU (id or name): ${COMPLETION-CANDIDATES}.")
  String gpu;

  @Option(names = "--tp", paramLabel = "N", defaultValue = "1", description = "TP degree.")
  String tp;

  @Option(names = "--pp", paramLabel = "N", defaultValue = "1", description = "PP degree.")
  String pp;

  @Option(
      names = "--weights",
      paramLabel = "DTYPE",
      completionCandidates = Usage.DTypeNames.class,
      description =
          "Weight format (default: the checkpoint's): a llama.cpp file type (Q4_K_M, IQ4_XS, ...:"
              + " each layer read at the bytes llama-quantize's per-tensor types give it), or a"
              + " format every linear weight takes: ${COMPLETION-CANDIDATES}; also int4_gN and"
              + " affineB_gN.")
  String weights;

  @Option(
      names = "--imatrix",
      description =
          "The --weights file type is quantised with an importance matrix (as plan --imatrix).")
  boolean imatrix;

  @Option(
      names = "--prompt",
      paramLabel = "TOKENS",
      defaultValue = "1024",
      description = "Prompt tokens for the time to first token (default: ${DEFAULT-VALUE}).")
  String prompt;

  @Option(
      names = "--context",
      paramLabel = "TOKENS",
      description = "Tokens each sequence caches while decoding (default: the --prompt value).")
  String context;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "1",
      description = "Largest batch; rows for 1, 2, 4 ... up to N (default: ${DEFAULT-VALUE}).")
  String batch;

  @Option(
      names = "--engine",
      paramLabel = "NAME",
      defaultValue = "generic",
      completionCandidates = Usage.EngineIds.class,
      description =
          "An engine, as plan --engine names it (${COMPLETION-CANDIDATES}): selects its"
              + " calibrated utilisation factors (llama.cpp's for llamacpp and mlx, the serving"
              + " engines' otherwise; default: ${DEFAULT-VALUE}).")
  String engine;

  @Option(
      names = "--interconnect",
      paramLabel = "LINK",
      description = "nvlink or pcie (default: nvlink for NVIDIA SXM/HGX/NVL parts, else pcie).")
  String interconnect;

  @Option(
      names = "--price",
      paramLabel = "USD",
      description = "Price per GPU-hour in US dollars; adds cost per million output tokens.")
  String price;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  PerfCommand(Streams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    ModelSource.Loaded loaded = source.load(spec);
    ModelSpec model = loaded.spec();
    GpuSpec device = Usage.gpu(spec.commandLine(), "--gpu", gpu);
    int tensorParallel = usage(() -> (int) Sizes.count("--tp", tp, Integer.MAX_VALUE));
    int pipelineParallel = usage(() -> (int) Sizes.count("--pp", pp, Integer.MAX_VALUE));
    long promptTokens = usage(() -> Sizes.tokens("--prompt", prompt));
    long contextTokens =
        context == null ? promptTokens : usage(() -> Sizes.tokens("--context", context));
    long maxBatch = usage(() -> Sizes.count("--batch", batch, 1L << 40));
    OptionalDouble usdPerGpuHour = price == null ? OptionalDouble.empty() : usage(this::price);
    Interconnect link =
        interconnect == null
            ? Interconnect.defaultFor(device)
            : usage(() -> Interconnect.parse(interconnect));
    WeightsChoice.Resolved resolved =
        WeightsChoice.resolve(
            spec.commandLine(), weights, imatrix, source, loaded, io, "estimating");
    Precision precision = resolved.precision();
    Planner planner = resolved.planner(model);
    EngineModel<?> engineModel = Usage.engine(spec.commandLine(), "--engine", engine);
    Deployment deployment =
        Deployment.singleGpu()
            .withTensorParallel(tensorParallel)
            .withPipelineParallel(pipelineParallel)
            .withEngine(engineModel.defaults())
            .onGpu(device);
    Workload workload = Workload.of(contextTokens, maxBatch);
    Precision p = precision;
    // What the options describe is valid by now; an estimate the model cannot make (a GPU without a
    // published bandwidth, more pipeline stages than layers) is a failed request, as in plan.
    SpeedEstimate e =
        SpeedModel.of(planner).estimateBatchSweep(p, promptTokens, workload, deployment, link);
    String label = source.model != null ? source.model : model.name();
    if (json) {
      JsonWriter.print(io.out(), toJson(label, p, engineModel.id(), e, usdPerGpuHour));
    } else {
      printText(label, p, engineModel.id(), e, usdPerGpuHour);
    }
    return ErrorHandler.ExitCodes.OK;
  }

  /**
   * US dollars per million output tokens: the deployment's GPUs cost {@code price · gpus} per hour
   * and make {@code tokensPerSecond · 3600} tokens in it.
   */
  static double costPerMillionTokens(double usdPerGpuHour, int gpus, double tokensPerSecond) {
    return usdPerGpuHour * gpus / (tokensPerSecond * 3600) * 1e6;
  }

  private OptionalDouble price() {
    double value;
    try {
      value = Double.parseDouble(price.trim());
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException("--price: '" + price + "' is not a number", ex);
    }
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("--price must be a non-negative number, was " + price);
    }
    return OptionalDouble.of(value);
  }

  private void printText(
      String label, Precision p, String engine, SpeedEstimate e, OptionalDouble price) {
    PrintStream out = io.out();
    out.println(
        Printable.escape(label)
            + " on "
            + e.gpu()
            + ", weights "
            + p.weights().name()
            + ", TP "
            + e.tensorParallel()
            + " x PP "
            + e.pipelineParallel()
            + ", context "
            + e.contextTokens()
            + " tokens");
    out.println(
        "Utilisation ("
            + engine
            + "): MBU "
            + fixed(e.memoryBandwidthUtilization(), 2)
            + ", MFU "
            + fixed(e.modelFlopsUtilization(), 2)
            + (e.layerSeconds() > 0
                ? ", " + fixed(e.layerSeconds() * 1e6, 0) + " us per layer and pass"
                : ""));
    out.println(
        "Time to first token ("
            + e.promptTokens()
            + "-token prompt): "
            + (e.prefillSeconds().isPresent()
                ? fixed(e.prefillSeconds().getAsDouble() * 1000, 1) + " ms"
                : "unknown (the catalog has no throughput for this GPU)"));
    out.println();
    TextTable table = new TextTable(price.isPresent() ? "rrrlr" : "rrrl");
    List<String> header =
        new ArrayList<>(List.of("Batch", "tok/s per seq", "tok/s total", "Bound"));
    if (price.isPresent()) {
      header.add("USD / M tokens");
    }
    table.row(header.toArray(new String[0]));
    for (DecodeRate r : e.decode()) {
      List<String> row =
          new ArrayList<>(
              List.of(
                  Long.toString(r.batch()),
                  fixed(r.tokensPerSecondPerSequence(), 1),
                  fixed(r.tokensPerSecond(), 1),
                  r.bound().name().toLowerCase(Locale.ROOT)));
      if (price.isPresent()) {
        row.add(
            fixed(costPerMillionTokens(price.getAsDouble(), e.gpuCount(), r.tokensPerSecond()), 3));
      }
      table.row(row.toArray(new String[0]));
    }
    table.print(out, "");
    if (price.isPresent()) {
      out.println("(price is per GPU-hour; cost covers all " + e.gpuCount() + " GPUs)");
    }
  }

  private static ObjectNode toJson(
      String label, Precision p, String engine, SpeedEstimate e, OptionalDouble price) {
    ObjectNode root = JsonWriter.object();
    root.put("model", label);
    root.put("gpu", e.gpu());
    root.put("weights", p.weights().name());
    root.put("tensorParallel", e.tensorParallel());
    root.put("pipelineParallel", e.pipelineParallel());
    root.put("gpus", e.gpuCount());
    root.put("promptTokens", e.promptTokens());
    root.put("contextTokens", e.contextTokens());
    root.put("interconnect", e.interconnect().name());
    root.put("engine", engine);
    root.put("memoryBandwidthUtilization", e.memoryBandwidthUtilization());
    root.put("modelFlopsUtilization", e.modelFlopsUtilization());
    root.put("layerSeconds", e.layerSeconds());
    if (e.computeDtype().isPresent()) {
      root.put("computeDtype", e.computeDtype().get());
    } else {
      root.putNull("computeDtype");
    }
    if (e.prefillSeconds().isPresent()) {
      root.put("timeToFirstTokenSeconds", e.prefillSeconds().getAsDouble());
    } else {
      root.putNull("timeToFirstTokenSeconds");
    }
    if (price.isPresent()) {
      root.put("usdPerGpuHour", price.getAsDouble());
    }
    ArrayNode rows = root.putArray("decode");
    for (DecodeRate r : e.decode()) {
      ObjectNode row = rows.addObject();
      row.put("batch", r.batch());
      row.put("tokensPerSecondPerSequence", r.tokensPerSecondPerSequence());
      row.put("tokensPerSecond", r.tokensPerSecond());
      row.put("bound", r.bound().name().toLowerCase(Locale.ROOT));
      if (price.isPresent()) {
        row.put(
            "usdPerMillionTokens",
            costPerMillionTokens(price.getAsDouble(), e.gpuCount(), r.tokensPerSecond()));
      }
    }
    return root;
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** Runs {@code step}; an {@link IllegalArgumentException} becomes a usage error. */
  private <T> T usage(Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException ex) {
      throw Usage.error(spec.commandLine(), ex);
    }
  }
}
