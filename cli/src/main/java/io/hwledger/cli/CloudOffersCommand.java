package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.Fit;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.cloud.CheapestFit;
import io.hwledger.cloud.Offer;
import io.hwledger.cloud.OfferFit;
import io.hwledger.cloud.PriceReport;
import io.hwledger.cloud.SourceOutcome;
import io.hwledger.ledger.AppendResult;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.events.PlanComputed;
import io.hwledger.ledger.events.PriceObserved;
import io.hwledger.math.Planner;
import io.hwledger.math.Sizes;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.SettingValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hwledger cloud offers}: the cloud offers a model fits on, cheapest per token first. */
@Command(
    name = "offers",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Plans the model on every cloud offer (its GPU × count, as copies of each tensor-parallel"
          + " degree the engine accepts) and ranks those that hold --users sequences of --context"
          + " tokens by cost per million output tokens, at the batch each copy's plan allows.",
      "Offers that do not fit are listed after, each with its reason."
    })
final class CloudOffersCommand implements Callable<Integer> {
  /** Alternatives recorded with the chosen offer by --record. */
  private static final int RECORDED_ALTERNATIVES = 4;

  private final Streams io;
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Option(
      names = "--context",
      paramLabel = "TOKENS",
      required = true,
      description = "Tokens each sequence holds (prompt and output).")
  String context;

  @Option(
      names = "--users",
      paramLabel = "N",
      defaultValue = "1",
      description = "Sequences the deployment holds at once (default: ${DEFAULT-VALUE}).")
  String users;

  @Option(
      names = "--engine",
      paramLabel = "NAME",
      defaultValue = "vllm",
      completionCandidates = Usage.EngineIds.class,
      description = "The serving engine (${COMPLETION-CANDIDATES}; default: ${DEFAULT-VALUE}).")
  String engine;

  @Option(
      names = "--weights",
      paramLabel = "DTYPE",
      completionCandidates = Usage.DTypeNames.class,
      description = "Weight format, as plan --weights (default: the checkpoint's).")
  String weights;

  @Option(
      names = "--imatrix",
      description = "The --weights file type is quantised with an importance matrix.")
  boolean imatrix;

  @Option(
      names = "--max-batch",
      paramLabel = "N",
      defaultValue = "256",
      description =
          "Most sequences one copy decodes together (default: ${DEFAULT-VALUE}, vLLM's"
              + " --max-num-seqs on GPUs under 70 GiB).")
  String maxBatch;

  @Mixin CloudCommand.Selection selection = new CloudCommand.Selection();

  @Option(
      names = "--top",
      paramLabel = "N",
      defaultValue = "15",
      description = "Fitting offers to list (default: ${DEFAULT-VALUE}); --json lists all.")
  String top;

  @Option(
      names = "--record",
      paramLabel = "DIR",
      arity = "0..1",
      fallbackValue = "",
      description =
          "Append price.observed events for the cheapest offer and the next "
              + RECORDED_ALTERNATIVES
              + ", and its plan.computed, to the ledger in DIR (default: ~/.hwledger/ledger, or"
              + " --store).")
  String record;

  @Option(
      names = "--store",
      paramLabel = "STORE",
      description =
          "With --record: the ledger to append to instead of DIR, "
              + LedgerLocation.STORE_HELP
              + ".")
  String store;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  CloudOffersCommand(Streams io, Map<String, String> env) {
    this.io = io;
    this.env = env;
  }

