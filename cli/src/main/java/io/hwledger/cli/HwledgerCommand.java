package io.hwledger.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top-level {@code hwledger} command: holds the subcommands and the global options. */
@Command(
    name = "hwledger",
    mixinStandardHelpOptions = true,
    versionProvider = HwledgerCommand.Version.class,
    description =
        "Plans the GPU memory of large language models and keeps a tamper-evident ledger.",
    footer = {
      "",
      "Exit codes: 0 success, 1 the request failed, 2 the command line is wrong.",
      "Bytes are shown in binary units (GiB = 2^30 bytes)."
    })
final class HwledgerCommand implements Callable<Integer> {

  private final Streams io;

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Print the stack trace of an error, and every message the libraries log.")
  boolean debug;

  HwledgerCommand(Streams io) {
    this.io = io;
  }

  /** Without a subcommand: a one-line error and a usage-error exit code. */
  @Override
  public Integer call() {
    io.err()
        .println(
            "hwledger: a command is required: models, plan, ledger or devices (see 'hwledger --help')");
    return ErrorHandler.ExitCodes.USAGE;
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
