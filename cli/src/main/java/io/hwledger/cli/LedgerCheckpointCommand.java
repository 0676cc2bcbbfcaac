package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.ledger.Checkpoint;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.NoteSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger ledger checkpoint}: signs the ledger's current size and root as a C2SP
 * tlog-checkpoint in the signed-note format.
 */
@Command(
    name = "checkpoint",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Prints a signed checkpoint (C2SP tlog-checkpoint, signed note) of the ledger in DIR or at"
          + " --store: its origin, size and Merkle root, signed with the Ed25519 key in KEYFILE.",
      "Make a key with 'hwledger ledger keygen'."
    })
final class LedgerCheckpointCommand implements Callable<Integer> {
  private final Streams io;
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @Mixin LedgerLocation location = new LedgerLocation();

  @Option(
      names = "--key",
      paramLabel = "KEYFILE",
      required = true,
      description = "A file holding a signer key, PRIVATE+KEY+<name>+<key ID>+<base64>.")
  Path key;

  @Option(
      names = "--origin",
      paramLabel = "ORIGIN",
      description = "The checkpoint's origin line (default: the key's name).")
  String origin;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  LedgerCheckpointCommand(Streams io, Map<String, String> env) {
    this.io = io;
    this.env = env;
  }

  @Override
  public Integer call() {
    LedgerTarget target = location.target(env);
    if (!target.isUrl()) {
      Usage.directory(spec.commandLine(), target.option(), target.dir());
    }
    NoteSigner signer = readSigner(key);
    String checkpointOrigin = origin == null ? signer.name() : origin;
    if (checkpointOrigin.isEmpty() || checkpointOrigin.chars().anyMatch(c -> c < 0x20)) {
      throw new ParameterException(
          spec.commandLine(), "--origin: must be one non-empty line without control characters");
    }
    String note;
    try (LedgerStore ledger = target.openExisting()) {
      note = ledger.checkpoint(checkpointOrigin, signer);
    }
    if (json) {
      // Read back what was signed, and check the signature on the way.
      Checkpoint checkpoint = signer.verifier().verify(note);
      ObjectNode node = JsonWriter.object();
      node.put("origin", checkpoint.origin());
      node.put("treeSize", checkpoint.treeSize());
      node.put("root", checkpoint.rootHashHex());
      node.put("keyName", signer.name());
      node.put("verifierKey", signer.verifierKey());
      node.put("note", note);
      JsonWriter.printAscii(io.out(), node);
    } else {
      // The note's bytes are what was signed: UTF-8 whatever the platform encoding.
      byte[] bytes = note.getBytes(StandardCharsets.UTF_8);
      io.out().write(bytes, 0, bytes.length);
      io.out().flush();
    }
    return ErrorHandler.ExitCodes.OK;
  }

  /** The signer key in {@code file}. */
  private NoteSigner readSigner(Path file) {
    Usage.file(spec.commandLine(), "--key", file);
    if (!Files.isRegularFile(file)) {
      throw new RequestFailedException(
          "--key: '"
              + file
              + "' is not a regular file (a FIFO, socket or device), so it is not read");
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RequestFailedException(
          "--key: cannot read '" + file + "': " + ErrorHandler.oneLine(e.getMessage(), e), e);
    }
    try {
      return NoteSigner.parse(text);
    } catch (IllegalArgumentException e) {
      // NoteSigner's messages never repeat the key.
      throw new RequestFailedException("--key " + file + ": " + e.getMessage(), e);
    }
  }
}
