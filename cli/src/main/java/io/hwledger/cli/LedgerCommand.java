package io.hwledger.cli;

import io.hwledger.ledger.Ledger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger ledger}: the command group over a ledger, a directory ({@link Ledger}) or another
 * {@link io.hwledger.ledger.LedgerStore} ({@link LedgerTarget}). Holds the subcommands and the
 * helpers they share.
 */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = {
      "Appends to, verifies, shows and proves events of a tamper-evident ledger, and signs"
          + " checkpoints of it.",
      "A ledger is a directory, or a PostgreSQL database given with --store"
          + " jdbc:postgresql://HOST[:PORT]/DATABASE; 'append' creates it."
    })
final class LedgerCommand implements Callable<Integer> {

  /** Timestamps: ISO-8601 in UTC with microseconds, the ledger clock's resolution. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  LedgerCommand() {}

  /** The {@code ledger} command with every subcommand. */
  static CommandLine commandLine(Streams io, Map<String, String> env) {
    CommandLine ledger = new CommandLine(new LedgerCommand());
    ledger.addSubcommand(new LedgerAppendCommand(io, env));
    ledger.addSubcommand(new LedgerVerifyCommand(io, env));
    ledger.addSubcommand(new LedgerShowCommand(io, env));
    ledger.addSubcommand(new LedgerProveCommand(io, env));
    ledger.addSubcommand(new LedgerCheckpointCommand(io, env));
    ledger.addSubcommand(new LedgerKeygenCommand(io));
    ledger.addSubcommand(new LedgerVerifyCheckpointCommand(io, env));
    ledger.addSubcommand(new LedgerRepairCommand(io, env));
    ledger.addSubcommand(new LedgerMigrateCommand(io, env));
    return ledger;
  }

  /** Without a subcommand: a usage error naming the subcommands. */
  @Override
  public Integer call() {
    throw Usage.subcommandRequired(spec);
  }

  /**
   * Opens the ledger in {@code dir} for appending, creating it when {@code dir} does not exist or
   * is an empty directory; refuses any other directory that is not a ledger (a failed request), and
   * a path that is not a directory (a usage error of {@code what}, the option or parameter that
   * named it).
   */
  static Ledger openOrCreate(CommandLine command, String what, Path dir) {
    if (Files.exists(dir) && !isLedger(dir)) {
      Usage.directory(command, what, dir);
      if (!isEmptyDirectory(dir)) {
        throw new RequestFailedException(
            "no ledger at "
                + dir
                + " (no segments directory) and the directory is not empty; not creating a"
                + " ledger there");
      }
    }
    return Ledger.open(dir);
  }

  /**
   * Throws unless {@code dir} holds a ledger: a usage error of {@code what} (the option or
   * parameter that named it) when it does not exist or is not a directory, a failed request when it
   * is a directory that is not a ledger.
   */
  static void requireLedger(CommandLine command, String what, Path dir) {
    Usage.directory(command, what, dir);
    if (!isLedger(dir)) {
      throw new RequestFailedException("no ledger at " + dir + " (no segments directory)");
    }
  }

  private static boolean isLedger(Path dir) {
    return Files.isDirectory(dir.resolve("segments"));
  }

  private static boolean isEmptyDirectory(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new RequestFailedException("cannot read directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Lower-case hex. */
  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** ISO-8601 UTC with microseconds, e.g. {@code 2025-01-31T12:00:00.000000Z}. */
  static String time(Instant instant) {
    return TIME.format(instant);
  }
}
