package io.hwledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The read-only fleet commands ({@code status}, {@code agents}, {@code gpus}, {@code models},
 * {@code jobs}, {@code accuracy}, {@code token list}, {@code admin list}): one {@code GET
 * /v1/admin/<view>}, printed as a table, or as the server's own JSON document with {@code --json};
 * {@code --watch} redraws it every interval until interrupted.
 */
abstract class FleetViewCommand implements Callable<Integer> {
  final FleetContext context;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print the server's JSON document instead of a table.")
  boolean json;

  @Option(names = "--watch", description = "Redraw every interval until interrupted (Ctrl-C).")
  boolean watch;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "2s",
      description = "Time between redraws with --watch: 500ms, 2s, 1m (default: ${DEFAULT-VALUE}).")
  String interval;

  @Mixin FleetAdminOption admin = new FleetAdminOption();

  FleetViewCommand(FleetContext context) {
    this.context = context;
  }

  /** The view's name in {@code /v1/admin/<view>}. */
  abstract String view();

  /** Prints {@code document}, the server's answer, as text. */
  abstract void print(JsonNode document, PrintStream out);

  @Override
  public Integer call() throws InterruptedException {
    Duration every;
    try {
      every = Durations.parse("--interval", interval);
    } catch (IllegalArgumentException e) {
      throw Usage.error(spec.commandLine(), e);
    }
    if (watch && json) {
      throw Usage.error(spec.commandLine(), "--watch and --json cannot be combined");
    }
    AdminApi api = admin.connect(spec.commandLine(), context);
    PrintStream out = context.io().out();
    do {
      JsonNode document = api.get(view());
      if (json) {
        JsonWriter.print(out, document);
      } else {
        if (watch && context.io().terminal()) {
          out.print("\033[H\033[2J"); // clear the screen, cursor home
        }
        if (watch) {
          out.println(
              api.server()
                  + " at "
                  + FleetCommand.time(context.clock().millis())
                  + ", every "
                  + Durations.format(every)
                  + " (Ctrl-C stops)");
        }
        print(document, out);
      }
      out.flush();
      if (watch) {
        Thread.sleep(every.toMillis());
      }
    } while (watch);
    return ErrorHandler.ExitCodes.OK;
  }

  /** {@code 12s ago}, or {@code -} for 0 (never). */
  String ago(long epochMillis) {
    if (epochMillis <= 0) {
      return "-";
    }
    long now = context.clock().millis();
    return now >= epochMillis
        ? Durations.format(Duration.ofMillis(now - epochMillis)) + " ago"
        : "in " + Durations.format(Duration.ofMillis(epochMillis - now));
  }

  /** {@code NOT_READY} → {@code not ready}. */
  static String words(String constant) {
    return constant.toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** The members of an object of counts, {@code 2 ready, 1 lost}; zero counts left out. */
  static String counts(JsonNode counts) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : counts.properties()) {
      if (e.getValue().asLong() != 0) {
        parts.add(e.getValue().asLong() + " " + words(e.getKey()));
      }
    }
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  /** Bytes in binary units, or {@code -} when the member is absent. */
  static String bytes(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isNumber() ? "-" : Units.binary(value.asLong());
  }

  /** {@code hwledger fleet status}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = "Shows the fleet's counts: agents by state, GPUs, jobs by state, ledger size.")
  static final class Status extends FleetViewCommand {
    Status(FleetContext context) {
      super(context);
    }

    @Override
    String view() {
      return "status";
    }

    @Override
    void print(JsonNode s, PrintStream out) {
      TextTable table = new TextTable("ll");
      table.row("fleet", s.path("fleet").asText());
      table.row("agents", counts(s.path("agents")));
      table.row("GPUs", Long.toString(s.path("gpus").asLong()));
      table.row("jobs", counts(s.path("jobs")));
      table.row("watch streams", Long.toString(s.path("watchStreams").asLong()));
      long records = s.path("ledgerSize").asLong();
      table.row("ledger", records + (records == 1 ? " record" : " records"));
      table.print(out, "");
    }
  }

  /** {@code hwledger fleet agents}. */
  @Command(
      name = "agents",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = "Lists the enrolled agents: host, state, GPUs, last heartbeat, certificate.")
  static final class Agents extends FleetViewCommand {
    Agents(FleetContext context) {
      super(context);
    }

    @Override
    String view() {
      return "agents";
    }

    @Override
    void print(JsonNode document, PrintStream out) {
      JsonNode agents = document.path("agents");
      if (agents.isEmpty()) {
        out.println(
            "No agents enrolled; 'hwledger fleet token create' makes a join string for one.");
        return;
      }
      TextTable table = new TextTable("lllrlll");
      table.row("AGENT", "HOST", "STATE", "GPUS", "LAST SEEN", "CERT EXPIRES", "LABELS");
      for (JsonNode a : agents) {
        List<String> labels = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : a.path("labels").properties()) {
          labels.add(e.getKey() + "=" + e.getValue().asText());
        }
        table.row(
            a.path("agentId").asText(),
            a.path("hostname").asText(),
            words(a.path("status").asText()),
            Long.toString(a.path("gpus").asLong()),
            ago(a.path("lastSeenMillis").asLong()),
            ago(a.path("certificateNotAfterMillis").asLong()),
            labels.isEmpty() ? "-" : String.join(",", labels));
      }
      table.print(out, "");
    }
  }

  /** {@code hwledger fleet gpus}. */
  @Command(
      name = "gpus",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Lists every GPU of the fleet, agents' and SSH hosts' (SOURCE: the agent's id, or ssh):"
            + " total memory, what the fleet's jobs claim, and the latest measured use and free"
            + " memory (other processes included).",
        "Bytes in binary units (GiB = 2^30 bytes); - where no measurement arrived."
      })
  static final class Gpus extends FleetViewCommand {
    Gpus(FleetContext context) {
      super(context);
    }

    @Override
    String view() {
      return "gpus";
    }

    @Override
    void print(JsonNode document, PrintStream out) {
      JsonNode gpus = document.path("gpus");
      if (gpus.isEmpty()) {
        out.println("No GPUs: no agent or SSH host has reported one yet.");
        return;
      }
      TextTable table = new TextTable("llrllrrrrll");
      table.row(
          "HOST",
          "SOURCE",
          "IDX",
          "NAME",
          "UUID",
          "TOTAL",
          "CLAIMED",
          "USED",
          "FREE",
          "HEALTH",
          "MEASURED");
      for (JsonNode g : gpus) {
        JsonNode healthy = g.get("healthy");
        table.row(
            g.path("hostname").asText(),
            g.path("source").asText().equals("ssh") ? "ssh" : g.path("agentId").asText(),
            Long.toString(g.path("index").asLong()),
            g.path("name").asText(),
            g.path("uuid").asText(),
            bytes(g, "totalBytes"),
            bytes(g, "claimedBytes"),
            bytes(g, "usedBytes"),
            bytes(g, "freeBytes"),
            healthy == null ? "-" : healthy.asBoolean() ? "ok" : "unhealthy",
            ago(g.path("measuredAtMillis").asLong()));
      }
      table.print(out, "");
    }
  }

  /** {@code hwledger fleet models}. */
  @Command(
      name = "models",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Lists the model checkpoints each agent found under its --models directories, with the"
            + " model and weight bytes read from their headers, or why they cannot be read.",
        "A job names one with 'hwledger fleet submit --model-file PATH'. Bytes in binary units."
      })
  static final class Models extends FleetViewCommand {
    Models(FleetContext context) {
      super(context);
    }

    @Override
    String view() {
      return "models";
    }

    @Override
    void print(JsonNode document, PrintStream out) {
      JsonNode models = document.path("models");
      if (models.isEmpty()) {
        out.println(
            "No model checkpoints: no agent reports one (agents search the directories given to"
                + " 'hwledger agent run --models DIR').");
        return;
      }
      TextTable table = new TextTable("lllllrrl");
      table.row("HOST", "AGENT", "PATH", "FORMAT", "MODEL", "LAYERS", "WEIGHTS", "ERROR");
      for (JsonNode m : models) {
        table.row(
            m.path("hostname").asText(),
            m.path("agentId").asText(),
            m.path("path").asText(),
            m.path("weightsFormat").asText(m.path("format").asText()),
            m.path("model").asText("-"),
            m.has("layers") ? Long.toString(m.path("layers").asLong()) : "-",
            bytes(m, "weightsBytes"),
            m.path("error").asText("-"));
      }
      table.print(out, "");
    }
  }

  /** {@code hwledger fleet jobs}. */
  @Command(
      name = "jobs",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Lists the fleet's jobs: state, model, engine, where each is placed and what it claims per"
            + " GPU, and its exit status or message. --json adds each job's log tail."
      })
  static final class Jobs extends FleetViewCommand {
    Jobs(FleetContext context) {
      super(context);
    }

    @Override
    String view() {
      return "jobs";
    }

    @Override
    void print(JsonNode document, PrintStream out) {
      JsonNode jobs = document.path("jobs");
      if (jobs.isEmpty()) {
        out.println("No jobs; 'hwledger fleet submit' places one.");
        return;
      }
      TextTable table = new TextTable("llllllrl");
      table.row("JOB", "STATE", "MODEL", "ENGINE", "AGENT", "GPUS", "CLAIM/GPU", "MESSAGE");
      for (JsonNode j : jobs) {
        List<String> gpus = new ArrayList<>();
        j.path("gpus").forEach(g -> gpus.add(g.asText()));
        String message = j.path("message").asText("");
        if (j.has("exitCode")) {
          message =
              "exit " + j.path("exitCode").asInt() + (message.isEmpty() ? "" : ": " + message);
        }
        table.row(
            j.path("jobId").asText(),
            words(j.path("state").asText()),
            j.path("model").asText(),
            j.path("engine").asText(),
            j.path("agentId").asText("-"),
            gpus.isEmpty() ? "-" : String.join(",", gpus),
            j.has("claimBytesPerGpu") ? bytes(j, "claimBytesPerGpu") : "-",
            message.isEmpty() ? "-" : message);
      }
      table.print(out, "");
    }
  }

  /** {@code hwledger fleet accuracy}. */
  @Command(
      name = "accuracy",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Reports how the plans' predicted GPU memory compared with what the jobs used, per engine"
            + " and model: the fleet's own accuracy record (plan.reconciled ledger events).",
        "Error = (measured - predicted) / predicted; --json lists every reconciliation."
      })
  static final class Accuracy extends FleetViewCommand {
    Accuracy(FleetContext context) {
      super(context);
    }

    @Override
    String view() {
      return "accuracy";
    }

    @Override
    void print(JsonNode document, PrintStream out) {
      JsonNode groups = document.path("groups");
      if (groups.isEmpty()) {
        out.println(
            "No reconciliations yet: a job's measured memory is compared with its plan once it"
                + " has run a while.");
        return;
      }
      TextTable table = new TextTable("llrrr");
      table.row("ENGINE", "MODEL", "RECONCILED", "MEAN ERROR", "MAX |ERROR|");
      for (JsonNode g : groups) {
        table.row(
            g.path("engine").asText(),
            g.path("model").asText(),
            Long.toString(g.path("count").asLong()),
            String.format(Locale.ROOT, "%+.1f%%", g.path("meanErrorPercent").asDouble()),
            String.format(Locale.ROOT, "%.1f%%", g.path("maxAbsErrorPercent").asDouble()));
      }
      table.print(out, "");
    }
  }
}
