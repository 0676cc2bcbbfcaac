package io.hwledger.cli;

import io.hwledger.fleet.agent.Agent;
import io.hwledger.fleet.agent.AgentIdentity;
import io.hwledger.fleet.agent.AgentOptions;
import io.hwledger.fleet.agent.Allowlist;
import io.hwledger.fleet.agent.HostGpus;
import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.spi.GpuBackends;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger agent}: enrolls this host with a fleet ({@code join}) and runs its agent ({@code
 * run}): it dials out to the server, reports every GPU, and runs the jobs placed on it whose
 * executable is on its allowlist.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Enrolls this GPU host with a fleet and runs its agent.",
      "The agent dials out to the fleet server over mutual TLS; the host needs no inbound port."
    })
final class AgentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The {@code agent} command with its subcommands. */
  static CommandLine commandLine(FleetContext context) {
    CommandLine agent = new CommandLine(new AgentCommand());
    agent.addSubcommand(new Join(context));
    agent.addSubcommand(new Run(context));
    return agent;
  }

  @Override
  public Integer call() {
    throw Usage.subcommandRequired(spec);
  }

  /** What the agent tells the server about this host. */
  static HostFacts hostFacts(String hostname) {
    String name = hostname;
    if (name == null) {
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        name = "localhost";
      }
    }
    return new HostFacts(
        name,
        System.getProperty("os.name", "unknown"),
        System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT),
        Runtime.getRuntime().availableProcessors(),
        hostMemoryBytes());
  }

  /**
   * The host's physical memory in bytes, or 0 where the runtime cannot say: a runtime linked
   * without {@code jdk.management} (a small {@code jlink} image) has no {@code com.sun.management}
   * classes, and touching them there fails.
   */
  private static long hostMemoryBytes() {
    if (ModuleLayer.boot().findModule("jdk.management").isEmpty()) {
      return 0;
    }
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getTotalMemorySize()
        : 0;
  }

  /** {@code hwledger agent join JOIN --data DIR}. */
  @Command(
      name = "join",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Enrolls this host with the join string 'hwledger fleet token create' printed.",
        "The key is made here and never leaves the host; the server's CA is checked against the"
            + " join string's pin before the token is sent."
      })
  static final class Join implements Callable<Integer> {
    private final FleetContext context;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOIN", description = "The join string.")
    String join;

    @Option(
        names = "--data",
        paramLabel = "DIR",
        required = true,
        description = "The agent's data directory: its key, certificate and job logs.")
    Path data;

    @Option(
        names = "--label",
        paramLabel = "KEY=VALUE",
        description = "A label for this agent's record, e.g. rack=r12; repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(
        names = "--hostname",
        paramLabel = "NAME",
        description = "The host name the fleet shows (default: this host's name).")
    String hostname;

    Join(FleetContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      JoinString parsed;
      HostFacts host;
      try {
        parsed = JoinString.parse(join);
        host = hostFacts(hostname);
      } catch (IllegalArgumentException e) {
        throw Usage.error(spec.commandLine(), e);
      }
      AgentIdentity identity;
      try {
        identity =
            AgentIdentity.join(
                parsed, data, host, labels, Duration.ofSeconds(30), Clock.systemUTC());
      } catch (IllegalArgumentException e) {
        throw Usage.error(spec.commandLine(), e);
      } catch (IOException e) {
        throw new RequestFailedException(
            "cannot write the agent's identity: " + FleetCommand.describe(e), e);
      } catch (FleetClientException e) {
        throw new RequestFailedException(e.getMessage(), e);
      }
      context
          .io()
          .out()
          .println(
              "enrolled as agent "
                  + identity.agentId()
                  + " of fleet "
                  + identity.fleet()
                  + " at "
                  + identity.server());
      context
          .io()
          .err()
          .println(
              "hwledger: next: hwledger agent run --data " + data + " --allowlist ALLOWLIST_FILE");
      return ErrorHandler.ExitCodes.OK;
    }
  }

  /** {@code hwledger agent run --data DIR --allowlist FILE}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Runs the agent until it is stopped (Ctrl-C, SIGTERM); its jobs are stopped with it.",
        "It runs only executables named in --allowlist (one name=/absolute/path per line), never"
            + " through a shell, with CUDA_VISIBLE_DEVICES or ROCR_VISIBLE_DEVICES set to the"
            + " placed GPUs."
      })
  static final class Run implements Callable<Integer> {
    private final FleetContext context;

    @Spec CommandSpec spec;

    @Option(
        names = "--data",
        paramLabel = "DIR",
        required = true,
        description = "The data directory 'agent join' wrote.")
    Path data;

    @Option(
        names = "--allowlist",
        paramLabel = "FILE",
        required = true,
        description = "The executables jobs may run: name=/absolute/path per line, # comments.")
    Path allowlist;

    @Option(
        names = "--heartbeat",
        paramLabel = "DURATION",
        defaultValue = "30s",
        description = "Between heartbeats (default: ${DEFAULT-VALUE}).")
    String heartbeat;

    @Option(
        names = "--telemetry",
        paramLabel = "DURATION",
        defaultValue = "10s",
        description = "Between telemetry reports (default: ${DEFAULT-VALUE}).")
    String telemetry;

    @Option(
        names = "--orphan-grace",
        paramLabel = "DURATION",
        defaultValue = "5m",
        description =
            "How long a job the server no longer lists keeps running (default: ${DEFAULT-VALUE}).")
    String orphanGrace;

    @Option(
        names = "--job-env",
        paramLabel = "NAME=VALUE",
        description = "A variable every job gets, e.g. HF_HOME=/models; repeatable.")
    Map<String, String> jobEnvironment = new LinkedHashMap<>();

    @Option(
        names = "--models",
        paramLabel = "DIR",
        description =
            "A directory searched for model checkpoints (GGUF files, safetensors directories) at"
                + " every GPU re-probe; jobs may name what it holds with 'fleet submit"
                + " --model-file'. Repeatable.")
    List<Path> modelDirectories = new ArrayList<>();

    @Option(
        names = "--server",
        paramLabel = "URL",
        description =
            "Another server of the fleet (servers sharing one ledger store, 'fleet server"
                + " --store'), dialled when the one the agent joined does not answer; repeatable.")
    List<URI> otherServers = new ArrayList<>();

    Run(FleetContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      CommandLine command = spec.commandLine();
      Usage.directory(command, "--data", data);
      if (!Files.isRegularFile(allowlist)) {
        throw Usage.error(command, "--allowlist: no such file '" + allowlist + "'");
      }
      List<Path> models = new ArrayList<>();
      for (Path dir : modelDirectories) {
        Usage.directory(command, "--models", dir);
        models.add(dir.toAbsolutePath().normalize());
      }
      AgentIdentity identity;
      Allowlist executables;
      AgentOptions options;
      try {
        identity = AgentIdentity.load(data);
        executables = Allowlist.load(allowlist);
        Duration beat = Durations.parse("--heartbeat", heartbeat);
        Duration report = Durations.parse("--telemetry", telemetry);
        options =
            AgentOptions.defaults()
                .withIntervals(beat, report, report.multipliedBy(6))
                .withOrphanGrace(Durations.parse("--orphan-grace", orphanGrace))
                .withJobEnvironment(jobEnvironment)
                .withModelDirectories(models)
                .withOtherServers(otherServers);
      } catch (IllegalArgumentException e) {
        throw Usage.error(command, e);
      } catch (IOException e) {
        throw new RequestFailedException(
            "cannot read the agent's files: " + FleetCommand.describe(e), e);
      }
      boolean debug = ErrorHandler.debugRequested(spec.root().commandLine().getParseResult());
      try (FleetForeground log = FleetForeground.logTo(context.io(), debug)) {
        Agent agent;
        try {
          agent =
              Agent.start(
                  identity,
                  new HostGpus(GpuBackends.discover(), Clock.systemUTC()),
                  hostFacts(null),
                  executables,
                  options);
        } catch (IOException e) {
          throw new RequestFailedException(
              "cannot start the agent: " + FleetCommand.describe(e), e);
        }
        context
            .io()
            .out()
            .println(
                "agent "
                    + identity.agentId()
                    + " of fleet "
                    + identity.fleet()
                    + " running against "
                    + identity.server());
        context.io().out().flush();
        return FleetForeground.runUntilStopped(agent, "hwledger-agent-stop");
      }
    }
  }
}
