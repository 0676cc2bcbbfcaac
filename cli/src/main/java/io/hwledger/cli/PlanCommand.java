package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.Fit;
import io.hwledger.api.GenericEngine;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.LayerMemory;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.Precision;
import io.hwledger.api.Printable;
import io.hwledger.ledger.AppendResult;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.events.PlanComputed;
import io.hwledger.math.Planner;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hwledger plan}: the GPU memory one model needs for a workload on a deployment. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Plans the GPU memory of a model: weights, KV cache, recurrent state, activations and"
          + " runtime overhead, in total and on the most loaded GPU.",
      "TOKENS is a whole number with an optional binary suffix: 32K = 32768. BYTES is a whole"
          + " number with a unit: 80GiB = 85899345920 ("
          + Units.BYTE_UNITS
          + ")."
    })
final class PlanCommand implements Callable<Integer> {
  private static final int BAR_WIDTH = 20;

  private final Streams io;

  @Spec CommandSpec spec;

  @Mixin PlanOptions options = new PlanOptions();

  @Option(names = "--layers", description = "Also print one row per layer.")
  boolean layers;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Option(
      names = "--record",
      paramLabel = "DIR",
      arity = "0..1",
      fallbackValue = "",
      description =
          "Append a plan.computed event to the ledger in DIR (default: ~/.hwledger/ledger, or"
              + " --store), creating it when missing.")
  String record;

  @Option(
      names = "--store",
      paramLabel = "STORE",
      description =
          "With --record: the ledger to append to instead of DIR, "
              + LedgerLocation.STORE_HELP
              + ".")
  String store;

  PlanCommand(Streams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    LedgerTarget target =
        LedgerTarget.recording(spec.commandLine(), record, store, defaultLedger(), options.env);
    PlanOptions.Request request = options.resolve(io);
    Planner planner = request.planner();
    MemoryPlan plan =
        json || layers
            ? planner.planWithLayers(request.precision(), request.workload(), request.deployment())
            : planner.plan(request.precision(), request.workload(), request.deployment());
    Optional<Recorded> recorded =
        target == null ? Optional.empty() : Optional.of(record(target, request, plan));
    if (json) {
      ObjectNode document =
          JsonWriter.plan(request, plan, planner.activeParametersWithEmbeddings());
      recorded.ifPresent(
          r -> {
            ObjectNode node = document.putObject("recorded");
            node.put("seq", r.result().seq());
            node.put("hash", r.result().hashHex());
            node.put("ledger", r.ledger());
          });
      JsonWriter.print(io.out(), document);
    } else {
      printText(request, plan);
      recorded.ifPresent(
          r ->
              io.err()
                  .println(
                      "recorded plan as seq "
                          + r.result().seq()
                          + " (hash "
                          + r.result().hashHex()
                          + ") in "
                          + r.ledger()));
    }
    return ErrorHandler.ExitCodes.OK;
  }

  /** Where a plan was recorded. */
  private record Recorded(AppendResult result, String ledger) {}

  /** Appends the plan's {@code plan.computed} event to the {@code --record} ledger. */
  private Recorded record(LedgerTarget target, PlanOptions.Request request, MemoryPlan plan) {
    ObjectNode inputs = JsonWriter.planInputs(request, configHash());
    PlanComputed event =
        PlanComputed.of(
            request.modelLabel(),
            JsonWriter.text(inputs),
            plan.total().totalBytes(),
            plan.perGpu().totalBytes(),
            plan.fit().map(Fit::fits));
    try (LedgerStore ledger = target.openOrCreate()) {
      return new Recorded(ledger.append(event.toEvent()), target.shown());
    }
  }

  /** {@code ~/.hwledger/ledger}, from the {@code user.home} system property. */
  static Path defaultLedger() {
    return Path.of(System.getProperty("user.home"), ".hwledger", "ledger");
  }

