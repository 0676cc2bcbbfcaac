package io.hwledger.fleet.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.fleet.pki.AgentKeys;
import io.hwledger.fleet.protocol.Assignment;
import io.hwledger.fleet.protocol.CertificateResponse;
import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.Heartbeat;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.Inventory;
import io.hwledger.fleet.protocol.JobStatus;
import io.hwledger.fleet.protocol.ModelFile;
import io.hwledger.fleet.protocol.ModelInventory;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.RenewRequest;
import io.hwledger.fleet.protocol.Telemetry;
import io.hwledger.fleet.protocol.WatchEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: it dials out to its fleet server (GPU hosts need no inbound port), sends
 * heartbeats on their own thread, reports its GPUs and their telemetry, holds one watch stream on
 * which the server replays the agent's desired state on connect and sends changes, converges its
 * jobs on that state, redials with jittered back-off, and renews its certificate with a fresh key
 * at 60 % of its lifetime without a restart. Close it to stop; its jobs are stopped too.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  private static final ObjectMapper JSON = Protocol.json();
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final AgentIdentity identity;
  private final HostGpus gpus;
  private final HostFacts host;
  private final AgentOptions options;

  /** Replaced after each renewal: pooled connections authenticated with the old certificate go. */
  private volatile FleetClient client;

  private final JobRunner runner;
  private final ScheduledExecutorService timers;
  private final ExecutorService reports;
  private final Thread watcher;
  private final AtomicLong heartbeats = new AtomicLong();
  private final Map<String, Assignment> desired = new LinkedHashMap<>();
  private final AtomicReference<InputStream> stream = new AtomicReference<>();
  private volatile long lastLineNanos = System.nanoTime();
  private volatile boolean closed;
  private List<GpuInfo> reported;
  private final ModelScanner models;
  private final ScheduledExecutorService modelScans;
  private List<ModelFile> reportedModels;

  private Agent(
      AgentIdentity identity,
      HostGpus gpus,
      HostFacts host,
      Allowlist allowlist,
      AgentOptions options)
      throws IOException {
    this.identity = identity;
    this.gpus = gpus;
    this.host = host;
    this.options = options;
    this.client =
        identity.client(options.requestTimeout(), options.clock(), options.otherServers());
    this.reports = Executors.newSingleThreadExecutor(daemon("agent-reports"));
    this.runner =
        JobRunner.builder(allowlist, identity.dir())
            .listener(status -> reports.execute(() -> report(status)))
            .orphanGrace(options.orphanGrace())
            .environment(options.jobEnvironment())
            .build();
    this.timers = Executors.newScheduledThreadPool(2, daemon("agent-timers"));
    // reading a large checkpoint's headers takes seconds: never on the heartbeat's threads
    this.models = new ModelScanner(options.modelDirectories());
    this.modelScans = Executors.newSingleThreadScheduledExecutor(daemon("agent-models"));
    this.watcher = daemon("agent-watch").newThread(this::watchLoop);
  }

  /**
   * Starts an agent.
   *
   * @param identity its enrolled identity ({@link AgentIdentity#load})
   * @param gpus the host's GPUs
   * @param host what to tell the server about the host
   * @param allowlist the executables jobs may run
   * @param options intervals and timeouts
   * @return the running agent
   * @throws IOException if the job runner cannot create its directory
   */
  public static Agent start(
      AgentIdentity identity,
      HostGpus gpus,
      HostFacts host,
      Allowlist allowlist,
      AgentOptions options)
      throws IOException {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(gpus, "gpus");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(allowlist, "allowlist");
    Objects.requireNonNull(options, "options");
    Agent a = new Agent(identity, gpus, host, allowlist, options);
    a.begin();
    return a;
  }

  private void begin() {
    long hb = options.heartbeatInterval().toMillis();
    timers.scheduleWithFixedDelay(guard(this::heartbeat), 0, hb, TimeUnit.MILLISECONDS);
    long tm = options.telemetryInterval().toMillis();
    long inventoryEvery = Math.max(1, options.inventoryInterval().toMillis() / tm);
    AtomicLong cycle = new AtomicLong();
    timers.scheduleWithFixedDelay(
        guard(() -> telemetry(cycle.getAndIncrement() % inventoryEvery == 0)),
        0,
        tm,
        TimeUnit.MILLISECONDS);
    // orphans age out even when the stream is quiet; the watchdog redials a silent stream
    timers.scheduleWithFixedDelay(guard(this::converge), 1000, 1000, TimeUnit.MILLISECONDS);
    if (!options.modelDirectories().isEmpty()) {
      modelScans.scheduleWithFixedDelay(
          guard(this::reportModels),
          0,
          options.inventoryInterval().toMillis(),
          TimeUnit.MILLISECONDS);
    }
    scheduleRenewal(identity.credential().certificate().getNotBefore().getTime());
    watcher.start();
    LOG.info(
        "agent {} of fleet {} started against {}",
        identity.agentId(),
        identity.fleet(),
        identity.server());
  }

  private String path(String what) {
    return Protocol.AGENTS + identity.agentId() + "/" + what;
  }

  private void heartbeat() {
    client.send(
        "POST",
        path("heartbeat"),
        new Heartbeat(Protocol.VERSION, heartbeats.getAndIncrement(), options.clock().millis()),
        null,
        JsonNode.class);
  }

  private synchronized void telemetry(boolean probe) {
    if (probe || reported == null) {
      List<GpuInfo> now = gpus.refresh();
      if (!now.equals(reported)) {
        client.send(
            "PUT",
            path("inventory"),
            new Inventory(Protocol.VERSION, host, now),
            null,
            JsonNode.class);
        reported = now;
      }
    }
    client.send(
        "POST",
        path("telemetry"),
        new Telemetry(Protocol.VERSION, gpus.sample()),
        null,
        JsonNode.class);
    // level-triggered reports: the server learns every local job's state and processes again
    for (String job : runner.jobIds()) {
      runner.status(job).ifPresent(this::report);
    }
  }

  /** Searches the model directories and tells the server when what they hold changed. */
  private void reportModels() {
    List<ModelFile> now = models.scan();
    if (!now.equals(reportedModels)) {
      client.send(
          "PUT", path("models"), new ModelInventory(Protocol.VERSION, now), null, JsonNode.class);
      reportedModels = now;
      LOG.info("reported {} model checkpoints", now.size());
    }
  }

  private void report(JobStatus status) {
    try {
      client.send("POST", path("jobs/" + status.jobId()), status, null, JsonNode.class);
    } catch (FleetClientException e) {
      LOG.warn(
          "job {}: report {} not delivered: {}", status.jobId(), status.state(), e.getMessage());
    }
  }

  private void converge() {
    List<Assignment> now;
    synchronized (desired) {
      now = new ArrayList<>(desired.values());
    }
    runner.converge(now, options.clock().instant());
    long silent = System.nanoTime() - lastLineNanos;
    if (silent > TimeUnit.MILLISECONDS.toNanos(Protocol.WATCH_SILENCE_MILLIS)) {
      InputStream s = stream.get();
      if (s != null) {
        LOG.warn(
            "watch stream silent for {} s; redialling", TimeUnit.NANOSECONDS.toSeconds(silent));
        closeQuietly(s);
      }
    }
  }

  private void watchLoop() {
    long backoff = 500;
    while (!closed) {
      try (InputStream in = client.stream(path("watch"));
          BufferedReader lines =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        stream.set(in);
        lastLineNanos = System.nanoTime();
        backoff = 500;
        String line;
        while (!closed && (line = lines.readLine()) != null) {
          lastLineNanos = System.nanoTime();
          apply(JSON.readValue(line, WatchEvent.class));
        }
        if (!closed) {
          LOG.warn("watch stream ended; redialling");
        }
      } catch (IOException | FleetClientException | IllegalArgumentException e) {
        if (!closed) {
          LOG.warn("watch stream: {}", e.getMessage());
        }
      } finally {
        stream.set(null);
      }
      if (closed) {
        return;
      }
      // full jitter: a fleet of agents cut off together does not redial together
      long wait = ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1);
      backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void apply(WatchEvent e) {
    switch (e.type()) {
      case SNAPSHOT -> {
        List<Assignment> snapshot = Objects.requireNonNull(e.assignments(), "assignments");
        synchronized (desired) {
          desired.clear();
          snapshot.forEach(a -> desired.put(a.jobId(), a));
        }
        LOG.info("watch: {} assignments", snapshot.size());
        converge();
      }
      case ASSIGNED -> {
        Assignment assignment = Objects.requireNonNull(e.assignment(), "assignment");
        synchronized (desired) {
          desired.put(assignment.jobId(), assignment);
        }
        LOG.info("watch: job {} assigned", assignment.jobId());
        converge();
      }
      case REMOVED -> {
        String jobId = Objects.requireNonNull(e.jobId(), "jobId");
        synchronized (desired) {
          desired.remove(jobId);
        }
        LOG.info("watch: job {} removed", jobId);
        runner.remove(jobId);
      }
      case KEEPALIVE -> {
        // the stream is alive
      }
    }
  }

  /**
   * Schedules the next renewal at the configured share of the certificate's lifetime, counted from
   * {@code from}: its notBefore for a certificate read at start, the time it arrived for a renewed
   * one (the CA backdates notBefore by its clock-skew margin).
   */
  private void scheduleRenewal(long from) {
    X509Certificate cert = identity.credential().certificate();
    long to = cert.getNotAfter().getTime();
    // jittered down by up to a tenth, so agents enrolled together do not renew together
    double share = options.renewAt() * (1 - ThreadLocalRandom.current().nextDouble(0, 0.1));
    long at = from + (long) ((to - from) * share);
    long delay = Math.max(0, at - options.clock().millis());
    timers.schedule(guard(this::renew), delay, TimeUnit.MILLISECONDS);
    LOG.info("certificate renewal due at {}", Instant.ofEpochMilli(at));
  }

  private void renew() {
    try {
      KeyPair fresh = AgentKeys.generate(new SecureRandom());
      CertificateResponse r =
          client.send(
              "POST",
              Protocol.RENEW,
              new RenewRequest(
                  Protocol.VERSION, Base64.getEncoder().encodeToString(AgentKeys.request(fresh))),
              null,
              CertificateResponse.class);
      identity.renewed(fresh, r);
      // new connections present the new certificate; the watch stream is redialled when the
      // server ends the old certificate's grace
      client = identity.client(options.requestTimeout(), options.clock(), options.otherServers());
      LOG.info("certificate renewed; valid until {}", Instant.ofEpochMilli(r.notAfterMillis()));
      scheduleRenewal(options.clock().millis());
    } catch (IOException | FleetClientException e) {
      LOG.warn("certificate renewal failed, retrying in a minute: {}", e.getMessage());
      timers.schedule(guard(this::renew), 60, TimeUnit.SECONDS);
    }
  }

  /**
   * The identity it runs as.
   *
   * @return the identity
   */
  public AgentIdentity identity() {
    return identity;
  }

  /** Stops reporting, closes the stream and stops every job. */
  @Override
  public void close() {
    closed = true;
    timers.shutdownNow();
    modelScans.shutdownNow();
    InputStream s = stream.get();
    if (s != null) {
      closeQuietly(s);
    }
    watcher.interrupt();
    runner.close();
    reports.shutdown();
    gpus.close();
  }

  private static void closeQuietly(InputStream s) {
    try {
      s.close();
    } catch (IOException e) {
      LOG.debug("closing the watch stream: {}", e.toString());
    }
  }

  private static Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("{}", e.getMessage());
      }
    };
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
