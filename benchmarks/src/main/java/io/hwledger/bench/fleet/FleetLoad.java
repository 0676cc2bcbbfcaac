package io.hwledger.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.bench.fleet.LoadStats.Kind;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.pki.TlsContexts;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.TokenRequest;
import io.hwledger.fleet.protocol.TokenResponse;
import io.hwledger.fleet.server.FleetHome;
import io.hwledger.fleet.server.FleetServer;
import io.hwledger.fleet.server.FleetServerOptions;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.Verification;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The fleet server under load (issue 13, item 9): one in-process {@link FleetServer} on 127.0.0.1
 * with a fresh fleet directory, and N simulated agents in the same JVM, each enrolled through the
 * real enrollment endpoint with its own key and certificate, reporting eight H100s, holding a watch
 * stream, sending telemetry every second and a heartbeat every 30 s for a bounded time, while an
 * operator's client submits jobs at a fixed rate. It reports requests per second, client-side
 * latency by kind, errors, placements, CPU (server, agents' HTTP clients and harness apart), heap,
 * and the ledger bytes the run wrote, per agent-hour. See {@code benchmarks/README.md}, "Fleet
 * server under load".
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.hwledger.bench.fleet.FleetLoad --agents 500
 * </pre>
 */
public final class FleetLoad {
  /** Uses of one join token (the server's limit). */
  private static final int TOKEN_USES = 1000;

  private FleetLoad() {}

  /**
   * Runs the harness with the command line's options and prints the report.
   *
   * @param args options; {@code --help} lists them
   * @throws Exception if the run fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(LoadOptions.USAGE);
      return;
    }
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    LoadReport report = run(options, System.out);
    System.out.print(report.text());
    if (options.json() != null) {
      Files.writeString(options.json(), report.json(), StandardCharsets.UTF_8);
    }
  }

  /**
   * One run.
   *
   * @param o what to run
   * @param progress where to print progress lines
   * @return the figures
   * @throws IOException if the fleet directory cannot be written or the server cannot start
   * @throws InterruptedException if interrupted
   */
  static LoadReport run(LoadOptions o, PrintStream progress)
      throws IOException, InterruptedException {
    boolean temporary = o.dir() == null;
    Path base = temporary ? Files.createTempDirectory("fleet-load-") : o.dir();
    try {
      return new Run(o, base, progress).call();
    } finally {
      if (temporary) {
        deleteTree(base);
      }
    }
  }

  /** The state of one run. */
  private static final class Run {
    final LoadOptions o;
    final Path base;
    final PrintStream progress;
    final LoadStats stats = new LoadStats();
    final ShiftedClock clock = new ShiftedClock();
    final SecureRandom random = new SecureRandom();
    final LoadReport report = new LoadReport();

    /** The CA key's passphrase: random for each run, never written anywhere. */
    final char[] passphrase = passphrase(random);

    /** Every periodic task and the closed loop, cancelled when the measured phase ends. */
    final List<Future<?>> tasks = new ArrayList<>();

    Run(LoadOptions o, Path base, PrintStream progress) {
      this.o = o;
      this.base = base;
      this.progress = progress;
    }

    LoadReport call() throws IOException, InterruptedException {
      report.options = o;
      Path fleetDir = base.resolve("fleet");
      FleetHome home =
          FleetHome.init(
              fleetDir,
              "load.test",
              passphrase,
              URI.create("https://127.0.0.1:1"),
              List.of("localhost"),
              List.of(InetAddress.getLoopbackAddress()),
              Instant.now(),
              random);
      report.ledgerDirBefore = LedgerBytes.directorySize(home.ledgerDir());
      FleetServer server =
          FleetServer.start(
              home,
              passphrase,
              null,
              FleetServerOptions.defaults(0).withBindAddress("127.0.0.1").withClock(clock));
      List<SimAgent> agents = new ArrayList<>();
      List<Thread> watchers = new ArrayList<>();
      long warmFrom;
      long runFrom;
      long runTo;
      try {
        Credential adminCredential = Credential.load(home.adminDir(), "admin");
        List<X509Certificate> adminCas = Certificates.read(home.adminDir().resolve("ca.crt"));
        FleetClient admin =
            FleetClient.of(server.url(), () -> adminCredential, adminCas, o.requestTimeout());
        progress.printf(Locale.ROOT, "fleet server at %s, fleet in %s%n", server.url(), fleetDir);

        enroll(admin, server.url(), agents);
        inventories(agents);
        watch(agents, watchers);

        long[] seqs = steady(agents, admin);
        warmFrom = seqs[0];
        runFrom = seqs[1];
        runTo = seqs[2];
        report.status = admin.send("GET", "/v1/admin/status", null, null, JsonNode.class);
        report.watchesOpenClient = stats.watchesOpen.get();
        report.serverMetrics = metrics(server.url(), adminCredential, adminCas);
      } finally {
        agents.forEach(SimAgent::stop);
        server.close();
        for (Thread t : watchers) {
          t.join(Math.max(1, 10_000 / Math.max(1, watchers.size())));
        }
      }
      report.ledgerDirAfter = LedgerBytes.directorySize(home.ledgerDir());
      Verification v = Ledger.verify(home.ledgerDir());
      report.ledgerVerified = v.ok();
      report.ledgerVerifiedRecords = v.size();
      report.ledgerProblem = v.reason().orElse("");
      report.ledger = LedgerBytes.read(home.ledgerDir(), warmFrom, runFrom, runTo);
      report.stats = stats;
      if (report.ledger.dailyFirstMillis >= 0) {
        report.midnight(report.ledger.dailyFirstMillis, report.ledger.dailyLastMillis);
      }
      report.finish();
      return report;
    }

    /** Join tokens, then every agent enrolled with its own key through one pinned client. */
    private void enroll(FleetClient admin, URI server, List<SimAgent> agents)
        throws InterruptedException {
      List<JoinString> tokens = new ArrayList<>();
      for (int left = o.agents(); left > 0; left -= TOKEN_USES) {
        TokenResponse t =
            admin.send(
                "POST",
                "/v1/admin/tokens",
                new TokenRequest(
                    Protocol.VERSION, 3600, Math.min(left, TOKEN_USES), Map.of("pool", "load")),
                null,
                TokenResponse.class);
        tokens.add(JoinString.parse(t.join()));
      }
      FleetClient pinned =
          FleetClient.of(
              tokens.get(0).server(),
              TlsContexts.pinned(tokens.get(0).caPin()),
              o.requestTimeout());
      SimAgent[] enrolled = new SimAgent[o.agents()];
      long start = stats.now();
      parallel(
          o.enrollers(),
          "load-enroll",
          o.agents(),
          i -> {
            long started = stats.now();
            try {
              enrolled[i] =
                  SimAgent.enroll(
                      i,
                      tokens.get(i / TOKEN_USES),
                      pinned,
                      server,
                      o.gpusPerAgent(),
                      o.requestTimeout(),
                      random);
              stats.answered(Kind.ENROLL, started, started, stats.now());
            } catch (RuntimeException e) {
              stats.failed(Kind.ENROLL, started, e);
            }
          });
      report.enrollSeconds = (stats.now() - start) / 1e9;
      for (SimAgent a : enrolled) {
        if (a != null) {
          agents.add(a);
        }
      }
      progress.printf(
          Locale.ROOT,
          "enrolled %d of %d agents in %.1f s%n",
          agents.size(),
          o.agents(),
          report.enrollSeconds);
    }

    private void inventories(List<SimAgent> agents) throws InterruptedException {
      long start = stats.now();
      parallel(
          o.enrollers(),
          "load-inventory",
          agents.size(),
          i -> {
            long started = stats.now();
            try {
              agents.get(i).inventory();
              stats.answered(Kind.INVENTORY, started, started, stats.now());
            } catch (RuntimeException e) {
              stats.failed(Kind.INVENTORY, started, e);
            }
          });
      report.inventorySeconds = (stats.now() - start) / 1e9;
    }

    /** One thread per agent reads its watch stream; waits for every snapshot, boundedly. */
    private void watch(List<SimAgent> agents, List<Thread> watchers) throws InterruptedException {
      CountDownLatch snapshots = new CountDownLatch(agents.size());
      for (SimAgent a : agents) {
        Thread t = new Thread(() -> a.watch(stats, snapshots), "load-watch-" + a.index);
        t.setDaemon(true);
        watchers.add(t);
        t.start();
      }
      long waitMillis = 30_000 + 20L * agents.size();
      boolean all = snapshots.await(waitMillis, TimeUnit.MILLISECONDS);
      report.snapshots = agents.size() - snapshots.getCount();
      progress.printf(
          Locale.ROOT,
          "%d of %d watch streams open with their snapshot%s%n",
          report.snapshots,
          agents.size(),
          all ? "" : " (gave up waiting after " + waitMillis / 1000 + " s)");
    }

    /**
     * The warm-up, then the measured phase; returns the ledger sizes at the warm-up's start, the
     * measured phase's start and its end.
     */
    private long[] steady(List<SimAgent> agents, FleetClient admin) throws InterruptedException {
      long warmFrom = ledgerSize(admin);
      long warmStart = stats.now();
      long start = warmStart + o.warmup().toNanos();
      long end = start + o.duration().toNanos();
      Duration midnightAt = o.midnightAt();
      if (midnightAt != null) {
        // the server's day must start before its first telemetry, so move the clock now
        Instant now = Instant.now();
        Instant midnight = now.truncatedTo(ChronoUnit.DAYS);
        long untilMidnight = (start - warmStart) / 1_000_000 + midnightAt.toMillis();
        clock.setBehind(now.toEpochMilli() - midnight.toEpochMilli() + untilMidnight);
        report.midnightWallMillis = now.toEpochMilli() + untilMidnight;
      }
      stats.measureFrom = start;
      progress.printf(
          Locale.ROOT,
          "warming up for %.0f s, then measuring for %.0f s: telemetry every %.3g s, heartbeats"
              + " every %.3g s, jobs %s%n",
          o.warmup().toNanos() / 1e9,
          o.duration().toNanos() / 1e9,
          o.telemetryInterval().toNanos() / 1e9,
          o.heartbeatInterval().toNanos() / 1e9,
          o.jobsText());
      ScheduledThreadPoolExecutor ticks =
          new ScheduledThreadPoolExecutor(1, named("load-clock", true));
      ExecutorService senders = Executors.newFixedThreadPool(o.senders(), named("load-send", true));
      ExecutorService adminThread = Executors.newSingleThreadExecutor(named("load-admin", true));
      long telemetry = o.telemetryInterval().toNanos();
      long heartbeat = o.heartbeatInterval().toNanos();
      for (SimAgent a : agents) {
        long offset = telemetry * a.index / o.agents();
        periodic(
            ticks,
            senders,
            warmStart,
            end,
            offset,
            telemetry,
            Kind.TELEMETRY,
            a.telemetryBusy,
            due -> a.telemetry());
        long hbOffset = heartbeat * a.index / o.agents();
        periodic(
            ticks,
            senders,
            warmStart,
            end,
            hbOffset,
            heartbeat,
            Kind.HEARTBEAT,
            a.heartbeatBusy,
            due -> a.heartbeat());
      }
      JobSpec spec =
          new JobSpec(
              Protocol.VERSION,
              o.jobModel(),
              null,
              null,
              null,
              o.jobEngine(),
              Map.of(),
              8192,
              1,
              null,
              null,
              1,
              null);
      if (o.jobsPerSecond() == LoadOptions.CLOSED_LOOP) {
        tasks.add(
            adminThread.submit(
                () -> {
                  long due;
                  while ((due = stats.now()) < end && !Thread.currentThread().isInterrupted()) {
                    long d = due;
                    timed(Kind.JOB, d, () -> submit(admin, spec, d));
                  }
                }));
      } else if (o.jobsPerSecond() > 0) {
        long period = Math.max(1, Math.round(1e9 / o.jobsPerSecond()));
        periodic(
            ticks,
            adminThread,
            warmStart,
            end,
            0,
            period,
            Kind.JOB,
            new AtomicBoolean(),
            due -> submit(admin, spec, due));
      }
      sleepUntil(start);
      long runFrom = ledgerSize(admin);
      JvmSampler sampler = new JvmSampler(o.profileHz());
      sampler.start();
      report.runStartNanos = start;
      report.runStartWallMillis = System.currentTimeMillis() - (stats.now() - start) / 1_000_000;
      sleepUntil(end);
      tasks.forEach(t -> t.cancel(false));
      ticks.shutdownNow();
      senders.shutdown();
      adminThread.shutdown();
      long drain = o.requestTimeout().toMillis() + 5_000;
      boolean drained =
          senders.awaitTermination(drain, TimeUnit.MILLISECONDS)
              & adminThread.awaitTermination(drain, TimeUnit.MILLISECONDS);
      if (!drained) {
        senders.shutdownNow();
        adminThread.shutdownNow();
      }
      report.drainSeconds = (stats.now() - end) / 1e9;
      sampler.stop();
      report.sampler = sampler;
      report.runSeconds = o.duration().toNanos() / 1e9;
      long runTo = ledgerSize(admin);
      progress.printf(
          Locale.ROOT,
          "measured: %d telemetry, %d heartbeats, %d jobs answered; %d errors%n",
          stats.ok(Kind.TELEMETRY),
          stats.ok(Kind.HEARTBEAT),
          stats.ok(Kind.JOB),
          stats.errors().values().stream().mapToLong(Long::longValue).sum());
      return new long[] {warmFrom, runFrom, runTo};
    }

    private void sleepUntil(long at) throws InterruptedException {
      long left;
      while ((left = at - stats.now()) > 0) {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      }
    }

    private static long ledgerSize(FleetClient admin) {
      return admin
          .send("GET", "/v1/admin/status", null, null, JsonNode.class)
          .path("ledgerSize")
          .asLong();
    }

    private void submit(FleetClient admin, JobSpec spec, long due) {
      JsonNode answer = admin.send("POST", "/v1/admin/jobs", spec, null, JsonNode.class);
      if (due < stats.measureFrom) {
        return;
      }
      if ("PLACED".equals(answer.path("state").asText())) {
        stats.jobsPlaced.increment();
      } else {
        stats.jobsRefused.increment();
        if (stats.firstRefusal.isEmpty()) {
          stats.firstRefusal = answer.path("reasons").path(0).asText("(no reason)");
        }
      }
    }

    /**
     * Fires {@code request} every {@code period} from {@code start + offset} until {@code end}, on
     * {@code pool}; a request due while the previous one of the same agent and kind is still in
     * flight is skipped and counted, so at most one of each is ever queued or in flight.
     */
    private void periodic(
        ScheduledThreadPoolExecutor ticks,
        ExecutorService pool,
        long start,
        long end,
        long offset,
        long period,
        Kind kind,
        AtomicBoolean busy,
        LongConsumer request) {
      AtomicLong fired = new AtomicLong();
      long delay = start + offset - stats.now();
      tasks.add(
          ticks.scheduleAtFixedRate(
              () -> {
                long due = start + offset + fired.getAndIncrement() * period;
                if (due >= end) {
                  return;
                }
                if (!busy.compareAndSet(false, true)) {
                  stats.skipped(kind, due);
                  return;
                }
                try {
                  pool.execute(
                      () -> {
                        try {
                          timed(kind, due, () -> request.accept(due));
                        } finally {
                          busy.set(false);
                        }
                      });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                  busy.set(false);
                }
              },
              Math.max(0, delay),
              period,
              TimeUnit.NANOSECONDS));
    }

    private void timed(Kind kind, long due, Runnable request) {
      long started = stats.now();
      try {
        request.run();
        stats.answered(kind, due, started, stats.now());
      } catch (RuntimeException e) {
        stats.failed(kind, due, e);
      }
    }

    /** Runs {@code task(i)} for i in [0, count) on {@code threads} threads and waits. */
    private void parallel(int threads, String name, int count, java.util.function.IntConsumer task)
        throws InterruptedException {
      ExecutorService pool = Executors.newFixedThreadPool(threads, named(name, true));
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  int i;
                  while ((i = next.getAndIncrement()) < count) {
                    task.accept(i);
                  }
                }));
      }
      pool.shutdown();
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("a " + name + " thread failed", e.getCause());
        }
      }
    }
  }

  /** The server's own request timer and counters, from its Prometheus text. */
  private static String metrics(URI server, Credential admin, List<X509Certificate> cas) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(TlsContexts.client(() -> admin, cas))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(server.resolve("/v1/admin/metrics"))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static char[] passphrase(SecureRandom random) {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
  }

  private static ThreadFactory named(String prefix, boolean daemon) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(daemon);
      return t;
    };
  }

  /** Deletes a directory and everything in it. */
  static void deleteTree(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
