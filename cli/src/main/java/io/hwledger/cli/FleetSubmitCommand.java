package io.hwledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.Printable;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.math.Sizes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger fleet submit}: asks the server to place a job. The server plans it with the
 * engine's profile on every candidate set of GPUs and places it where the plan fits both the GPUs'
 * unclaimed memory and their measured free memory, or refuses it with a reason per candidate GPU.
 * Model, engine, settings and formats are checked by the server, which plans with its own catalog.
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Places a job on the fleet where its plan fits, and prints the agent and GPUs it went to;"
          + " or, when it fits nowhere, each candidate GPU's reason, with exit code 1.",
      "The agent runs the engine's launch command ('hwledger export') if the engine is on its"
          + " allowlist."
    })
final class FleetSubmitCommand implements Callable<Integer> {
  private final FleetContext context;

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Model model;

  /** Exactly one of {@code --model}, {@code --config} and {@code --model-file}. */
  static final class Model {
    @Option(
        names = "--model",
        paramLabel = "ID",
        required = true,
        description = "A catalog model ('hwledger models').")
    String id;

    @Option(
        names = "--config",
        paramLabel = "FILE",
        required = true,
        description = "A model's Hugging Face config.json, sent to the server.")
    Path config;

    @Option(
        names = "--model-file",
        paramLabel = "PATH",
        required = true,
        description =
            "A GGUF file or safetensors directory on the agents' hosts, by its absolute path as"
                + " 'hwledger fleet models' lists it: planned with the weights the file stores,"
                + " placed only where an agent reports it.")
    String file;
  }

  @Option(
      names = "--model-path",
      paramLabel = "PATH",
      description =
          "What the engine loads on the agent's host: a directory, a GGUF file or a repository id"
              + " (default: the catalog model's repository).")
  String modelPath;

