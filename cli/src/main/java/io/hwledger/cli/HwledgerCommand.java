package io.hwledger.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top-level {@code hwledger} command: holds the subcommands and the global options. */
@Command(
    name = "hwledger",
    mixinStandardHelpOptions = true,
    versionProvider = HwledgerCommand.Version.class,
    description =
        "Plans the GPU memory of large language models and keeps a tamper-evident ledger.",
    footer = {
      "",
      "Exit codes: 0 success, 1 the request failed, 2 the command line is wrong, a path on it"
          + " that does not exist included.",
      "Bytes are shown in binary units (GiB = 2^30 bytes); options that take bytes need a unit,"
          + " e.g. 80GiB."
    })
final class HwledgerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Print the stack trace of an error, and every message the libraries log.")
  boolean debug;

  /** Without a subcommand: a usage error naming the commands. */
  @Override
  public Integer call() {
    throw Usage.error(
        spec.commandLine(),
        "a command is required: " + Usage.or(List.copyOf(spec.subcommands().keySet())));
  }

  /** The version from the runnable jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"hwledger " + (version == null ? "(development build)" : version)};
    }
  }
}
