package io.hwledger.cli;

import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.Verification;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger ledger repair}: rebuilds what the records determine (the Merkle tree, the head)
 * and verifies the result. Records are never changed, apart from a torn tail that was never
 * acknowledged, which opening moves aside as always. Only the file store has derived files to
 * rebuild: a database URL is refused.
 */
@Command(
    name = "repair",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Opens the ledger in DIR for writing, rebuilds its Merkle tree and head from the records,"
          + " and verifies it. Exit code 0 when it then verifies, 1 when not.",
      "Never changes a record: a damaged or missing acknowledged record is reported, not cut off.",
      "Directories only: a PostgreSQL ledger (--store URL) keeps no derived tree files to rebuild."
    })
final class LedgerRepairCommand implements Callable<Integer> {
  private final Streams io;
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @Mixin LedgerLocation location = new LedgerLocation();

  @Option(names = "--json", description = "Print one JSON object, as 'ledger verify' does.")
  boolean json;

  LedgerRepairCommand(Streams io, Map<String, String> env) {
    this.io = io;
    this.env = env;
  }

  @Override
  public Integer call() {
    LedgerTarget target = location.target(env);
    if (target.isUrl()) {
      throw Usage.error(
          spec.commandLine(),
          "--store "
              + target.shown()
              + ": repair is for ledger directories only; a PostgreSQL ledger keeps no derived tree"
              + " files to rebuild (its tree nodes are committed with each record), so check it"
              + " with 'hwledger ledger verify --store'");
    }
    Path dir = target.dir();
    LedgerCommand.requireLedger(spec.commandLine(), target.option(), dir);
    try (Ledger ledger = Ledger.open(dir)) {
      ledger.rebuildTree();
    }
    Verification result = Ledger.verify(dir);
    return LedgerVerifyCommand.report(
        io,
        json,
        result,
        "repaired: "
            + result.size()
            + " records, tree rebuilt from them, root "
            + result.rootHex());
  }
}