  @Option(
      names = "--engine",
      paramLabel = "NAME",
      required = true,
      description = "The engine, e.g. vllm ('hwledger plan --help' lists them).")
  String engine;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "An engine setting as 'plan' names it without the dashes, e.g."
              + " gpu-memory-utilization=0.9; repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--context",
      paramLabel = "TOKENS",
      required = true,
      description = "Tokens of context per user, e.g. 32K.")
  String contextTokens;

  @Option(
      names = "--users",
      paramLabel = "N",
      defaultValue = "1",
      description = "Concurrent sequences (default: ${DEFAULT-VALUE}).")
  String users;

  @Option(
      names = "--weights",
      paramLabel = "TYPE",
      description =
          "The weights, as plan --weights names them (default: the model's): a llama.cpp file"
              + " type (Q4_K_M, IQ4_XS, ...: planned as the tensor bytes llama-quantize writes)"
              + " or a format (bf16, fp8, q4_k, int4_g128, ...).")
  String weights;

  @Option(
      names = "--imatrix",
      description =
          "The --weights file type is quantised with an importance matrix, as plan --imatrix"
              + " takes it: the server plans the tensor types llama.cpp chooses with one.")
  boolean imatrix;

  @Option(
      names = "--kv-cache",
      paramLabel = "DTYPE",
      description = "The KV cache's format (default: the engine's).")
  String kvCache;

  @Option(
      names = "--tp",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "GPUs of one host the model is split over, 1 to 64 (default: ${DEFAULT-VALUE}).")
  String tp;

  @Option(
      names = "--policy",
      paramLabel = "POLICY",
      description =
          "binpack (fill the fullest GPU that fits; the server's default) or spread (the emptiest).")
  String policy;

  @Option(
      names = "--json",
      description =
          "Print the server's answer as JSON, with the GPUs and claim of a placed job added.")
  boolean json;

  @Mixin FleetAdminOption admin = new FleetAdminOption();

  FleetSubmitCommand(FleetContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    CommandLine command = spec.commandLine();
    int tokens;
    int sequences;
    int tensorParallel;
    try {
      long t = Sizes.tokens("--context", contextTokens);
      if (t > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "--context: " + t + " tokens is more than " + Integer.MAX_VALUE);
      }
      tokens = (int) t;
      sequences = (int) Sizes.count("--users", users, Integer.MAX_VALUE);
      tensorParallel = (int) Sizes.count("--tp", tp, 64);
    } catch (IllegalArgumentException e) {
      throw Usage.error(command, e);
    }
    if (policy != null && !policy.equals("binpack") && !policy.equals("spread")) {
      throw Usage.error(
          command, "--policy: " + Usage.quote(policy) + " is neither binpack nor spread");
    }
    boolean fileType = false;
    if (weights != null) {
      // the server reads it the same way
      fileType = WeightsChoice.parse(command, "--weights", weights).fileType().isPresent();
    }
    if (imatrix && !fileType) {
      throw Usage.error(
          command, "--imatrix applies to a llama.cpp file type: name one with --weights");
    }
    String config = model.config == null ? null : readConfig(command, model.config);
    JobSpec job;
    try {
      job =
          new JobSpec(
              Protocol.VERSION,
              model.id,
              config,
              model.file,
              modelPath,
              engine,
              settings,
              tokens,
              sequences,
              weights,
              kvCache,
              tensorParallel,
              policy,
              imatrix);
    } catch (IllegalArgumentException e) {
      throw Usage.error(command, e);
    }
    AdminApi api = admin.connect(command, context);
    JsonNode answer = api.post("jobs", job);
    String jobId = answer.path("jobId").asText();
    boolean placed = answer.hasNonNull("agentId");
    PrintStream out = context.io().out();
    if (placed) {
      ObjectNode result = answer.deepCopy();
      placement(api, jobId)
          .ifPresent(
              p -> {
                result.set("gpus", p.path("gpus"));
                if (p.has("claimBytesPerGpu")) {
                  result.set("claimBytesPerGpu", p.path("claimBytesPerGpu"));
                }
              });
      if (json) {
        JsonWriter.print(out, result);
      } else {
        List<String> gpus = new ArrayList<>();
        result.path("gpus").forEach(g -> gpus.add(g.asText()));
        out.println(
            "job "
                + jobId
                + " placed on agent "
                + answer.path("agentId").asText()
                + (gpus.isEmpty()
                    ? ""
                    : ", GPU" + (gpus.size() == 1 ? " " : "s ") + String.join(",", gpus))
                + (result.has("claimBytesPerGpu")
                    ? " ("
                        + Units.binary(result.path("claimBytesPerGpu").asLong())
                        + " claimed per GPU)"
                    : "")
                + "; 'hwledger fleet jobs' follows it");
        observed(answer, out);
      }
      return ErrorHandler.ExitCodes.OK;
    }
    JsonNode reasons = answer.path("reasons");
    if (json) {
      JsonWriter.print(out, answer);
    } else {
      out.println(
          "job "
              + jobId
              + " "
              + FleetViewCommand.words(answer.path("state").asText())
              + ": it fits nowhere");
      for (JsonNode reason : reasons) {
        out.println("  " + Printable.escape(reason.asText()));
      }
      observed(answer, out);
    }
    throw new RequestFailedException(
        "job "
            + jobId
            + " was refused"
            + (reasons.isEmpty()
                ? ""
                : " ("
                    + reasons.size()
                    + (reasons.size() == 1 ? " reason" : " reasons")
                    + (json ? " in its JSON)" : " above)")));
  }

  /** The fit report on hosts read over SSH, where jobs are not placed (ADR 0017). */
  private static void observed(JsonNode answer, PrintStream out) {
    JsonNode observed = answer.path("observed");
    if (!observed.isEmpty()) {
      out.println("on hosts read over SSH (observed only; jobs run on agents):");
      for (JsonNode line : observed) {
        out.println("  " + Printable.escape(line.asText()));
      }
    }
  }

  /** The placed job's row in {@code GET /v1/admin/jobs}: the submit answer names no GPUs. */
  private static Optional<JsonNode> placement(AdminApi api, String jobId) {
    for (JsonNode j : api.get("jobs").path("jobs")) {
      if (jobId.equals(j.path("jobId").asText())) {
        return Optional.of(j);
      }
    }
    return Optional.empty();
  }

  private static String readConfig(CommandLine command, Path file) {
    Usage.file(command, "--config", file);
    try {
      if (Files.size(file) > 4L * JobSpec.MAX_CONFIG) {
        throw new RequestFailedException(
            file + " is over " + JobSpec.MAX_CONFIG + " characters, the most a job can carry");
      }
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
      if (text.length() > JobSpec.MAX_CONFIG) {
        throw new RequestFailedException(
            file + " is over " + JobSpec.MAX_CONFIG + " characters, the most a job can carry");
      }
      return text;
    } catch (CharacterCodingException e) {
      throw new RequestFailedException(file + ": not valid UTF-8", e);
    } catch (IOException e) {
      throw new RequestFailedException("cannot read " + file + ": " + FleetCommand.describe(e), e);
    }
  }
}
