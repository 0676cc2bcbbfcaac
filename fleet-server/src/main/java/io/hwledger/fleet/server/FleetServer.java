package io.hwledger.fleet.server;

import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.pki.FleetCa;
import io.hwledger.fleet.pki.TlsContexts;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerFollower;
import io.hwledger.ledger.LedgerHeldException;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.LedgerStores;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running fleet server: HTTPS on Jetty 12 with TLS 1.3 only, client certificates checked against
 * the fleet's CAs during the handshake and against the agents' records on every request, its state
 * replayed from its ledger at start. Close it to stop.
 *
 * <p>The one request without a client certificate is enrollment, which carries a join token
 * instead; the TLS layer asks for a certificate ({@code wantClientAuth}) so that a certificate that
 * is presented is validated (a foreign or expired one fails the handshake), and every other
 * endpoint refuses a request without one.
 */
public final class FleetServer implements AutoCloseable {
  /** How long an agent's previous certificate keeps working after it renewed. */
  public static final Duration RENEWAL_GRACE = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(FleetServer.class);

  private final Server jetty;
  private final LedgerStore ledger;
  private final Fleet fleet;
  private final SshHosts ssh;
  private final ScheduledExecutorService timers;
  private final URI url;

  private FleetServer(
      Server jetty,
      LedgerStore ledger,
      Fleet fleet,
      SshHosts ssh,
      ScheduledExecutorService timers,
      URI url) {
    this.jetty = jetty;
    this.ledger = ledger;
    this.fleet = fleet;
    this.ssh = ssh;
    this.timers = timers;
    this.url = url;
  }

  /**
   * Starts a server for the fleet in {@code home}.
   *
   * @param home the fleet directory ({@link FleetHome#init})
   * @param passphrase the CA key's passphrase; not kept
   * @param publicUrl the URL agents dial, printed in join strings; null for {@code https://<bind
   *     address>:<port>}
   * @param options how it runs
   * @return the running server
   * @throws IOException if the fleet's files cannot be read or the port cannot be bound
   */
  public static FleetServer start(
      FleetHome home, char[] passphrase, URI publicUrl, FleetServerOptions options)
      throws IOException {
    return start(home, passphrase, publicUrl, options, System.getenv());
  }

