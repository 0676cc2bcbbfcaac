package io.hwledger.cli;

import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.LedgerStores;
import io.hwledger.ledger.Verification;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;
import picocli.CommandLine;

/**
 * A ledger named on the command line ({@code DIR}, {@code --store}, {@code --record}, {@code
 * --ledger}): a directory (the embedded file store), or a database URL such as {@code
 * jdbc:postgresql://db.example/fleet} opened through {@link LedgerStores} with connection settings
 * from the CLI's environment. A directory is checked and opened as the commands always did, with
 * messages that name the option and the path as given.
 */
final class LedgerTarget {
  private final CommandLine command;
  private final String option;
  private final Path dir;
  private final String url;
  private final Map<String, String> env;

  private LedgerTarget(
      CommandLine command, String option, Path dir, String url, Map<String, String> env) {
    this.command = command;
    this.option = option;
    this.dir = dir;
    this.url = url;
    this.env = env;
  }

  /**
   * The store at {@code location}: a URL when it has a scheme, else a directory.
   *
   * @param command the command the location was given to, for usage errors
   * @param option the option that named it, e.g. {@code --store}
   * @param location a directory or a URL
   * @param env the environment the store's connection settings come from
   */
  static LedgerTarget of(
      CommandLine command, String option, String location, Map<String, String> env) {
    if (LedgerStores.isUrl(location)) {
      return new LedgerTarget(command, option, null, location, Objects.requireNonNull(env));
    }
    return directory(command, option, location, env);
  }

  /**
   * The directory {@code location}, where only a directory is accepted ({@code DIR}, {@code
   * --record DIR}); a URL there is a usage error that points to {@code --store}.
   */
  static LedgerTarget directory(
      CommandLine command, String option, String location, Map<String, String> env) {
    if (LedgerStores.isUrl(location)) {
      throw Usage.error(
          command,
          option
              + ": "
              + Usage.quote(LedgerStores.redact(location))
              + " is a URL, not a directory; give a database with --store STORE");
    }
    Path dir;
    try {
      dir = Path.of(location);
    } catch (InvalidPathException e) {
      throw Usage.error(command, option + ": " + Usage.quote(location) + " is not a valid path");
    }
    return new LedgerTarget(command, option, dir, null, Objects.requireNonNull(env));
  }

  /**
   * The ledger that {@code --record [DIR]} and {@code --store STORE} name together: {@code --store}
   * says where {@code --record} appends, in place of DIR; either is made absolute, and a missing
   * DIR is {@code defaultDir}.
   *
   * @param command the command they were given to, for usage errors
   * @param record --record's value: null when not given, empty when given without DIR
   * @param store --store's value, or null
   * @param defaultDir where --record appends without DIR or --store
   * @param env the environment a database's connection settings come from
   * @return the ledger, or null when nothing is to be recorded
   * @throws picocli.CommandLine.ParameterException if --store is given without --record, or with
   *     --record DIR
   */
  static LedgerTarget recording(
      CommandLine command, String record, String store, Path defaultDir, Map<String, String> env) {
    if (store == null) {
      return record == null
          ? null
          : directory(command, "--record", record.isEmpty() ? defaultDir.toString() : record, env)
              .absolute();
    }
    if (record == null) {
      throw Usage.error(
          command, "--store goes with --record: it names the ledger --record appends to");
    }
    if (!record.isEmpty()) {
      throw Usage.error(
          command, "--record DIR and --store are mutually exclusive; give one of them");
    }
    return of(command, "--store", store, env).absolute();
  }

  /** Whether this is a database URL rather than a directory. */
  boolean isUrl() {
    return url != null;
  }

  /** The option that named it, for messages. */
  String option() {
    return option;
  }

  /** The directory; only when not {@link #isUrl()}. */
  Path dir() {
    return Objects.requireNonNull(dir, "not a directory");
  }

  /** This ledger with its directory made absolute and normalised; a URL stays as it is. */
  LedgerTarget absolute() {
    return isUrl()
        ? this
        : new LedgerTarget(command, option, dir.toAbsolutePath().normalize(), null, env);
  }

  /** Where it is, safe to print: the directory as given, or the URL without credentials. */
  String shown() {
    return isUrl() ? LedgerStores.redact(url) : dir.toString();
  }

  /**
   * Opens the existing ledger read-only, never creating one; a directory is opened without the
   * writer's lock, so this works while another process appends.
   *
   * @throws picocli.CommandLine.ParameterException if a directory does not exist or is not one
   * @throws RequestFailedException if a directory holds no ledger
   * @throws io.hwledger.ledger.LedgerException if it cannot be opened (a database that holds no
   *     ledger or cannot be reached among them)
   */
  LedgerStore openExisting() {
    if (isUrl()) {
      return LedgerStores.openReadOnly(url, env);
    }
    LedgerCommand.requireLedger(command, option, dir);
    return Ledger.openReadOnly(dir);
  }

  /**
   * Opens the ledger for appending, creating it where there is none: a directory that does not
   * exist or is empty ({@link LedgerCommand#openOrCreate}), or a database's tables.
   */
  LedgerStore openOrCreate() {
    if (isUrl()) {
      return LedgerStores.open(url, LedgerOptions.defaults(), env);
    }
    return LedgerCommand.openOrCreate(command, option, dir);
  }

  /**
   * Verifies the existing ledger from its records.
   *
   * @param progress receives the number of records verified so far, now and then
   * @return ok with the size and root, or the first bad record and why
   */
  Verification verify(LongConsumer progress) {
    if (isUrl()) {
      return LedgerStores.verify(url, env, progress);
    }
    LedgerCommand.requireLedger(command, option, dir);
    return Ledger.verify(dir, progress);
  }
}
