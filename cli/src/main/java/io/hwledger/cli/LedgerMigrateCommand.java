package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.ledger.LedgerMigration;
import io.hwledger.ledger.LedgerStore;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger ledger migrate}: copies a ledger between stores (a directory, or a PostgreSQL
 * database) byte for byte and proves that both sides have the same root ({@link LedgerMigration}).
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Copies the ledger at --from into --to, record for record with the same bytes, and checks"
          + " that both have the same Merkle root. A store is a directory or a"
          + " jdbc:postgresql://HOST[:PORT]/DATABASE URL (role and password from HWLEDGER_DB_USER"
          + " and HWLEDGER_DB_PASSWORD or the HWLEDGER_DB_CONFIG file, schema from"
          + " HWLEDGER_DB_SCHEMA, default hwledger).",
      "A target that already holds the source's first records is continued (an interrupted"
          + " migration resumes); any other non-empty target is refused."
    })
final class LedgerMigrateCommand implements Callable<Integer> {
  private final Streams io;
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "STORE",
      description = "The ledger to copy: a directory or a PostgreSQL URL. Only read.")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "STORE",
      description = "Where to copy it: a directory (created if missing) or a PostgreSQL URL.")
  String to;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  LedgerMigrateCommand(Streams io, Map<String, String> env) {
    this.io = io;
    this.env = env;
  }

  @Override
  public Integer call() {
    LedgerTarget source = LedgerTarget.of(spec.commandLine(), "--from", from, env);
    LedgerTarget target = LedgerTarget.of(spec.commandLine(), "--to", to, env);
    if (!source.isUrl()) {
      LedgerCommand.requireLedger(spec.commandLine(), "--from", source.dir());
    }
    if (from.equals(to)
        || (!source.isUrl()
            && !target.isUrl()
            && source.absolute().dir().equals(target.absolute().dir()))) {
      throw Usage.error(spec.commandLine(), "--from and --to name the same ledger");
    }
    LedgerMigration.Result r;
    try (LedgerStore fromStore = source.openExisting();
        LedgerStore toStore = target.openOrCreate()) {
      r = LedgerMigration.copy(fromStore, toStore, n -> {});
    }
    if (json) {
      ObjectNode root = JsonWriter.object();
      root.put("from", source.shown());
      root.put("to", target.shown());
      root.put("copied", r.copied());
      root.put("alreadyThere", r.alreadyThere());
      root.put("size", r.size());
      root.put("root", r.rootHex());
      JsonWriter.printAscii(io.out(), root);
    } else {
      io.out()
          .println(
              "migrated "
                  + r.copied()
                  + " records ("
                  + r.alreadyThere()
                  + " already there) from "
                  + source.shown()
                  + " to "
                  + target.shown()
                  + "; both have "
                  + r.size()
                  + " records with root "
                  + r.rootHex());
    }
    return ErrorHandler.ExitCodes.OK;
  }
}
