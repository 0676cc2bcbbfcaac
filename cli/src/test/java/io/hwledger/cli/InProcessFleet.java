package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.fleet.server.FleetHome;
import io.hwledger.fleet.server.FleetServer;
import io.hwledger.fleet.server.FleetServerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * What the fleet commands' tests share: a fleet made by {@code hwledger fleet init}, its server
 * started in this JVM on a free loopback port, and the operator commands run against it.
 */
final class InProcessFleet {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The server runs in this JVM, so what it logs would reach the commands' standard error: kept to
   * itself between {@link #init} and {@link #restoreServerLog()}, as a server in its own process.
   */
  private static final Logger SERVER_LOG = Logger.getLogger("io.hwledger.fleet");

  private InProcessFleet() {}

  /** Runs {@code hwledger fleet init DIR} with the passphrase; returns DIR. */
  static Path init(Path dir, String passphrase, String fleetId) {
    SERVER_LOG.setUseParentHandlers(false);
    Cli.Result init =
        Cli.runWithEnv(
            Map.of(FleetContext.PASSPHRASE_ENV, passphrase),
            "fleet",
            "init",
            dir.toString(),
            "--fleet-id",
            fleetId,
            "--url",
            "https://127.0.0.1:8443");
    assertThat(init.exitCode()).as(init.err()).isZero();
    return dir;
  }

  /**
   * Starts the server of the fleet in {@code dir} on a free port of 127.0.0.1 and writes that URL
   * into {@code dir/admin/server.url}, where the operator credential names the server.
   */
  static FleetServer start(Path dir, String passphrase) throws IOException {
    FleetServer server =
        FleetServer.start(
            FleetHome.at(dir),
            passphrase.toCharArray(),
            null,
            FleetServerOptions.defaults(0).withBindAddress("127.0.0.1"));
    Files.writeString(
        dir.resolve("admin").resolve("server.url"), server.url() + "\n", StandardCharsets.US_ASCII);
    return server;
  }

  /** Closes {@code server} if there is one and lets the fleet's log reach the console again. */
  static void stop(FleetServer server) {
    if (server != null) {
      server.close();
    }
    SERVER_LOG.setUseParentHandlers(true);
  }

  /** Runs {@code hwledger fleet ARGS --admin CREDENTIAL} with an empty environment. */
  static Cli.Result fleet(Path credential, String... args) {
    List<String> all = new ArrayList<>(List.of("fleet"));
    all.addAll(List.of(args));
    all.addAll(List.of("--admin", credential.toString()));
    return Cli.runWithEnv(Map.of(), all.toArray(String[]::new));
  }

  /** {@code text} as JSON, or a failure showing it. */
  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  /** A refusal: {@code exitCode}, one {@code hwledger:} line on standard error, no stack trace. */
  static void assertOneLineError(Cli.Result r, int exitCode) {
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(exitCode);
    assertThat(r.err().lines()).as(r.err()).hasSize(1);
    assertThat(r.err())
        .startsWith("hwledger: ")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
