package io.hwledger.cli;

import io.hwledger.fleet.pki.FleetCa;
import io.hwledger.fleet.server.FleetHome;
import io.hwledger.fleet.server.FleetServer;
import io.hwledger.fleet.server.FleetServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
          + " DIR/ledger, and logs what it does on standard error."
    })
final class FleetServerCommand implements Callable<Integer> {
  /**
   * The fleet's loggers' parent, held here: java.util.logging keeps loggers weakly, and a level or
   * handler set on one that is collected would be lost.
   */
  private static final Logger FLEET_LOG = Logger.getLogger("io.hwledger.fleet");

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
    FleetServerOptions options;
    try {
      options = FleetServerOptions.defaults(listen).withBindAddress(bind);
    } catch (IllegalArgumentException e) {
      throw Usage.error(spec.commandLine(), e);
    }
    char[] secret = passphrase.read(spec.commandLine(), context);
    boolean debug = ErrorHandler.debugRequested(spec.root().commandLine().getParseResult());
    Handler lines = debug ? null : new ServerLines(context.io());
    Level savedLevel = FLEET_LOG.getLevel();
    if (lines != null) {
      FLEET_LOG.setUseParentHandlers(false);
      FLEET_LOG.addHandler(lines);
      FLEET_LOG.setLevel(Level.INFO);
    }
    try {
      FleetServer server;
      try {
        server = FleetServer.start(FleetHome.at(dir), secret, publicUrl, options);
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
                  + server.url());
      context.io().out().flush();
      return runUntilStopped(server);
    } finally {
      if (lines != null) {
        FLEET_LOG.removeHandler(lines);
        FLEET_LOG.setUseParentHandlers(true);
        FLEET_LOG.setLevel(savedLevel);
      }
    }
  }

  /** Blocks until a shutdown hook or an interrupt closes the server. */
  private static int runUntilStopped(FleetServer server) {
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              server.close();
              closed.countDown();
            },
            "hwledger-fleet-server-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      closed.await();
    } catch (InterruptedException e) {
      // run in-process (tests): the caller interrupts this thread to stop the server
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        return ErrorHandler.ExitCodes.OK; // the hook closes it
      }
      server.close();
      Thread.currentThread().interrupt();
    }
    return ErrorHandler.ExitCodes.OK;
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
      saved = new URI(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (IOException | URISyntaxException e) {
      throw new RequestFailedException(file + ": not a URL (" + e.getMessage() + ")", e);
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

  /** The fleet's log as {@code hwledger: LEVEL: message} lines on standard error. */
  private static final class ServerLines extends Handler {
    private final Streams io;
    private final Formatter messages =
        new Formatter() {
          @Override
          public String format(LogRecord record) {
            return formatMessage(record);
          }
        };

    ServerLines(Streams io) {
      this.io = io;
    }

    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() < Level.INFO.intValue()) {
        return;
      }
      String text = messages.format(record);
      Throwable thrown = record.getThrown();
      String message =
          ErrorHandler.oneLine(
              (text == null ? "" : text) + (thrown == null ? "" : ": " + thrown), thrown);
      String level =
          record.getLevel() == Level.SEVERE
              ? "error"
              : record.getLevel().getName().toLowerCase(Locale.ROOT);
      io.err().println("hwledger: " + level + ": " + message);
    }

    @Override
    public void flush() {
      io.err().flush();
    }

    @Override
    public void close() {
      flush();
    }
  }
}
