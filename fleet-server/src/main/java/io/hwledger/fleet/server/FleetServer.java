package io.hwledger.fleet.server;

import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.pki.FleetCa;
import io.hwledger.fleet.pki.TlsContexts;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerException;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
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
 *
 * <p>Several servers may share one ledger store ({@link FleetServerOptions#ledgerStore()}, e.g.
 * PostgreSQL): the one that holds the ledger leads — it decides, appends, judges liveness and polls
 * SSH hosts — and the others follow (ADR 0022): they apply the leader's records as they commit,
 * serve reads ({@code GET}) and agents' watch streams from them, redirect every other request to
 * the leader, and take over when it goes.
 */
public final class FleetServer implements AutoCloseable {
  /** How long an agent's previous certificate keeps working after it renewed. */
  public static final Duration RENEWAL_GRACE = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(FleetServer.class);

  private final Server jetty;
  private final Fleet fleet;
  private final SshHosts ssh;
  private final ScheduledExecutorService timers;
  private final FleetHome home;
  private final FleetServerOptions options;
  private final URI url;
  private final Map<String, String> env;

  /** Guards the role's parts below; notified when this server starts leading. */
  private final Object role = new Object();

  private @Nullable LedgerStore ledger;
  private @Nullable Standby standby;
  private @Nullable ScheduledFuture<?> sweeping;
  private boolean leading;
  private boolean closed;

  private FleetServer(
      Server jetty,
      Fleet fleet,
      SshHosts ssh,
      ScheduledExecutorService timers,
      FleetHome home,
      FleetServerOptions options,
      URI url,
      Map<String, String> env,
      @Nullable Standby standby) {
    this.jetty = jetty;
    this.fleet = fleet;
    this.ssh = ssh;
    this.timers = timers;
    this.home = home;
    this.options = options;
    this.url = url;
    this.env = env;
    this.standby = standby;
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
   * FleetServerOptions#ledgerStore()} shared by several servers), this one starts as a follower: it
   * listens, serves reads and watch streams from the records it follows, and tries to take the
   * ledger over every {@link FleetServerOptions#standbyPoll()} ({@link #leads()}, {@link
   * #awaitLeading}).
   *
   * @param home the fleet directory ({@link FleetHome#init})
   * @param passphrase the CA key's passphrase; not kept
   * @param publicUrl the URL agents dial; null for {@code https://<bind address>:<port>}
   * @param options how it runs
   * @param env the environment the ledger store reads its settings from (database role, password)
   * @return the running server
   * @throws IOException if the fleet's files cannot be read or the port cannot be bound
   * @throws LedgerException if the ledger cannot be opened or followed
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
    LedgerStore held = openLedger(home, options, env);
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ScheduledExecutorService timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fleet-timers");
              t.setDaemon(true);
              return t;
            });
    SshHosts ssh = null;
    Standby standby = null;
    FleetServer server = null;
    try {
      Fleet fleet =
          new Fleet(
              ca,
              trusted,
              new FleetState(),
              options,
              random,
              new PlannedScheduler(options),
              new TelemetryStore(metrics));
      if (held != null) {
        fleet.catchUp(held); // it leads once it listens and knows its URL
      } else {
        // a follower answers from what it follows: it has applied the ledger before it listens
        standby = Standby.follow(options.ledgerStore(), env, fleet);
      }
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
      server = new FleetServer(jetty, fleet, ssh, timers, home, options, url, env, standby);
      if (options.ledgerStore() != null) {
        fleet.onLedgerLost(server::lost);
      }
      long keepalive = Protocol.KEEPALIVE_MILLIS;
      timers.scheduleWithFixedDelay(
          guard(
              () -> {
                fleet.streams.keepalive(TimeUnit.MILLISECONDS.toNanos(keepalive));
                fleet.closeSupersededStreams();
              }),
          1000,
          1000,
          TimeUnit.MILLISECONDS);
      LOG.info(
          "fleet {} server listening on {}:{} ({})",
          ca.fleetId(),
          options.bindAddress(),
          port,
          url);
      if (held != null) {
        server.lead(held);
      } else {
        LOG.info(
            "fleet server following: another server holds the ledger {}",
            LedgerStores.redact(options.ledgerStore()));
        standby.start(options.standbyPoll(), server::lead);
      }
      return server;
    } catch (Exception e) {
      if (server != null) {
        server.close();
      } else {
        timers.shutdownNow();
        if (ssh != null) {
          ssh.close();
        }
        if (standby != null) {
          standby.close();
        }
      }
      if (held != null && (server == null || !server.owns(held))) {
        held.close();
      }
      if (e instanceof IOException io) {
        throw io;
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException("cannot start the fleet server: " + e.getMessage(), e);
    }
  }

  /** Opens the fleet's ledger for writing; null when it is a shared store another server holds. */
  private static @Nullable LedgerStore openLedger(
      FleetHome home, FleetServerOptions options, Map<String, String> env) {
    String store = options.ledgerStore();
    if (store == null) {
      return Ledger.open(home.ledgerDir());
    }
    try {
      return LedgerStores.open(store, LedgerOptions.defaults(), env);
    } catch (LedgerHeldException e) {
      LOG.info("fleet server standing by: {}", e.getMessage());
      return null;
    }
  }

  /**
   * Leads through {@code writer}: the fleet catches up, records that this server leads (on a shared
   * store), and this server starts what only the leader does. Called at start and by the standby
   * once it holds the ledger.
   */
  private void lead(LedgerStore writer) {
    synchronized (role) {
      if (closed) {
        writer.close();
        return;
      }
      ledger = writer;
    }
    fleet.lead(writer, options.ledgerStore() != null ? url.toString() : null);
    recordLocalOperator(home, fleet);
    ssh.start();
    synchronized (role) {
      standby = null;
      long sweep = options.sweepInterval().toMillis();
      sweeping =
          timers.scheduleWithFixedDelay(guard(fleet::sweep), sweep, sweep, TimeUnit.MILLISECONDS);
      // leading once the ledger names this server, so that every server's views say so
      leading = true;
      role.notifyAll();
    }
    LOG.info("fleet server leads: {} ({})", LedgerStores.redact(writer.location()), url);
  }

  /**
   * Called by the fleet, under its lock, when the writer stopped (the database session and its lock
   * lost): this server follows again, from a thread of its own.
   */
  private void lost(LedgerStore writer) {
    try {
      timers.execute(() -> followAgain(writer));
    } catch (RejectedExecutionException closing) {
      writer.close();
    }
  }

  private void followAgain(LedgerStore stopped) {
    synchronized (role) {
      if (closed) {
        return;
      }
      leading = false;
      if (sweeping != null) {
        sweeping.cancel(false);
        sweeping = null;
      }
      if (ledger == stopped) {
        ledger = null;
      }
    }
    ssh.stop();
    stopped.close();
    try {
      Standby s = Standby.follow(options.ledgerStore(), env, fleet);
      synchronized (role) {
        if (closed) {
          s.close();
          return;
        }
        standby = s;
        s.start(options.standbyPoll(), this::lead);
      }
      LOG.info("fleet server following {} again", LedgerStores.redact(options.ledgerStore()));
    } catch (LedgerException e) {
      LOG.warn("cannot follow the ledger yet, trying again: {}", e.getMessage());
      timers.schedule(
          () -> followAgain(stopped), options.standbyPoll().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Whether {@code store} is the ledger this server leads through. */
  private boolean owns(LedgerStore store) {
    synchronized (role) {
      return ledger == store;
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

  /**
   * Whether this server leads: it holds the ledger, decides, and the ledger names it as leader.
   * Otherwise it follows the server that does.
   *
   * @return true once it leads
   */
  public boolean leads() {
    synchronized (role) {
      return leading;
    }
  }

  /**
   * Waits until this server leads.
   *
   * @param timeout the longest wait
   * @return whether it leads
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public boolean awaitLeading(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (role) {
      while (!leading) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(role, left);
      }
      return true;
    }
  }

  /** Stops following or leading, closes every watch stream and the ledger. */
  @Override
  public void close() {
    Standby s;
    synchronized (role) {
      closed = true;
      s = standby;
    }
    if (s != null) {
      s.close();
    }
    timers.shutdownNow();
    ssh.close();
    fleet.streams.closeAll();
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("stopping the HTTP server: {}", e.toString());
    }
    LedgerStore l;
    synchronized (role) {
      l = ledger;
    }
    if (l != null) {
      l.close();
    }
  }

  @Override
  public String toString() {
    return "FleetServer[" + fleet.fleetId() + " at " + url + "]";
  }
}
