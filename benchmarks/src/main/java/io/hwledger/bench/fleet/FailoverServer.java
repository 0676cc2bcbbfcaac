package io.hwledger.bench.fleet;

import io.hwledger.fleet.server.FleetHome;
import io.hwledger.fleet.server.FleetServer;
import io.hwledger.fleet.server.FleetServerOptions;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The fleet server {@link FleetFailover} kills: a JVM of its own that starts a {@link FleetServer}
 * on 127.0.0.1 for the fleet directory it is given, with its ledger in a shared PostgreSQL store
 * (role, password and schema from {@code HWLEDGER_DB_*}, the CA key's passphrase from {@code
 * HWLEDGER_FLEET_PASSPHRASE}, all in its environment, never on its command line). It prints,
 * flushed line by line, {@code LISTENING <url> <leader|follower>} once it listens and {@code LEADS
 * <url>} once it leads. It runs until it is killed, until its standard input ends (the harness is
 * gone), or for at most 10 minutes.
 *
 * <pre>
 * java -cp benchmarks.jar io.hwledger.bench.fleet.FailoverServer FLEET_DIR PORT JDBC_URL POLL_MILLIS
 * </pre>
 */
public final class FailoverServer {
  /** The line printed once the server listens: its URL and role. */
  static final String LISTENING = "LISTENING ";

  /** The line printed once the server leads: its URL. */
  static final String LEADS = "LEADS ";

  /** The environment variable holding the CA key's passphrase (as the CLI's). */
  static final String ENV_PASSPHRASE = "HWLEDGER_FLEET_PASSPHRASE";

  /** How long the server runs at most when nobody kills it. */
  private static final Duration MAX_RUN = Duration.ofMinutes(10);

  private FailoverServer() {}

  /**
   * Starts the server and waits until it is killed, its standard input ends, or 10 minutes pass.
   *
   * @param args the fleet directory, the port (0 for any free one), the store's JDBC URL (without a
   *     password) and the standby poll in milliseconds
   * @throws IOException if the server cannot start
   * @throws InterruptedException if interrupted while waiting
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 4) {
      System.err.println("usage: FailoverServer FLEET_DIR PORT JDBC_URL POLL_MILLIS");
      System.exit(2);
      return;
    }
    Map<String, String> env = System.getenv();
    String passphrase = env.get(ENV_PASSPHRASE);
    if (passphrase == null) {
      System.err.println(ENV_PASSPHRASE + " is not set");
      System.exit(2);
      return;
    }
    FleetServerOptions options =
        FleetServerOptions.defaults(Integer.parseInt(args[1]))
            .withBindAddress("127.0.0.1")
            .withLedgerStore(args[2], Duration.ofMillis(Long.parseLong(args[3])));
    watchStdin();
    try (PrintStream out =
            new PrintStream(
                new FileOutputStream(FileDescriptor.out), true, StandardCharsets.US_ASCII);
        FleetServer server =
            FleetServer.start(
                FleetHome.at(Path.of(args[0])), passphrase.toCharArray(), null, options, env)) {
      out.println(LISTENING + server.url() + " " + (server.leads() ? "leader" : "follower"));
      long deadline = System.nanoTime() + MAX_RUN.toNanos();
      boolean announced = false;
      while (System.nanoTime() - deadline < 0) {
        if (!announced && server.awaitLeading(Duration.ofSeconds(1))) {
          out.println(LEADS + server.url());
          announced = true;
        } else if (announced) {
          Thread.sleep(1_000);
        }
      }
    }
  }

  /** Exits when standard input ends: the harness that started this JVM has gone. */
  private static void watchStdin() {
    Thread t =
        new Thread(
            () -> {
              InputStream in = System.in;
              byte[] buffer = new byte[256];
              try {
                while (in.read(buffer) >= 0) {
                  // the harness writes nothing; any bytes are ignored
                }
              } catch (IOException e) {
                // treated as the end of input
              }
              System.exit(0);
            },
            "failover-server-stdin");
    t.setDaemon(true);
    t.start();
  }
}
