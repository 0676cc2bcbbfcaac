package io.hwledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.SshTargetRequest;
import io.hwledger.fleet.ssh.SshAddress;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger fleet ssh}: hosts without an agent, which the fleet server polls over SSH with
 * fixed read-only commands (ADR 0017). Key and known_hosts files are paths on the server's machine;
 * the server reads them, and nothing of a key leaves it.
 */
@Command(
    name = "ssh",
    mixinStandardHelpOptions = true,
    description =
        "Adds, lists, tests and removes hosts the fleet server reads over SSH, with nothing"
            + " installed on them.")
final class FleetSshCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  FleetSshCommand() {}

  /** The {@code ssh} command with its subcommands. */
  static CommandLine commandLine(FleetContext context) {
    CommandLine ssh = new CommandLine(new FleetSshCommand());
    ssh.addSubcommand(new Add(context));
    ssh.addSubcommand(new ListHosts(context));
    ssh.addSubcommand(new Test(context));
    ssh.addSubcommand(new Remove(context));
    return ssh;
  }

  /** Without a subcommand: a usage error naming the subcommands. */
  @Override
  public Integer call() {
    throw Usage.subcommandRequired(spec);
  }

  /** ADDRESS checked as the server checks it, canonical and percent-encoded for a path. */
  static String path(CommandLine command, String address) {
    return URLEncoder.encode(
        address(command, "ADDRESS", address).toString(), StandardCharsets.UTF_8);
  }

  private static SshAddress address(CommandLine command, String what, String text) {
    try {
      return SshAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw Usage.error(command, what + ": " + e.getMessage());
    }
  }

  /** {@code hwledger fleet ssh add}. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Adds a host for the fleet server to poll over SSH, then polls it once and prints what it"
            + " found. Public-key authentication only; no sudo; nothing is installed.",
        "Host keys are checked against known_hosts (strict) unless --accept-new is given: then a"
            + " host key seen for the first time is recorded in the ledger and checked from then"
            + " on. A changed host key is always refused, and the refusal recorded."
      })
  static final class Add implements Callable<Integer> {
    private final FleetContext context;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "user@host[:port]")
    String address;

    @Option(
        names = "--key",
        paramLabel = "FILE",
        description =
            "The private key, an absolute path on the fleet server's machine, readable by its"
                + " owner only (default: the server user's ~/.ssh/id_ed25519, id_ecdsa, id_rsa).")
    @Nullable String key;

    @Option(
        names = "--jump",
        paramLabel = "user@bastion[:port][,…]",
        split = ",",
        description = "Jump hosts, in order (ProxyJump); each host key is checked too.")
    List<String> jumps = new ArrayList<>();

    @ArgGroup(exclusive = true)
    @Nullable HostKeys hostKeys;

    /** Where host keys are checked against: one or the other. */
    static final class HostKeys {
      @Option(
          names = "--known-hosts",
          paramLabel = "FILE",
          description =
              "An OpenSSH known_hosts file on the fleet server's machine, absolute (default: the"
                  + " server user's ~/.ssh/known_hosts).")
      @Nullable String knownHosts;

      @Option(
          names = "--accept-new",
          description =
              "Learn a host key seen for the first time, recording its fingerprint in the"
                  + " ledger; a changed key is still refused.")
      boolean acceptNew;
    }

    @Mixin FleetAdminOption admin = new FleetAdminOption();

    Add(FleetContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      CommandLine command = spec.commandLine();
      SshAddress target = address(command, "ADDRESS", address);
      List<String> hops = new ArrayList<>();
      for (String j : jumps) {
        hops.add(address(command, "--jump", j).toString());
      }
      SshTargetRequest request;
      try {
        request =
            new SshTargetRequest(
                Protocol.VERSION,
                target.toString(),
                absolute(command, "--key", key),
                hops,
                hostKeys == null ? null : absolute(command, "--known-hosts", hostKeys.knownHosts),
                hostKeys != null && hostKeys.acceptNew);
      } catch (IllegalArgumentException e) {
        throw Usage.error(command, e);
      }
      AdminApi api = admin.connect(command, context);
      api.post("ssh", request);
      context.io().out().println("added SSH host " + target + "; polling it now");
      context.io().out().flush();
      JsonNode result = api.post("ssh/" + path(command, target.toString()) + "/test", null);
      Test.print(result, context.io().out());
      if (!result.path("ok").asBoolean()) {
        context
            .io()
            .err()
            .println(
                "the host stays in the fleet and is polled again; 'hwledger fleet ssh list' shows"
                    + " its state, 'hwledger fleet ssh remove "
                    + target
                    + "' drops it");
      }
      return ErrorHandler.ExitCodes.OK;
    }

    private static @Nullable String absolute(
        CommandLine command, String option, @Nullable String file) {
      if (file == null) {
        return null;
      }
      try {
        Path p = Path.of(file);
        if (!p.isAbsolute() || !p.normalize().equals(p)) {
          throw Usage.error(
              command,
              option
                  + ": "
                  + Usage.quote(file)
                  + " must be an absolute, normalised path on the fleet server's machine");
        }
      } catch (InvalidPathException e) {
        throw Usage.error(command, option + ": " + Usage.quote(file) + " is not a path");
      }
      return file;
    }
  }

  /** {@code hwledger fleet ssh list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Lists the SSH hosts: jump hosts, host-key policy, state of the last poll, GPUs, and"
              + " why a host is failing.")
  static final class ListHosts extends FleetViewCommand {
    ListHosts(FleetContext context) {
      super(context);
    }

    @Override
    String view() {
      return "ssh";
    }

    @Override
    void print(JsonNode document, PrintStream out) {
      JsonNode hosts = document.path("hosts");
      if (hosts.isEmpty()) {
        out.println("No SSH hosts; 'hwledger fleet ssh add user@host' adds one.");
        return;
      }
      TextTable table = new TextTable("lllllrll");
      table.row("ADDRESS", "VIA", "HOST KEYS", "HOST", "STATE", "GPUS", "POLLED", "NOTE");
      for (JsonNode h : hosts) {
        List<String> via = new ArrayList<>();
        h.path("jumps").forEach(j -> via.add(j.asText()));
        String note;
        if (h.has("failure")) {
          note = h.path("message").asText();
        } else if (h.has("coveredByAgent")) {
          note = "GPUs reported by agent " + h.path("coveredByAgent").asText();
        } else {
          List<String> notes = new ArrayList<>();
          h.path("notes").forEach(n -> notes.add(n.asText()));
          note = notes.isEmpty() ? "-" : String.join("; ", notes);
        }
        table.row(
            h.path("address").asText(),
            via.isEmpty() ? "-" : String.join(",", via),
            h.path("hostKeys").asText(),
            h.path("hostname").asText("-"),
            words(h.path("state").asText()),
            Long.toString(h.path("gpus").asLong()),
            ago(h.path("polledAtMillis").asLong()),
            note);
      }
      table.print(out, "");
    }
  }

  /** {@code hwledger fleet ssh test}. */
  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Polls an SSH host now and prints what it found: its OS, every GPU with its memory, and"
              + " what its tools reported; exit status 1 if it cannot be polled.")
  static final class Test implements Callable<Integer> {
    private final FleetContext context;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "user@host[:port]")
    String address;

    @Option(names = "--json", description = "Print the server's JSON document instead.")
    boolean json;

    @Mixin FleetAdminOption admin = new FleetAdminOption();

    Test(FleetContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      CommandLine command = spec.commandLine();
      JsonNode result =
          admin.connect(command, context).post("ssh/" + path(command, address) + "/test", null);
      if (json) {
        JsonWriter.print(context.io().out(), result);
      } else {
        print(result, context.io().out());
      }
      if (!result.path("ok").asBoolean()) {
        throw new RequestFailedException(
            "ssh "
                + result.path("address").asText()
                + ": "
                + result.path("message").asText()
                + " ("
                + result.path("failure").asText()
                + ")");
      }
      return ErrorHandler.ExitCodes.OK;
    }

    /** The poll's result as text; a failure is left to the caller. */
    static void print(JsonNode result, PrintStream out) {
      if (!result.path("ok").asBoolean()) {
        out.println(
            result.path("address").asText()
                + ": cannot be polled: "
                + result.path("message").asText());
        out.flush();
        return;
      }
      JsonNode host = result.path("host");
      out.println(
          result.path("address").asText()
              + ": "
              + host.path("hostname").asText()
              + " ("
              + host.path("os").asText()
              + " "
              + host.path("arch").asText()
              + ", "
              + host.path("cpus").asLong()
              + " CPUs, "
              + Units.binary(host.path("memoryBytes").asLong())
              + ")");
      JsonNode gpus = result.path("gpus");
      if (gpus.isEmpty()) {
        out.println("no GPUs found");
      } else {
        TextTable table = new TextTable("rllllrrr");
        table.row("IDX", "VENDOR", "NAME", "UUID", "TOOL", "TOTAL", "USED", "FREE");
        for (int i = 0; i < gpus.size(); i++) {
          JsonNode g = gpus.get(i);
          JsonNode s = result.path("samples").path(i);
          table.row(
              Long.toString(g.path("index").asLong()),
              g.path("vendor").asText() + (g.path("integrated").asBoolean() ? " (integrated)" : ""),
              g.path("name").asText(),
              g.path("uuid").asText(),
              g.path("backend").asText(),
              FleetViewCommand.bytes(g, "totalBytes"),
              FleetViewCommand.bytes(s, "usedBytes"),
              FleetViewCommand.bytes(s, "freeBytes"));
        }
        table.print(out, "");
      }
      result.path("notes").forEach(n -> out.println("note: " + n.asText()));
      out.flush();
    }
  }

  /** {@code hwledger fleet ssh remove}. */
  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = "Stops polling an SSH host and closes its session.")
  static final class Remove implements Callable<Integer> {
    private final FleetContext context;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "user@host[:port]")
    String address;

    @Mixin FleetAdminOption admin = new FleetAdminOption();

    Remove(FleetContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      CommandLine command = spec.commandLine();
      admin.connect(command, context).delete("ssh/" + path(command, address));
      context.io().out().println("removed SSH host " + SshAddress.parse(address));
      return ErrorHandler.ExitCodes.OK;
    }
  }
}
