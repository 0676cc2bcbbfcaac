package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.ledger.NoteSigner;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger ledger keygen}: a new Ed25519 signer key for {@code ledger checkpoint}, written
 * to a file only its owner can read, and its public verifier key on standard output.
 */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Writes a new Ed25519 signer key for 'ledger checkpoint' to KEYFILE (mode 600 where the"
          + " file system has POSIX permissions; an existing file is never overwritten) and prints"
          + " its verifier key, the public half to give to auditors."
    })
final class LedgerKeygenCommand implements Callable<Integer> {
  private final Streams io;

  @Spec CommandSpec spec;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      required = true,
      description =
          "Key name, usually the log's origin such as example.com/fleet-ledger: no spaces or"
              + " plus signs.")
  String name;

  @Option(
      names = "--out",
      paramLabel = "KEYFILE",
      required = true,
      description = "Where to write the signer key.")
  Path out;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  LedgerKeygenCommand(Streams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    NoteSigner signer;
    try {
      signer = NoteSigner.generate(name, new SecureRandom());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--name: " + e.getMessage());
    }
    write(signer);
    if (json) {
      ObjectNode node = JsonWriter.object();
      node.put("name", signer.name());
      node.put("verifierKey", signer.verifierKey());
      node.put("keyFile", out.toAbsolutePath().toString());
      JsonWriter.printAscii(io.out(), node);
    } else {
      io.out().println(signer.verifierKey());
      io.err().println("hwledger: wrote signer key to " + out + "; keep it secret");
    }
    return ErrorHandler.ExitCodes.OK;
  }

  private void write(NoteSigner signer) {
    try {
      if (out.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            out,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(out);
      }
    } catch (FileAlreadyExistsException e) {
      throw new RequestFailedException("--out: '" + out + "' exists; not overwriting it", e);
    } catch (IOException e) {
      throw new RequestFailedException(
          "--out: cannot create '" + out + "': " + ErrorHandler.oneLine(e.getMessage(), e), e);
    }
    try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      writer.write(signer.signerKey());
      writer.write('\n');
    } catch (IOException e) {
      throw new RequestFailedException(
          "--out: cannot write '" + out + "': " + ErrorHandler.oneLine(e.getMessage(), e), e);
    }
  }
}
