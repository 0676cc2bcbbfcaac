package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.ledger.Checkpoint;
import io.hwledger.ledger.CheckpointException;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.NoteVerifier;
import io.hwledger.ledger.Verification;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger ledger verify-checkpoint}: checks a signed checkpoint with only the public
 * verifier key, and optionally that a ledger (a directory or another store) contains the
 * checkpointed tree.
 */
@Command(
    name = "verify-checkpoint",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Verifies a signed checkpoint with only the verifier key (the public key). Exit code 0"
          + " when it verifies, 1 when not.",
      "With --ledger or --store, also verifies that ledger and that its first treeSize records,"
          + " hashed from the records themselves, have the checkpoint's root."
    })
final class LedgerVerifyCheckpointCommand implements Callable<Integer> {
  private final Streams io;
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @Option(
      names = "--note",
      paramLabel = "FILE",
      required = true,
      description = "The signed checkpoint note ('-' for standard input).")
  String note;

  @Option(
      names = "--verifier-key",
      paramLabel = "TEXT",
      required = true,
      description = "The verifier key, <name>+<key ID>+<base64>, as 'ledger keygen' prints it.")
  String verifierKey;

  @Option(
      names = "--ledger",
      paramLabel = "DIR",
      description = "Also check the checkpoint against the ledger in DIR.")
  String ledgerDir;

  @Option(
      names = "--store",
      paramLabel = "STORE",
      description =
          "Also check the checkpoint against the ledger at STORE, instead of --ledger: "
              + LedgerLocation.STORE_HELP
              + ".")
  String store;

  /** The ledger to check against, from --ledger or --store; null when neither is given. */
  private LedgerTarget ledger;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  LedgerVerifyCheckpointCommand(Streams io, Map<String, String> env) {
    this.io = io;
    this.env = env;
  }

  @Override
  public Integer call() {
    if (ledgerDir != null && store != null) {
      throw Usage.error(
          spec.commandLine(), "--ledger and --store are mutually exclusive; give one of them");
    }
    if (ledgerDir != null) {
      ledger = LedgerTarget.directory(spec.commandLine(), "--ledger", ledgerDir, env);
    } else if (store != null) {
      ledger = LedgerTarget.of(spec.commandLine(), "--store", store, env);
    }
    // The paths first: one that is not there is a usage error before anything is read.
    if (!note.equals("-")) {
      Path file = Usage.file(spec.commandLine(), "--note", Path.of(note));
      if (!Files.isRegularFile(file)) {
        throw new RequestFailedException(
            "--note: '"
                + file
                + "' is not a regular file (a FIFO, socket or device), so it is not read");
      }
    }
    if (ledger != null && !ledger.isUrl()) {
      Usage.directory(spec.commandLine(), ledger.option(), ledger.dir());
    }
    NoteVerifier verifier;
    try {
      verifier = NoteVerifier.parse(verifierKey);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--verifier-key: " + e.getMessage());
    }
    String text = readNote();
    Checkpoint checkpoint;
    try {
      checkpoint = verifier.verify(text);
    } catch (CheckpointException e) {
      return report(null, ErrorHandler.oneLine(e.getMessage(), e));
    }
    if (ledger != null) {
      String problem = ledger.isUrl() ? storeProblem(checkpoint) : directoryProblem(checkpoint);
      if (problem != null) {
        return report(checkpoint, problem);
      }
    }
    return report(checkpoint, null);
  }

  /**
   * What is wrong with the ledger directory given {@code checkpoint}, or null. From the records
   * themselves, not the tree: history rewritten after the checkpoint with a consistent chain is
   * still caught.
   */
  private String directoryProblem(Checkpoint checkpoint) {
    LedgerCommand.requireLedger(spec.commandLine(), ledger.option(), ledger.dir());
    Verification v = Ledger.verify(ledger.dir(), checkpoint, n -> {});
    return v.ok() ? null : v.reason().orElse("the ledger does not verify");
  }

  /**
   * What is wrong with the ledger at a store URL given {@code checkpoint}, or null: the store
   * verifies every record and every stored tree node against them, so its root at the checkpoint's
   * size is then the root the records give, worded as the directory's check words it.
   */
  private String storeProblem(Checkpoint checkpoint) {
    Verification v = ledger.verify(n -> {});
    if (!v.ok()) {
      return v.reason().orElse("the ledger does not verify");
    }
    long treeSize = checkpoint.treeSize();
    if (treeSize > v.size()) {
      return "the checkpoint has " + treeSize + " records but the ledger holds " + v.size();
    }
    byte[] root;
    try (LedgerStore store = ledger.openExisting()) {
      root = store.root(treeSize);
    }
    if (!MessageDigest.isEqual(root, checkpoint.rootHash())) {
      return "the records' root at size "
          + treeSize
          + " is "
          + LedgerCommand.hex(root)
          + ", not the checkpoint's "
          + checkpoint.rootHashHex()
          + " (history differs from what was signed)";
    }
    return null;
  }

  private String readNote() {
    try {
      if (note.equals("-")) {
        return new String(io.in().readAllBytes(), StandardCharsets.UTF_8);
      }
      return Files.readString(Path.of(note), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RequestFailedException(
          "--note: cannot read '" + note + "': " + ErrorHandler.oneLine(e.getMessage(), e), e);
    }
  }

  /** Prints the outcome; {@code reason} null means it verified. */
  private int report(Checkpoint checkpoint, String reason) {
    if (json) {
      ObjectNode node = JsonWriter.object();
      node.put("ok", reason == null);
      if (checkpoint != null) {
        node.put("origin", checkpoint.origin());
        node.put("treeSize", checkpoint.treeSize());
        node.put("root", checkpoint.rootHashHex());
      }
      if (reason != null) {
        node.put("reason", reason);
      }
      JsonWriter.printAscii(io.out(), node);
    } else if (reason == null) {
      io.out()
          .println(
              "ok: "
                  + checkpoint.origin()
                  + ", "
                  + checkpoint.treeSize()
                  + " records, root "
                  + checkpoint.rootHashHex()
                  + (ledger == null ? "" : ", matches " + ledger.shown()));
    } else {
      io.out().println("BAD: " + reason);
    }
    return reason == null ? ErrorHandler.ExitCodes.OK : ErrorHandler.ExitCodes.FAILURE;
  }
}
