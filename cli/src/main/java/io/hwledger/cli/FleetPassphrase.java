package io.hwledger.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The {@code --passphrase-file FILE} option of {@code fleet init} and {@code fleet server}: the CA
 * key's passphrase is the file's first line, else {@code $HWLEDGER_FLEET_PASSPHRASE}. It is never
 * an option's value (it would show in the process list and the shell's history) and never printed.
 */
final class FleetPassphrase {
  /** The fewest characters a passphrase may have ({@code FleetCa.save} asks the same). */
  static final int MIN_LENGTH = 12;

  /** The longest first line read. */
  private static final int MAX_LENGTH = 1024;

  @Option(
      names = "--passphrase-file",
      paramLabel = "FILE",
      description =
          "Read the CA key's passphrase from the first line of FILE (default: $"
              + FleetContext.PASSPHRASE_ENV
              + "); at least "
              + MIN_LENGTH
              + " characters.")
  Path file;

  /**
   * The passphrase.
   *
   * @throws picocli.CommandLine.ParameterException when there is none, it is shorter than {@value
   *     #MIN_LENGTH} characters, or the file does not exist
   * @throws RequestFailedException when the file cannot be read
   */
  char[] read(CommandLine command, FleetContext context) {
    String passphrase;
    String origin;
    if (file != null) {
      Usage.file(command, "--passphrase-file", file);
      passphrase = firstLine(file);
      origin = "--passphrase-file: the first line of " + Usage.quote(file.toString());
      warnIfShared(context);
    } else {
      passphrase = context.env().get(FleetContext.PASSPHRASE_ENV);
      origin = "$" + FleetContext.PASSPHRASE_ENV;
      if (passphrase == null) {
        throw Usage.error(
            command,
            "no passphrase for the CA key: give --passphrase-file FILE or set $"
                + FleetContext.PASSPHRASE_ENV);
      }
    }
    int length = passphrase.codePointCount(0, passphrase.length());
    if (length < MIN_LENGTH) {
      throw Usage.error(
          command,
          origin
              + " has "
              + length
              + (length == 1 ? " character" : " characters")
              + "; a passphrase needs at least "
              + MIN_LENGTH);
    }
    return passphrase.toCharArray();
  }

  private static String firstLine(Path file) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      char[] buffer = new char[MAX_LENGTH + 1];
      int n = 0;
      int c;
      while (n < buffer.length && (c = in.read()) != -1 && c != '\n') {
        buffer[n++] = (char) c;
      }
      if (n > MAX_LENGTH) {
        throw new RequestFailedException(
            file + ": the first line is over " + MAX_LENGTH + " characters; is it a passphrase?");
      }
      if (n > 0 && buffer[n - 1] == '\r') {
        n--;
      }
      return new String(buffer, 0, n);
    } catch (CharacterCodingException e) {
      throw new RequestFailedException(file + ": the passphrase is not valid UTF-8", e);
    } catch (IOException e) {
      throw new RequestFailedException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private void warnIfShared(FleetContext context) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.contains(PosixFilePermission.GROUP_READ)
          || permissions.contains(PosixFilePermission.OTHERS_READ)) {
        context
            .io()
            .warn(file + " can be read by other users; 'chmod 600' it, it holds the CA passphrase");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system: nothing to say
    }
  }
}
