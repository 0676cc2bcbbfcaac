package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.Fit;
import io.hwledger.api.MemoryPlan;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hwledger export}: the engine command line that realises a plan. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Prints the command that starts an engine with a plan's settings: model, context,"
          + " parallelism, KV cache format, memory fraction, GPU layers and slots.",
      "Takes the options of 'plan'; --engine is required. Warnings (the plan does not fit,"
          + " fewer sequences fit than --users) go to stderr."
    })
final class ExportCommand implements Callable<Integer> {
  private final Streams io;

  @Mixin PlanOptions options = new PlanOptions();

  @Option(names = "--json", description = "Print {\"engine\", \"command\": [args], \"line\"}.")
  boolean json;

  ExportCommand(Streams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    PlanOptions.Request request = options.resolve(io);
    MemoryPlan plan =
        request.planner().plan(request.precision(), request.workload(), request.deployment());
    List<String> command = options.usage(() -> EngineLaunch.command(request));
    warn(request, plan);
    String line = EngineLaunch.shellLine(command);
    if (json) {
      ObjectNode root = JsonWriter.object();
      root.put("engine", request.deployment().engine().id());
      ArrayNode args = root.putArray("command");
      command.forEach(args::add);
      root.put("line", line);
      JsonWriter.print(io.out(), root);
    } else {
      io.out().println(line);
    }
    return ErrorHandler.ExitCodes.OK;
  }

  private void warn(PlanOptions.Request request, MemoryPlan plan) {
    if (plan.fit().isPresent() && !plan.fit().get().fits()) {
      Fit fit = plan.fit().get();
      io.warn("the plan does not fit: short by " + Units.gib(-fit.headroomBytes()) + " per GPU");
    }
    if (plan.engine().isPresent()) {
      EnginePlan e = plan.engine().get();
      long users = request.workload().sequences();
      if (e.maxConcurrency() < users) {
        io.warn(
            String.format(
                Locale.ROOT,
                "the engine holds %.2f sequences of %d tokens at once, fewer than --users %d",
                e.maxConcurrency(),
                request.workload().contextTokens(),
                users));
      }
    }
  }
}
