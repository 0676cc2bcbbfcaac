package io.hwledger.cli;

import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The ledger a {@code ledger} subcommand works on: the directory {@code DIR}, or {@code --store
 * STORE} (a directory or a PostgreSQL URL); exactly one. Mixed into each subcommand that opens a
 * ledger.
 */
final class LedgerLocation {
  /** What {@code --store} accepts, for the commands' help. */
  static final String STORE_HELP =
      "a directory or a jdbc:postgresql://HOST[:PORT]/DATABASE URL (role and password from"
          + " HWLEDGER_DB_USER and HWLEDGER_DB_PASSWORD or the HWLEDGER_DB_CONFIG file, schema from"
          + " HWLEDGER_DB_SCHEMA, default hwledger)";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      description = "The ledger directory (or give --store).")
  String dir;

  @Option(
      names = "--store",
      paramLabel = "STORE",
      description = "The ledger instead of DIR: " + STORE_HELP + ".")
  String store;

  /**
   * The ledger named.
   *
   * @param env the environment a database's connection settings come from
   * @throws picocli.CommandLine.ParameterException unless exactly one of DIR and --store is given
   */
  LedgerTarget target(Map<String, String> env) {
    if (dir != null && store != null) {
      throw Usage.error(
          mixee.commandLine(), "DIR and --store are mutually exclusive; give one of them");
    }
    if (dir == null && store == null) {
      throw Usage.error(mixee.commandLine(), "missing one of DIR or --store STORE");
    }
    return dir != null
        ? LedgerTarget.directory(mixee.commandLine(), "DIR", dir, env)
        : LedgerTarget.of(mixee.commandLine(), "--store", store, env);
  }
}
