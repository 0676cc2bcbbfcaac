package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.ledger.Checkpoint;
import io.hwledger.ledger.CheckpointException;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.NoteVerifier;
import io.hwledger.ledger.Verification;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger ledger verify-checkpoint}: checks a signed checkpoint with only the public
 * verifier key, and optionally that a ledger contains the checkpointed tree.
 */
@Command(
    name = "verify-checkpoint",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Verifies a signed checkpoint with only the verifier key (the public key). Exit code 0"
          + " when it verifies, 1 when not.",
      "With --ledger, also verifies the ledger in DIR and that its first treeSize records,"
          + " hashed from the records themselves, have the checkpoint's root."
    })
final class LedgerVerifyCheckpointCommand implements Callable<Integer> {
  private final Streams io;

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
  Path ledgerDir;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  LedgerVerifyCheckpointCommand(Streams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
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
    if (ledgerDir != null) {
      Usage.directory(spec.commandLine(), "--ledger", ledgerDir);
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
    if (ledgerDir != null) {
      // From the records themselves, not the tree: history rewritten after the checkpoint with a
      // consistent chain is still caught.
      LedgerCommand.requireLedger(spec.commandLine(), "--ledger", ledgerDir);
      Verification v = Ledger.verify(ledgerDir, checkpoint, n -> {});
      if (!v.ok()) {
        return report(checkpoint, v.reason().orElse("the ledger does not verify"));
      }
    }
    return report(checkpoint, null);
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
                  + (ledgerDir == null ? "" : ", matches " + ledgerDir));
    } else {
      io.out().println("BAD: " + reason);
    }
    return reason == null ? ErrorHandler.ExitCodes.OK : ErrorHandler.ExitCodes.FAILURE;
  }
}