  /**
   * Starts a server for the fleet in {@code home} whose ledger store reads its connection settings
   * from {@code env}. When another server holds the ledger ({@link
   * FleetServerOptions#ledgerStore()} shared by several servers), this one stands by, trying to
   * take the ledger over every {@link FleetServerOptions#standbyPoll()}, and only then replays it
   * and starts listening: it returns once it leads.
   *
   * @param home the fleet directory ({@link FleetHome#init})
   * @param passphrase the CA key's passphrase; not kept
   * @param publicUrl the URL agents dial; null for {@code https://<bind address>:<port>}
   * @param options how it runs
   * @param env the environment the ledger store reads its settings from (database role, password)
   * @return the running server
   * @throws IOException if the fleet's files cannot be read or the port cannot be bound
   * @throws LedgerException if the ledger cannot be opened, or the thread is interrupted while
   *     standing by
   */
  public static FleetServer start(
      FleetHome home,
      char[] passphrase,
      URI publicUrl,
      FleetServerOptions options,
      Map<String, String> env)
      throws IOException {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(env, "env");
    SecureRandom random = new SecureRandom();
    FleetCa ca = home.ca(passphrase, random);
    List<X509Certificate> trusted = home.trusted(ca);
    Credential credential = home.serverCredential();
    FleetState state = new FleetState();
    LedgerStore ledger = openLedger(home, options, env, state);
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ScheduledExecutorService timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fleet-timers");
              t.setDaemon(true);
              return t;
            });
    SshHosts ssh = null;
    try {
      Fleet fleet =
          new Fleet(
              ca,
              trusted,
              ledger,
              state,
              options,
              random,
              new PlannedScheduler(options),
              new TelemetryStore(metrics));
      recordLocalOperator(home, fleet);
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setSslContext(TlsContexts.server(credential, trusted));
      tls.setIncludeProtocols(TlsContexts.PROTOCOL);
      tls.setWantClientAuth(true);
      // host names are checked by the agents against the server certificate's names
      tls.setSniRequired(false);
      HttpConfiguration http = new HttpConfiguration();
      http.setSendServerVersion(false);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      http.addCustomizer(secure);
      QueuedThreadPool threads = new QueuedThreadPool(256, 8);
      threads.setName("fleet-http");
      Server jetty = new Server(threads);
      ServerConnector connector =
          new ServerConnector(
              jetty, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
      connector.setHost(options.bindAddress());
      connector.setPort(options.port());
      connector.setIdleTimeout(2 * Protocol.KEEPALIVE_MILLIS + 5_000);
      jetty.addConnector(connector);
      ssh = new SshHosts(fleet, options);
      Routes routes = new Routes(fleet, ssh, ca.pin(), metrics);
      jetty.setHandler(routes);
      jetty.start();
      int port = connector.getLocalPort();
      URI url = publicUrl != null ? publicUrl : urlOrBind(options, port);
      routes.publicUrl(url);
      long sweep = options.sweepInterval().toMillis();
      timers.scheduleWithFixedDelay(guard(fleet::sweep), sweep, sweep, TimeUnit.MILLISECONDS);
      long keepalive = Protocol.KEEPALIVE_MILLIS;
      timers.scheduleWithFixedDelay(
          guard(() -> fleet.streams.keepalive(TimeUnit.MILLISECONDS.toNanos(keepalive))),
          1000,
          1000,
          TimeUnit.MILLISECONDS);
      LOG.info(
          "fleet {} server listening on {}:{} ({})",
          ca.fleetId(),
          options.bindAddress(),
          port,
          url);
      ssh.start();
      return new FleetServer(jetty, ledger, fleet, ssh, timers, url);
    } catch (Exception e) {
      timers.shutdownNow();
      if (ssh != null) {
        ssh.close();
      }
      ledger.close();
      if (e instanceof IOException io) {
        throw io;
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException("cannot start the fleet server: " + e.getMessage(), e);
    }
  }

  /**
   * Opens the fleet's ledger for writing. While another server holds it, stands by: follows the
   * ledger into {@code state} as the leader commits (woken by its notifications where the store has
   * them) and tries to take the ledger over every poll interval; the holder's death or exit
   * releases it (ADR 0021). The caller's {@code state} then holds every record the follower saw.
   */
  private static LedgerStore openLedger(
      FleetHome home, FleetServerOptions options, Map<String, String> env, FleetState state) {
    String store = options.ledgerStore();
    if (store == null) {
      return Ledger.open(home.ledgerDir());
    }
    long poll = options.standbyPoll().toNanos();
    long since = System.nanoTime();
    long nextTry = since;
    LedgerFollower follower = null;
    try {
      while (true) {
        if (System.nanoTime() - nextTry >= 0) {
          try {
            LedgerStore ledger = LedgerStores.open(store, LedgerOptions.defaults(), env);
            if (follower != null) {
              LOG.info(
                  "fleet server takes over {} after standing by for {} ms, {} records followed",
                  ledger.location(),
                  TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since),
                  state.size);
            }
            return ledger;
          } catch (LedgerHeldException e) {
            if (follower == null) {
              LOG.info("fleet server standing by: {}", e.getMessage());
              follower = LedgerStores.follow(store, env);
            }
            nextTry = System.nanoTime() + poll;
          }
        }
        long wait = Math.max(1, nextTry - System.nanoTime());
        long seen = follower.awaitGrowth(state.size, Duration.ofNanos(wait));
        follower.forEach(state.size, seen - state.size, state::apply);
      }
    } catch (InterruptedException stop) {
      Thread.currentThread().interrupt();
      throw new LedgerException(
          "interrupted while standing by for " + LedgerStores.redact(store), stop);
    } finally {
      if (follower != null) {
        follower.close();
      }
    }
  }

  /** Records the operator credential in {@code DIR/admin}, if any and if new (ADR 0016). */
  private static void recordLocalOperator(FleetHome home, Fleet fleet) {
    try {
      home.adminCertificate().ifPresent(fleet::recordLocalOperator);
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("DIR/admin/admin.pem cannot be read; not recorded: {}", e.getMessage());
    }
    if (fleet.read(s -> s.operators.isEmpty())) {
      LOG.warn(
          "no operator is recorded yet: every operator certificate of the fleet's CAs is accepted"
              + " until one is ('hwledger fleet admin issue')");
    }
  }

  private static URI urlOrBind(FleetServerOptions options, int port) {
    String host = options.bindAddress().equals("0.0.0.0") ? "127.0.0.1" : options.bindAddress();
    return URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
  }

  private static Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.error("fleet timer task failed", e);
      }
    };
  }

  /**
   * The URL agents dial.
   *
   * @return the server's public URL
   */
  public URI url() {
    return url;
  }

  /**
   * The port it listens on.
   *
   * @return the bound port
   */
  public int port() {
    return url.getPort();
  }

  /** Stops listening, closes every watch stream and the ledger. */
  @Override
  public void close() {
    timers.shutdownNow();
    ssh.close();
    fleet.streams.closeAll();
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("stopping the HTTP server: {}", e.toString());
    }
    ledger.close();
  }

  @Override
  public String toString() {
    return "FleetServer[" + fleet.fleetId() + " at " + url + "]";
  }
}
