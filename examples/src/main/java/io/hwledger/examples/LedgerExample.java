package io.hwledger.examples;

import io.hwledger.ledger.AppendResult;
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
 * The ledger example of the README, in a temporary directory: append an event, prove it, sign a
 * checkpoint, verify the ledger, and check the proof with only the signed checkpoint.
 */
public final class LedgerExample {
  private LedgerExample() {}

  /** Runs the example and prints what an auditor would check. */
  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("hwledger-example");
    Path keyFile = dir.resolveSibling(dir.getFileName() + ".key");
    Files.writeString(
        keyFile, NoteSigner.generate("fleet.example/ledger", new SecureRandom()).signerKey());

    NoteSigner signer = NoteSigner.parse(Files.readString(keyFile)); // from `ledger keygen`
    String note;
    AppendResult r;
    InclusionProof proof;
    try (Ledger ledger = Ledger.open(dir)) { // one writer process
      r =
          ledger.append(
              LedgerEvent.of(
                  "device.registered",
                  1,
                  "{\"deviceId\":\"GPU-1f2e\",\"backend\":\"nvml\",\"name\":\"H100\"}"));
      proof = ledger.inclusionProof(r.seq(), ledger.size()); // RFC 9162, O(log n)
      note = ledger.checkpoint("fleet.example/ledger", signer); // C2SP signed checkpoint
    }
    Verification v = Ledger.verify(dir); // first bad record, if any

    // An auditor holding only the verifier key, the note, the leaf hash and the proof:
    var checkpoint = NoteVerifier.parse(signer.verifierKey()).verify(note);
    boolean included =
        MerkleTree.verifyInclusion(
            r.hash(), r.seq(), checkpoint.treeSize(), proof.path(), checkpoint.rootHash());
    System.out.printf(
        "seq %d, ledger ok=%s, included in the signed tree of %d: %s%n",
        r.seq(), v.ok(), checkpoint.treeSize(), included);
  }
}
