package io.hwledger.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger fleet}: the command group that creates and runs a fleet server and operates it
 * through its admin API. Holds the subcommands and the helpers they share.
 */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    description = {
      "Creates and runs a fleet server, enrolls agents with join tokens, issues and revokes"
          + " operators' certificates, and lists, places and cancels the fleet's work.",
      "Commands that call the server authenticate with the operator credential in --admin DIR"
          + " (default: $"
          + FleetContext.ADMIN_ENV
          + ", else ./fleet/admin)."
    })
final class FleetCommand implements Callable<Integer> {
  /** Times in tables: ISO-8601 in UTC to the second. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  FleetCommand() {}

  /** The {@code fleet} command with every subcommand. */
  static CommandLine commandLine(FleetContext context) {
    CommandLine fleet = new CommandLine(new FleetCommand());
    fleet.addSubcommand(new FleetInitCommand(context));
    fleet.addSubcommand(new FleetServerCommand(context));
    fleet.addSubcommand(FleetTokenCommand.commandLine(context));
    fleet.addSubcommand(FleetAdminCommand.commandLine(context));
    fleet.addSubcommand(FleetSshCommand.commandLine(context));
    fleet.addSubcommand(new FleetViewCommand.Status(context));
    fleet.addSubcommand(new FleetViewCommand.Agents(context));
    fleet.addSubcommand(new FleetViewCommand.Gpus(context));
    fleet.addSubcommand(new FleetViewCommand.Models(context));
    fleet.addSubcommand(new FleetViewCommand.Jobs(context));
    fleet.addSubcommand(new FleetSubmitCommand(context));
    fleet.addSubcommand(new FleetCancelCommand(context));
    fleet.addSubcommand(new FleetRevokeCommand(context));
    fleet.addSubcommand(new FleetViewCommand.Accuracy(context));
    return fleet;
  }

  /** Without a subcommand: a usage error naming the subcommands. */
  @Override
  public Integer call() {
    throw Usage.subcommandRequired(spec);
  }

  /** ISO-8601 UTC to the second, e.g. {@code 2025-01-31T12:00:00Z}; {@code -} for 0. */
  static String time(long epochMillis) {
    return epochMillis <= 0 ? "-" : TIME.format(Instant.ofEpochMilli(epochMillis));
  }

  /** What went wrong with a file, for a one-line message. */
  static String describe(IOException e) {
    if (e instanceof AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (e instanceof NoSuchFileException n) {
      return "no such file: " + n.getFile();
    }
    if (e instanceof FileAlreadyExistsException f) {
      return "already exists: " + f.getFile();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
