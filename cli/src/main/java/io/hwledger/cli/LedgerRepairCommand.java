package io.hwledger.cli;

import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.Verification;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger ledger repair}: rebuilds what the records determine (the Merkle tree, the head)
 * and verifies the result. Records are never changed, apart from a torn tail that was never
 * acknowledged, which opening moves aside as always.
 */
@Command(
    name = "repair",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Opens the ledger in DIR for writing, rebuilds its Merkle tree and head from the records,"
          + " and verifies it. Exit code 0 when it then verifies, 1 when not.",
      "Never changes a record: a damaged or missing acknowledged record is reported, not cut off."
    })
final class LedgerRepairCommand implements Callable<Integer> {
  private final Streams io;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The ledger directory.")
  Path dir;

  @Option(names = "--json", description = "Print one JSON object, as 'ledger verify' does.")
  boolean json;

  LedgerRepairCommand(Streams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    LedgerCommand.requireLedger(spec.commandLine(), "DIR", dir);
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
