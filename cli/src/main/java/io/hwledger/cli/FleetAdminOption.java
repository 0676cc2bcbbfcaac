package io.hwledger.cli;

import io.hwledger.fleet.client.FleetClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The {@code --admin DIR} option of every {@code hwledger fleet} command that calls the server: the
 * operator credential {@code fleet init} writes to {@code FLEET_DIR/admin} ({@code admin.pem}: key
 * and certificate, {@code ca.crt}, {@code server.url}). Without the option, {@code
 * $HWLEDGER_FLEET_ADMIN}, else {@code ./fleet/admin}.
 */
final class FleetAdminOption {
  /** The directory used when neither the option nor the environment names one. */
  static final Path DEFAULT = Path.of("fleet", "admin");

  /** How long a request may take, connection included. */
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** What a credential directory holds. */
  private static final List<String> FILES = List.of("admin.pem", "ca.crt", "server.url");

  @Option(
      names = "--admin",
      paramLabel = "DIR",
      description =
          "The operator credential directory, FLEET_DIR/admin as 'hwledger fleet init' writes it"
              + " (default: $"
              + FleetContext.ADMIN_ENV
              + ", else ./fleet/admin).")
  Path admin;

  /**
   * A client of the server named in the credential directory.
   *
   * @throws picocli.CommandLine.ParameterException when the directory does not exist or is not a
   *     directory, saying where its name came from
   * @throws RequestFailedException when a credential file is missing or unreadable
   */
  AdminApi connect(CommandLine command, FleetContext context) {
    Path dir = resolve(command, context);
    for (String file : FILES) {
      if (!Files.exists(dir.resolve(file))) {
        throw new RequestFailedException(
            "no operator credential in "
                + dir
                + ": "
                + file
                + " is missing ('hwledger fleet init' writes one to FLEET_DIR/admin)");
      }
    }
    try {
      return new AdminApi(FleetClient.admin(dir, TIMEOUT));
    } catch (IOException e) {
      throw new RequestFailedException(
          "cannot read the operator credential in " + dir + ": " + FleetCommand.describe(e), e);
    }
  }

  /** The credential directory: the option, else the environment, else the default; checked. */
  Path resolve(CommandLine command, FleetContext context) {
    Path dir;
    String origin;
    if (admin != null) {
      dir = admin;
      origin = "";
    } else if (context.getenv(FleetContext.ADMIN_ENV) != null) {
      try {
        dir = Path.of(context.getenv(FleetContext.ADMIN_ENV));
      } catch (InvalidPathException e) {
        throw Usage.error(
            command, "$" + FleetContext.ADMIN_ENV + " is not a path: " + e.getMessage());
      }
      origin = " (from $" + FleetContext.ADMIN_ENV + ")";
    } else {
      dir = DEFAULT;
      origin = " (the default; give --admin DIR or set $" + FleetContext.ADMIN_ENV + ")";
    }
    if (!Files.exists(dir)) {
      throw Usage.error(
          command, "--admin: no such directory " + Usage.quote(dir.toString()) + origin);
    }
    if (!Files.isDirectory(dir)) {
      throw Usage.error(
          command, "--admin: " + Usage.quote(dir.toString()) + " is not a directory" + origin);
    }
    return dir;
  }
}