  @Override
  public Integer call() {
    LedgerTarget target =
        LedgerTarget.recording(spec.commandLine(), record, store, PlanCommand.defaultLedger(), env);
    ModelSource.Loaded loaded = source.load(spec);
    ModelSpec model = loaded.spec();
    long contextTokens = usage(() -> Sizes.tokens("--context", context));
    long userCount = usage(() -> Sizes.count("--users", users, 1L << 20));
    long batchCap = usage(() -> Sizes.count("--max-batch", maxBatch, 1L << 20));
    long topCount = usage(() -> Sizes.count("--top", top, 1L << 20));
    EngineModel<?> engineModel = Usage.engine(spec.commandLine(), "--engine", engine);
    WeightsChoice.Resolved resolved =
        WeightsChoice.resolve(spec.commandLine(), weights, imatrix, source, loaded, io, "planning");
    Precision p = resolved.precision();
    Planner pl = resolved.planner(model);
    PriceReport report = selection.read(spec.commandLine(), io, env);
    List<OfferFit> ranked =
        usage(
            () ->
                CheapestFit.of(
                        pl,
                        p,
                        engineModel,
                        SettingValues.none(),
                        contextTokens,
                        userCount,
                        batchCap)
                    .rank(report.offers()));
    List<OfferFit> fitting = ranked.stream().filter(OfferFit::fits).toList();
    List<OfferFit> refused = ranked.stream().filter(f -> !f.fits()).toList();
    String label = source.model != null ? source.model : model.name();
    List<String> recorded =
        target == null || fitting.isEmpty()
            ? List.of()
            : record(target, label, engineModel.id(), contextTokens, fitting, report);
    if (json) {
      ObjectNode root = JsonWriter.object();
      root.put("model", label);
      root.put("engine", engineModel.id());
      root.put("contextTokens", contextTokens);
      root.put("users", userCount);
      root.set("sources", CloudPricesCommand.sources(report));
      ArrayNode fits = root.putArray("fits");
      fitting.forEach(f -> fits.add(fitJson(f, engineModel.id(), contextTokens)));
      ArrayNode no = root.putArray("refused");
      for (OfferFit f : refused) {
        ObjectNode n = no.addObject();
        n.set("offer", CloudPricesCommand.offer(f.offer()));
        n.put("reason", f.refusal().orElseThrow());
      }
      ArrayNode rec = root.putArray("recorded");
      recorded.forEach(rec::add);
      JsonWriter.print(io.out(), root);
      return ErrorHandler.ExitCodes.OK;
    }
    printText(label, engineModel.id(), contextTokens, userCount, topCount, fitting, refused);
    recorded.forEach(r -> io.err().println(r));
    return ErrorHandler.ExitCodes.OK;
  }

  private void printText(
      String label,
      String engineId,
      long contextTokens,
      long userCount,
      long topCount,
      List<OfferFit> fitting,
      List<OfferFit> refused) {
    io.out()
        .printf(
            Locale.ROOT,
            "%s on %s: %d users × %d tokens; %d offers fit, %d do not%n%n",
            label,
            engineId,
            userCount,
            contextTokens,
            fitting.size(),
            refused.size());
    if (!fitting.isEmpty()) {
      TextTable table = new TextTable("rlllrrrrrrl");
      table.row(
          "#",
          "provider",
          "offer",
          "GPUs",
          "TP×copies",
          "seqs",
          "headroom",
          "tok/s",
          "$/h",
          "$/Mtok",
          "market");
      int rank = 0;
      for (OfferFit f : fitting.subList(0, (int) Math.min(topCount, fitting.size()))) {
        Offer o = f.offer();
        OfferFit.Layout l = f.layout().orElseThrow();
        table.row(
            Integer.toString(++rank),
            o.provider(),
            o.sku(),
            o.gpuCount() + "× " + CloudCommand.gpuLabel(o),
            l.tensorParallel() + "×" + l.replicas(),
            Long.toString(l.sequencesPerReplica() * l.replicas()),
            Units.gib(l.headroomBytes()),
            l.decodeTokensPerSecond().isPresent()
                ? String.format(Locale.ROOT, "%.0f", l.decodeTokensPerSecond().getAsDouble())
                : "-",
            String.format(Locale.ROOT, "%.3f", o.usdPerInstanceHour()),
            l.usdPerMillionTokens().isPresent()
                ? String.format(Locale.ROOT, "%.3f", l.usdPerMillionTokens().getAsDouble())
                : "-",
            CloudCommand.marketLabel(o));
      }
      table.print(io.out(), "");
      io.out().println();
      io.out()
          .println(
              "export: "
                  + EngineLaunch.shellLine(exportCommand(fitting.get(0), engineId, contextTokens)));
    }
    List<OfferFit> tooSmall = refused.stream().filter(f -> f.offer().gpuId() != null).toList();
    if (!tooSmall.isEmpty()) {
      io.out().println();
      io.out().println("do not fit:");
      for (OfferFit f : tooSmall) {
        Offer o = f.offer();
        io.out()
            .println(
                "  "
                    + o.provider()
                    + " "
                    + o.sku()
                    + " ("
                    + o.gpuCount()
                    + "× "
                    + o.gpuId()
                    + "): "
                    + f.refusal().orElseThrow());
      }
    }
    // Offers whose GPU maps to no catalog GPU: one line per provider and name, not per offer.
    Map<String, Long> unmapped =
        refused.stream()
            .filter(f -> f.offer().gpuId() == null)
            .collect(
                Collectors.groupingBy(
                    f -> f.offer().provider() + " " + f.offer().gpuName(),
                    LinkedHashMap::new,
                    Collectors.counting()));
    if (!unmapped.isEmpty()) {
      io.out().println();
      io.out()
          .println(
              "not planned, GPU maps to no catalog GPU (unknown, or form factor not stated): "
                  + unmapped.entrySet().stream()
                      .map(
                          e ->
                              e.getKey()
                                  + (e.getValue() > 1 ? " (" + e.getValue() + " offers)" : ""))
                      .collect(Collectors.joining(", ")));
    }
  }