  /** SHA-256 of the {@code --config} file's bytes, in hex; empty for a catalog model. */
  private Optional<String> configHash() {
    if (options.source.configFile().isEmpty()) {
      return Optional.empty();
    }
    Path file = options.source.configFile().get();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
      return Optional.of(HexFormat.of().formatHex(digest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private void printText(PlanOptions.Request request, MemoryPlan plan) {
    PrintStream out = io.out();
    out.println(header(request, plan));
    out.println();

    boolean split = request.deployment().gpuCount() > 1;
    TextTable table = new TextTable("lrr");
    table.row("Memory (GiB = 2^30 bytes)", "total", split ? "per GPU (most loaded)" : "per GPU");
    MemoryBreakdown total = plan.total();
    MemoryBreakdown gpu = plan.perGpu();
    table.row("  weights", Units.gib(total.weightsBytes()), Units.gib(gpu.weightsBytes()));
    table.row("  KV cache", Units.gib(total.kvCacheBytes()), Units.gib(gpu.kvCacheBytes()));
    table.row("  state", Units.gib(total.stateBytes()), Units.gib(gpu.stateBytes()));
    table.row(
        "  activations", Units.gib(total.activationBytes()), Units.gib(gpu.activationBytes()));
    table.row("  overhead", Units.gib(total.overheadBytes()), Units.gib(gpu.overheadBytes()));
    table.row("  total", Units.gib(total.totalBytes()), Units.gib(gpu.totalBytes()));
    table.print(out, "");

    if (plan.fit().isPresent()) {
      Fit fit = plan.fit().get();
      out.println();
      out.println(
          "Budget   "
              + Units.gib(fit.budgetBytes())
              + " per GPU"
              + budgetSource(request, fit.budgetBytes()));
      out.println(
          fit.fits()
              ? "Fits     yes, headroom " + Units.gib(fit.headroomBytes()) + " per GPU"
              : "Fits     NO, short by " + Units.gib(-fit.headroomBytes()) + " per GPU");
      out.println(
          "Per GPU  " + Units.bar(gpu.totalBytes(), fit.budgetBytes(), BAR_WIDTH, io.unicode()));
    }

    printEngine(out, request, plan);

    if (layers) {
      out.println();
      printLayers(out, plan, request.workload().sequences());
    }
  }

  private static void printEngine(PrintStream out, PlanOptions.Request request, MemoryPlan plan) {
    String engine = request.deployment().engine().id();
    if (plan.engine().isEmpty()) {
      if (!engine.equals(GenericEngine.ID)) {
        out.println();
        out.println(
            "Engine   "
                + engine
                + " sizes its KV cache from the GPU's memory: add --gpu or --memory");
      }
      return;
    }
    EnginePlan e = plan.engine().get();
    out.println();
    out.println(
        "Engine   "
            + engine
            + ": "
            + String.format(Locale.ROOT, "%,d", e.kvCacheTokens())
            + " tokens of KV cache, "
            + Units.gib(e.kvCacheBytes())
            + " per GPU within "
            + Units.gib(e.memoryLimitBytes()));
    out.println(
        "         "
            + String.format(Locale.ROOT, "%.2f", e.maxConcurrency())
            + " sequences of "
            + request.workload().contextTokens()
            + " tokens at once"
            + (e.hostBytes() > 0 ? "; host memory " + Units.gib(e.hostBytes()) : ""));
  }

  private static String budgetSource(PlanOptions.Request request, long budget) {
    long memory = request.deployment().memoryPerGpuBytes().orElse(budget);
    String share =
        budget == memory
            ? ""
            : request.deployment().engine().id() + "'s share of " + Units.gib(memory) + " of ";
    if (request.gpu().isEmpty()) {
      return " (" + share + "--memory)";
    }
    GpuSpec gpu = request.gpu().get();
    String where = " (" + share + gpu.name();
    if (!share.isEmpty() && gpu.cudaTotalBytes().isPresent()) {
      where += "; " + Units.gib(gpu.cudaTotalBytes().getAsLong()) + " to CUDA";
    }
    if (gpu.workingSetBytes().isPresent()) {
      where +=
          "; the GPU working-set limit of its " + Units.gib(gpu.memoryBytes()) + " unified memory";
    }
    return where + ")";
  }

  private static String header(PlanOptions.Request request, MemoryPlan plan) {
    Precision p = request.precision();
    StringBuilder line = new StringBuilder();
    line.append(Printable.escape(request.modelLabel()))
        .append(": ")
        .append(Units.billions(plan.totalParameters()))
        .append(" params (")
        .append(Units.billions(plan.activeParameters()))
        .append(" active), context ")
        .append(request.workload().contextTokens());
    plan.contextLimit().ifPresent(limit -> line.append(" of ").append(limit));
    long users = request.workload().sequences();
    line.append(" tokens, ").append(users).append(users == 1 ? " user" : " users");
    line.append(", weights ");
    if (request.fileType().isPresent()) {
      line.append(request.fileType().get()).append(" (llama.cpp file type)");
    } else {
      line.append(p.weights().name());
    }
    if (request.fileType().isEmpty() && !p.expertWeights().equals(p.weights())) {
      line.append(" (experts ").append(p.expertWeights().name()).append(')');
    }
    if (plan.total().kvCacheBytes() > 0) {
      line.append(", KV cache ").append(p.keyCache().name());
      if (!p.valueCache().equals(p.keyCache())) {
        line.append('/').append(p.valueCache().name());
      }
    }
    if (plan.total().stateBytes() > 0) {
      line.append(", state ").append(p.state().name());
    }
    Deployment d = request.deployment();
    line.append(", TP ")
        .append(d.tensorParallel())
        .append(" x PP ")
        .append(d.pipelineParallel())
        .append(" = ")
        .append((long) d.tensorParallel() * d.pipelineParallel())
        .append(d.tensorParallel() == 1 && d.pipelineParallel() == 1 ? " GPU" : " GPUs");
    return line.toString();
  }

  private static void printLayers(PrintStream out, MemoryPlan plan, long users) {
    TextTable table = new TextTable("rlrrrr");
    table.row("Layer", "Mixer", "Window", "KV/token", "KV cache", "State");
    for (LayerMemory layer : plan.layers()) {
      table.row(
          Integer.toString(layer.index()),
          layer.mixer(),
          layer.windowTokens().isPresent() ? Long.toString(layer.windowTokens().getAsLong()) : "-",
          Units.binary(layer.kvBytesPerToken()),
          Units.binary(layer.kvCacheBytes()),
          Units.binary(layer.stateBytesPerSequence() * users));
    }
    table.print(out, "");
    out.println(
        "(whole layers, before tensor parallelism; KV/token is one sequence's,"
            + " KV cache and State are every sequence's)");
  }
}
