package io.hwledger.examples;

import io.hwledger.ledger.AppendResult;
import io.hwledger.ledger.Checkpoint;
import io.hwledger.ledger.InclusionProof;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.MerkleTree;
import io.hwledger.ledger.NoteSigner;
import io.hwledger.ledger.NoteVerifier;
import io.hwledger.ledger.Verification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The README's "Recording what the fleet does", in a temporary directory: append an event, prove
 * it, sign a checkpoint, verify the ledger, and check the proof with only the signed checkpoint.
 * The lines between the README markers are the README's snippet, character for character.
 *
 * <p>Run with the key file {@code hwledger ledger keygen --name fleet.example/ledger --out KEYFILE}
 * wrote as the argument; without one it writes a key file the same way first.
 */
public final class LedgerExample {
  private LedgerExample() {}

  /** Runs the example and prints what an auditor would check. */
  public static void main(String[] args) throws IOException {
    Path ledgerDir = Files.createTempDirectory("hwledger-example");
    Path keyFile;
    if (args.length > 0) {
      keyFile = Path.of(args[0]);
    } else { // as `ledger keygen` writes it: the key text and a newline
      keyFile = ledgerDir.resolveSibling(ledgerDir.getFileName() + ".key");
      Files.writeString(
          keyFile,
          NoteSigner.generate("fleet.example/ledger", new SecureRandom()).signerKey() + "\n");
    }

    // README begin: the README prints these lines as they are (spotless:off)
    NoteSigner signer = NoteSigner.parse(Files.readString(keyFile));       // from `ledger keygen`
    AppendResult r;
    InclusionProof proof;
    String note;
    try (Ledger ledger = Ledger.open(ledgerDir)) {                          // one writer process
      r = ledger.append(LedgerEvent.of("device.registered", 1,
          "{\"deviceId\":\"GPU-1f2e\",\"backend\":\"nvml\",\"name\":\"H100\"}"));  // durable on return
      proof = ledger.inclusionProof(r.seq(), ledger.size());                 // RFC 9162, O(log n)
      note = ledger.checkpoint("fleet.example/ledger", signer);              // C2SP signed checkpoint
    }
    Verification v = Ledger.verify(ledgerDir);                              // first bad record, if any

    // An auditor holding only the verifier key, the note, the event's hash and the proof:
    Checkpoint cp = NoteVerifier.parse(signer.verifierKey()).verify(note);
    boolean included = MerkleTree.verifyInclusion(r.hash(), r.seq(), cp.treeSize(), proof.path(),
        cp.rootHash());
    // README end (spotless:on)

    System.out.printf(
        "seq %d, ledger ok=%s, included in the signed tree of %d: %s%n",
        r.seq(), v.ok(), cp.treeSize(), included);
  }
}
