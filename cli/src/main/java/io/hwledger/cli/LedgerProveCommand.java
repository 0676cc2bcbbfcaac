package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.ledger.InclusionProof;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.MerkleTree;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger ledger prove}: an RFC 9162 inclusion proof of one record in the Merkle tree of
 * the ledger's first {@code --size} records, checked with {@link MerkleTree#verifyInclusion} before
 * it is printed.
 */
@Command(
    name = "prove",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Prints an RFC 9162 inclusion proof that record SEQ is leaf SEQ of the Merkle tree of the"
          + " first N records of the ledger in DIR or at --store.",
      "The proof is checked before it is printed."
    })
final class LedgerProveCommand implements Callable<Integer> {
  private final Streams io;
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @Mixin LedgerLocation location = new LedgerLocation();

  @Option(
      names = "--seq",
      paramLabel = "SEQ",
      required = true,
      description = "The record to prove.")
  long seq;

  @Option(
      names = "--size",
      paramLabel = "N",
      description = "Tree size: records in the tree (default: the ledger's current size).")
  Long size;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  LedgerProveCommand(Streams io, Map<String, String> env) {
    this.io = io;
    this.env = env;
  }

  @Override
  public Integer call() {
    LedgerTarget target = location.target(env);
    if (seq < 0) {
      throw new ParameterException(spec.commandLine(), "--seq: must not be negative, was " + seq);
    }
    if (size != null && size < 1) {
      throw new ParameterException(spec.commandLine(), "--size: must be at least 1, was " + size);
    }
    long treeSize;
    byte[] leafHash;
    byte[] root;
    InclusionProof proof;
    try (LedgerStore ledger = target.openExisting()) {
      long current = ledger.size();
      treeSize = size == null ? current : size;
      if (treeSize > current) {
        throw new RequestFailedException(
            "--size " + treeSize + " is above the ledger's size, " + current + " records");
      }
      if (seq >= treeSize) {
        throw new RequestFailedException(
            "no record "
                + seq
                + " in a tree of "
                + treeSize
                + " records"
                + (size == null ? " (the ledger's size)" : ""));
      }
      leafHash = ledger.leafHash(seq);
      root = ledger.root(treeSize);
      proof = ledger.inclusionProof(seq, treeSize);
    }
    List<byte[]> path = proof.path();
    if (proof.index() != seq
        || proof.treeSize() != treeSize
        || !MerkleTree.verifyInclusion(leafHash, seq, treeSize, path, root)) {
      throw new RequestFailedException(
          "the inclusion proof of record "
              + seq
              + " in the tree of "
              + treeSize
              + " records does not verify against root "
              + LedgerCommand.hex(root)
              + "; the ledger may be damaged (run 'hwledger ledger verify')");
    }
    if (json) {
      ObjectNode node = JsonWriter.object();
      node.put("seq", seq);
      node.put("treeSize", treeSize);
      node.put("leafHash", LedgerCommand.hex(leafHash));
      node.put("root", LedgerCommand.hex(root));
      ArrayNode array = node.putArray("path");
      path.forEach(hash -> array.add(LedgerCommand.hex(hash)));
      JsonWriter.printAscii(io.out(), node);
    } else {
      PrintStream out = io.out();
      out.println("seq        " + seq);
      out.println("tree size  " + treeSize);
      out.println("leaf hash  " + LedgerCommand.hex(leafHash));
      out.println("root       " + LedgerCommand.hex(root));
      out.println(
          "path       "
              + path.size()
              + (path.size() == 1 ? " hash" : " hashes")
              + ", leaf end first"
              + (path.isEmpty() ? "" : ":"));
      for (byte[] hash : path) {
        out.println("  " + LedgerCommand.hex(hash));
      }
      out.println("verified: RFC 9162 inclusion of leaf " + seq + " in tree size " + treeSize);
    }
    return ErrorHandler.ExitCodes.OK;
  }
}