  /** The {@code hwledger export} line that starts the engine on one copy of a fitting offer. */
  private List<String> exportCommand(OfferFit f, String engineId, long contextTokens) {
    OfferFit.Layout l = f.layout().orElseThrow();
    List<String> args = new ArrayList<>(List.of("hwledger", "export"));
    args.addAll(source.arguments());
    args.addAll(
        List.of(
            "--engine",
            engineId,
            "--gpu",
            f.offer().gpuId() == null ? "?" : f.offer().gpuId(),
            "--tp",
            Integer.toString(l.tensorParallel()),
            "--context",
            Long.toString(contextTokens),
            "--users",
            Long.toString(l.sequencesPerReplica())));
    if (weights != null) {
      args.addAll(List.of("--weights", weights));
    }
    return args;
  }

  private ObjectNode fitJson(OfferFit f, String engineId, long contextTokens) {
    OfferFit.Layout l = f.layout().orElseThrow();
    ObjectNode n = JsonWriter.object();
    n.set("offer", CloudPricesCommand.offer(f.offer()));
    n.put("tensorParallel", l.tensorParallel());
    n.put("replicas", l.replicas());
    n.put("sequencesPerReplica", l.sequencesPerReplica());
    n.put("perGpuBytes", l.plan().perGpu().totalBytes());
    n.put("headroomBytes", l.headroomBytes());
    if (l.decodeTokensPerSecond().isPresent()) {
      n.put("decodeTokensPerSecond", l.decodeTokensPerSecond().getAsDouble());
    } else {
      n.putNull("decodeTokensPerSecond");
    }
    if (l.usdPerMillionTokens().isPresent()) {
      n.put("usdPerMillionTokens", l.usdPerMillionTokens().getAsDouble());
    } else {
      n.putNull("usdPerMillionTokens");
    }
    ArrayNode export = n.putArray("export");
    exportCommand(f, engineId, contextTokens).forEach(export::add);
    return n;
  }

  /**
   * Appends the prices of the cheapest offer and the next ones, and the cheapest plan, to the
   * {@code --record} ledger.
   *
   * @return one line per event appended
   */
  private List<String> record(
      LedgerTarget target,
      String label,
      String engineId,
      long contextTokens,
      List<OfferFit> fitting,
      PriceReport report) {
    List<String> lines = new ArrayList<>();
    try (LedgerStore ledger = target.openOrCreate()) {
      for (OfferFit f : fitting.subList(0, Math.min(fitting.size(), 1 + RECORDED_ALTERNATIVES))) {
        Offer o = f.offer();
        PriceObserved event =
            new PriceObserved(
                o.provider(),
                o.sku(),
                o.gpuName(),
                o.gpuCount(),
                o.memoryPerGpuBytes(),
                o.usdPerInstanceHour(),
                o.market().name() + "/" + o.tier().name(),
                o.fetchedAt().toString(),
                o.source(),
                origin(report, o.provider()));
        AppendResult r = ledger.append(event.toEvent());
        lines.add("recorded price of " + o.provider() + " " + o.sku() + " as seq " + r.seq());
      }
      OfferFit best = fitting.get(0);
      OfferFit.Layout l = best.layout().orElseThrow();
      ObjectNode inputs = JsonWriter.object();
      inputs.put("model", label);
      inputs.put("engine", engineId);
      inputs.put("gpu", best.offer().gpuId());
      inputs.put("tensorParallel", l.tensorParallel());
      inputs.put("contextTokens", contextTokens);
      inputs.put("sequences", l.sequencesPerReplica());
      inputs.put("provider", best.offer().provider());
      inputs.put("sku", best.offer().sku());
      PlanComputed plan =
          PlanComputed.of(
              label,
              JsonWriter.text(inputs),
              l.plan().total().totalBytes(),
              l.plan().perGpu().totalBytes(),
              l.plan().fit().map(Fit::fits));
      AppendResult r = ledger.append(plan.toEvent());
      lines.add("recorded the chosen plan as seq " + r.seq() + " in " + target.shown());
    }
    return lines;
  }

  private static String origin(PriceReport report, String provider) {
    return report.outcomes().stream()
        .filter(s -> s.source().equals(provider))
        .map(SourceOutcome::origin)
        .map(Enum::name)
        .findFirst()
        .orElse("UNKNOWN");
  }

  private <T> T usage(Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException ex) {
      throw Usage.error(spec.commandLine(), ex);
    }
  }
}
