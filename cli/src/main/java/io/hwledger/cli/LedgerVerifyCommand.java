package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.Verification;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger ledger verify}: recomputes every checksum, hash, chain link and Merkle leaf of a
 * ledger ({@link Ledger#verify(Path, LongConsumer)}, or its store's verification through {@link
 * io.hwledger.ledger.LedgerStores}). Reads without taking the writer's lock.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Verifies every record of the ledger in DIR or at --store: checksums, hashes, chain links"
          + " and the Merkle tree. Exit code 0 when everything verifies, 1 when not.",
      "Shows progress on standard error when run on a terminal."
    })
final class LedgerVerifyCommand implements Callable<Integer> {
  private final Streams io;
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @Mixin LedgerLocation location = new LedgerLocation();

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  LedgerVerifyCommand(Streams io, Map<String, String> env) {
    this.io = io;
    this.env = env;
  }

  @Override
  public Integer call() {
    LedgerTarget target = location.target(env);
    Progress progress = new Progress(io);
    Verification result;
    try {
      result = target.verify(progress);
    } finally {
      progress.clear();
    }
    return report(io, json, result, "ok: " + result.size() + " records, root " + result.rootHex());
  }

  /**
   * Prints a verification as {@code verify} does ({@code okLine} when it verified) and returns the
   * exit code: 0 when it verified, 1 when not.
   */
  static int report(Streams io, boolean json, Verification result, String okLine) {
    if (json) {
      ObjectNode root = JsonWriter.object();
      root.put("ok", result.ok());
      root.put("size", result.size());
      root.put("root", result.rootHex());
      result.firstBadSeq().ifPresent(seq -> root.put("firstBadSeq", seq));
      result.reason().ifPresent(reason -> root.put("reason", reason));
      JsonWriter.printAscii(io.out(), root);
    } else if (result.ok()) {
      io.out().println(okLine);
    } else {
      io.out()
          .println(
              "BAD at seq "
                  + result.firstBadSeq().orElse(result.size())
                  + ": "
                  + result.reason().orElse("unknown"));
    }
    return result.ok() ? ErrorHandler.ExitCodes.OK : ErrorHandler.ExitCodes.FAILURE;
  }

  /** Records verified so far, on standard error, rewritten in place; only on a terminal. */
  private static final class Progress implements LongConsumer {
    private final Streams io;
    private int shown;

    Progress(Streams io) {
      this.io = io;
    }

    @Override
    public void accept(long records) {
      if (!io.terminal()) {
        return;
      }
      String text = "hwledger: verified " + records + " records";
      io.err().print("\r" + text);
      io.err().flush();
      shown = Math.max(shown, text.length());
    }

    /** Erases the progress line, if one was shown. */
    void clear() {
      if (shown > 0) {
        io.err().print("\r" + " ".repeat(shown) + "\r");
        io.err().flush();
        shown = 0;
      }
    }
  }
}
