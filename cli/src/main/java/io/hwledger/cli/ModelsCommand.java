package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.MoeMlp;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.Planner;
import io.hwledger.math.local.CheckpointFinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger models}: the built-in model catalog, or with {@code --dir} the local checkpoints
 * under a directory ({@link ModelsDirListing}).
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the built-in model catalog: ids for 'plan --model'.",
      "With --dir, lists the GGUF and safetensors checkpoints under DIR instead, with the"
          + " 'plan' options that select each; shows progress on standard error when run on a"
          + " terminal."
    })
final class ModelsCommand implements Callable<Integer> {

  private final Streams io;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "List the local checkpoints under DIR (every *.gguf file, every directory of"
              + " *.safetensors files; "
              + CheckpointFinder.MAX_DEPTH
              + " directories deep).")
  Path dir;

  ModelsCommand(Streams io) {
    this.io = io;
  }

  /**
   * One catalog model as listed.
   *
   * @param entry the catalog entry
   * @param model its structure
   * @param totalParameters every parameter, all experts
   * @param activeParameters parameters used per token, lookup tables left out
   * @param activeWithEmbeddings {@code activeParameters} plus the input embedding (when untied) and
   *     a learned position table, as model cards count them
   * @param mixers the mixer labels present, in order of first appearance
   * @param moe whether any layer has a mixture-of-experts MLP
   */
  record Row(
      ModelCatalog.Entry entry,
      ModelSpec model,
      long totalParameters,
      long activeParameters,
      long activeWithEmbeddings,
      List<String> mixers,
      boolean moe) {}

  @Override
  public Integer call() {
    if (dir != null) {
      return new ModelsDirListing(io).list(Usage.directory(spec.commandLine(), "--dir", dir), json);
    }
    ModelCatalog catalog = ModelCatalog.builtIn();
    List<Row> rows = new ArrayList<>();
    for (ModelCatalog.Entry entry : catalog.entries()) {
      rows.add(row(entry, catalog.spec(entry.id())));
    }
    if (json) {
      printJson(rows);
    } else {
      printTable(rows);
    }
    return ErrorHandler.ExitCodes.OK;
  }

  private static Row row(ModelCatalog.Entry entry, ModelSpec model) {
    Planner planner = Planner.of(model);
    Set<String> mixers = new LinkedHashSet<>();
    boolean moe = false;
    for (LayerSpec layer : model.layers()) {
      mixers.add(layer.mixer().label());
      moe |= layer.mlp() instanceof MoeMlp;
    }
    return new Row(
        entry,
        model,
        planner.totalParameters(),
        planner.activeParameters(),
        planner.activeParametersWithEmbeddings(),
        List.copyOf(mixers),
        moe);
  }

  private void printTable(List<Row> rows) {
    TextTable table = new TextTable("llrrrrll");
    table.row("ID", "NAME", "PARAMS", "ACTIVE", "LAYERS", "CONTEXT", "MIXERS", "MOE");
    boolean anyReconstructed = false;
    for (Row row : rows) {
      ModelCatalog.Entry e = row.entry();
      anyReconstructed |= e.reconstructed();
      table.row(
          e.id() + (e.reconstructed() ? " *" : ""),
          e.name(),
          Units.billions(row.totalParameters()),
          Units.billions(row.activeParameters()),
          Integer.toString(row.model().layerCount()),
          row.model().contextLimit().isPresent()
              ? Long.toString(row.model().contextLimit().getAsLong())
              : "-",
          String.join("+", row.mixers()),
          row.moe() ? "yes" : "no");
    }
    table.print(io.out(), "");
    if (anyReconstructed) {
      io.out().println();
      io.out()
          .println(
              "* config reconstructed from published facts, not copied from the upstream"
                  + " config.json (see 'hwledger models --json' for sources)");
    }
  }

  private void printJson(List<Row> rows) {
    ObjectNode root = JsonWriter.object();
    ArrayNode models = root.putArray("models");
    for (Row row : rows) {
      ModelCatalog.Entry e = row.entry();
      ObjectNode node = models.addObject();
      node.put("id", e.id());
      node.put("name", e.name());
      node.put("repo", e.repo());
      ObjectNode parameters = node.putObject("parameters");
      parameters.put("total", row.totalParameters());
      parameters.put("active", row.activeParameters());
      parameters.put("activeWithEmbeddings", row.activeWithEmbeddings());
      node.put("layers", row.model().layerCount());
      JsonWriter.putOptional(node, "contextLimit", row.model().contextLimit());
      ArrayNode mixers = node.putArray("mixers");
      row.mixers().forEach(mixers::add);
      node.put("moe", row.moe());
      node.set("defaultPrecision", JsonWriter.precision(row.model().defaultPrecision()));
      node.put("reconstructed", e.reconstructed());
      node.put("source", e.source());
      node.put("upstream", e.upstream());
      JsonWriter.putOptional(node, "hubParameters", e.hubParameters());
    }
    JsonWriter.print(io.out(), root);
  }
}
