package io.hwledger.cli;

import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.pki.FleetCa;
import io.hwledger.fleet.server.FleetHome;
import io.hwledger.fleet.server.FleetServer;
import io.hwledger.fleet.server.FleetServerOptions;
import io.hwledger.fleet.ssh.SshPolling;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger fleet server}: runs the fleet server of a fleet directory until the process is
 * stopped (SIGINT or SIGTERM: a shutdown hook closes it, so the ledger is closed cleanly) or, run
 * in-process, until its thread is interrupted. What the server logs at INFO and above is printed on
 * standard error as {@code hwledger: info: …} lines.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the fleet server of the fleet in DIR until it is stopped (Ctrl-C, SIGTERM).",
      "It listens on --bind:--port with TLS 1.3 and client certificates, replays its state from"
          + " DIR/ledger (or --store), and logs what it does on standard error.",
      "With --store shared by several servers, one leads; the others print that they stand by"
          + " and start listening when they take over."
    })
final class FleetServerCommand implements Callable<Integer> {
  private final FleetContext context;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The fleet directory (fleet init).")
  Path dir;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      defaultValue = "0.0.0.0",
      description = "The address to listen on (default: ${DEFAULT-VALUE}, every address).")
  String bind;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "The TCP port to listen on, 0 for any free one (default: the --url's port).")
  Integer port;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "The URL join strings name (default: DIR/admin/server.url as fleet init wrote it, with"
              + " --port's port when that is given).")
  String url;

  @Option(
      names = "--not-ready-after",
      paramLabel = "DURATION",
      defaultValue = "150s",
      description = "Silence after which an agent is not ready (default: ${DEFAULT-VALUE}).")
  String notReadyAfter;

  @Option(
      names = "--lost-after",
      paramLabel = "DURATION",
      defaultValue = "300s",
      description =
          "Further silence after which a not-ready agent is lost and its jobs move (default:"
              + " ${DEFAULT-VALUE}).")
  String lostAfter;

  @Option(
      names = "--ssh-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description =
          "How often each SSH host ('hwledger fleet ssh add') is polled (default:"
              + " ${DEFAULT-VALUE}); one that fails waits twice as long after each failure, at most"
              + " 5 minutes.")
  String sshInterval;

  @Option(
      names = "--ssh-concurrency",
      paramLabel = "N",
      defaultValue = "16",
      description = "How many SSH hosts are polled at once, 1 to 256 (default: ${DEFAULT-VALUE}).")
  int sshConcurrency;

  @Option(
      names = "--store",
      paramLabel = "STORE",
      description =
          "Keep the fleet's ledger in STORE instead of DIR/ledger: a directory or a"
              + " jdbc:postgresql://HOST[:PORT]/DATABASE URL (role and password from"
              + " HWLEDGER_DB_USER and HWLEDGER_DB_PASSWORD or the HWLEDGER_DB_CONFIG file)."
              + " Servers started on the same STORE (each on its own --port or --url) share it:"
              + " one leads and decides; the others follow it, serve reads and agents' watch"
              + " streams, send every change to the leader, and take over when it stops or dies.")
  String store;

  @Option(
      names = "--standby-poll",
      paramLabel = "DURATION",
      defaultValue = "500ms",
      description =
          "How often a following server tries to take over the ledger (default:"
              + " ${DEFAULT-VALUE}).")
  String standbyPoll;

  @Mixin FleetPassphrase passphrase = new FleetPassphrase();

  FleetServerCommand(FleetContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Usage.directory(spec.commandLine(), "DIR", dir);
    if (!Files.exists(dir.resolve("ca").resolve(FleetCa.CERTIFICATE_FILE))) {
      throw new RequestFailedException(
          "no fleet in "
              + dir
              + " (no ca/"
              + FleetCa.CERTIFICATE_FILE
              + "); create one with"
              + " 'hwledger fleet init'");
    }
    if (port != null && (port < 0 || port > 65535)) {
      throw Usage.error(spec.commandLine(), "--port: " + port + " is not a TCP port (0 to 65535)");
    }
    URI publicUrl = publicUrl();
    int listen;
    if (port != null) {
      listen = port;
    } else if (publicUrl != null) {
      listen = publicUrl.getPort() < 0 ? 443 : publicUrl.getPort();
    } else {
      throw Usage.error(
          spec.commandLine(),
          "give --port N or --url URL: " + dir + "/admin/server.url, the default, is missing");
    }
    FleetServerOptions options = options(listen);
    char[] secret = passphrase.read(spec.commandLine(), context);
    boolean debug = ErrorHandler.debugRequested(spec.root().commandLine().getParseResult());
    try (FleetForeground log = FleetForeground.logTo(context.io(), debug)) {
      FleetServer server;
      try {
        server = FleetServer.start(FleetHome.at(dir), secret, publicUrl, options, context.env());
      } catch (IOException e) {
        throw new RequestFailedException(
            "cannot start the fleet server: " + FleetCommand.describe(e), e);
      } finally {
        Arrays.fill(secret, '\0');
      }
      context
          .io()
          .out()
          .println(
              "fleet server listening on "
                  + bind
                  + ":"
                  + server.port()
                  + "; agents and operators dial "
                  + server.url()
                  + (server.leads()
                      ? ""
                      : "; following the server that holds the ledger, serving reads and watch"
                          + " streams, until it takes over"));
      context.io().out().flush();
      return FleetForeground.runUntilStopped(server, "hwledger-fleet-server-stop");
    }
  }

  /** The server's options from the command line, listening on {@code listen}. */
  private FleetServerOptions options(int listen) {
    if (sshConcurrency < 1 || sshConcurrency > 256) {
      throw Usage.error(
          spec.commandLine(), "--ssh-concurrency: " + sshConcurrency + " is not 1 to 256");
    }
    try {
      Duration notReady = Durations.parse("--not-ready-after", notReadyAfter);
      Duration lost = Durations.parse("--lost-after", lostAfter);
      // sweep often enough to judge short thresholds, at most every 15 s (FLEET.md section 2)
      Duration sweep = Collections.min(List.of(Duration.ofSeconds(15), notReady.dividedBy(4)));
      SshPolling ssh = sshPolling(Durations.parse("--ssh-interval", sshInterval));
      return FleetServerOptions.defaults(listen)
          .withBindAddress(bind)
          .withLiveness(notReady, lost, sweep.isZero() ? Duration.ofMillis(100) : sweep)
          .withSsh(ssh)
          .withLedgerStore(store, Durations.parse("--standby-poll", standbyPoll));
    } catch (IllegalArgumentException e) {
      throw Usage.error(spec.commandLine(), e);
    }
  }

  /** SSH hosts polled every {@code every}, backing off to 5 minutes or {@code every}, if longer. */
  private SshPolling sshPolling(Duration every) {
    Duration maxBackoff = SshPolling.DEFAULTS.maxBackoff();
    return new SshPolling(
        every,
        sshConcurrency,
        SshPolling.DEFAULTS.commandTimeout(),
        every.compareTo(maxBackoff) > 0 ? every : maxBackoff);
  }

  /** --url, else DIR/admin/server.url with --port's port; null when neither says. */
  private URI publicUrl() {
    if (url != null) {
      return FleetInitCommand.httpsUrl(spec.commandLine(), "--url", url);
    }
    Path file = FleetHome.at(dir).adminDir().resolve("server.url");
    if (!Files.isRegularFile(file)) {
      return null;
    }
    URI saved;
    try {
      saved = FleetClient.serverUrls(file).get(0);
    } catch (IOException e) {
      throw new RequestFailedException(FleetCommand.describe(e), e);
    } catch (IllegalArgumentException e) {
      throw new RequestFailedException(e.getMessage(), e);
    }
    if (port == null || port == saved.getPort()) {
      return saved;
    }
    if (port == 0) {
      return null; // the port is known once bound: the server names https://<bind>:<port>
    }
    try {
      return new URI(saved.getScheme(), null, saved.getHost(), port, null, null, null);
    } catch (URISyntaxException e) {
      throw new RequestFailedException(file + ": not a URL (" + e.getMessage() + ")", e);
    }
  }
}
