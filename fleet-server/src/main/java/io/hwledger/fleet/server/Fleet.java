package io.hwledger.fleet.server;

import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.FleetCa;
import io.hwledger.fleet.pki.FleetIdentity;
import io.hwledger.fleet.pki.JoinToken;
import io.hwledger.fleet.protocol.CertificateResponse;
import io.hwledger.fleet.protocol.EnrollRequest;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.fleet.protocol.Inventory;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.JobState;
import io.hwledger.fleet.protocol.JobStatus;
import io.hwledger.fleet.protocol.ModelFile;
import io.hwledger.fleet.protocol.ModelInventory;
import io.hwledger.fleet.protocol.OperatorRequest;
import io.hwledger.fleet.protocol.OperatorResponse;
import io.hwledger.fleet.protocol.ProcessUsage;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.RenewRequest;
import io.hwledger.fleet.protocol.TokenRequest;
import io.hwledger.ledger.AppendResult;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerFollower;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.ledger.events.PlanReconciled;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's logic, apart from HTTP: every change is appended to the ledger first (durably), then
 * applied to the {@link FleetState} projection, then pushed to the agents it concerns.
 *
 * <p>Locking (ADR 0016, "Locking"): one lock orders every decision — each append to the ledger is
 * queued under it, and a decision reads the state it depends on under it — so the ledger's order is
 * the order decisions were made in, and replay rebuilds the same state. What an agent's routine
 * request needs runs without it: authorisation reads {@link FleetState#credentials}, telemetry goes
 * to the {@link TelemetryStore}, which is safe for concurrent writers, and the lock is taken only
 * when a report changes ledger state (a status change, a day's summaries, a reconciliation). A
 * submission is planned on a copy of the state made under the lock and recorded under it only if
 * what the plan read has not changed since.
 */
final class Fleet {
  private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

  private final FleetCa ca;
  private final List<X509Certificate> trusted;

  /** The ledger this server writes while it leads; null while it follows another server. */
  private volatile @Nullable LedgerStore ledger;

  private final FleetServerOptions options;
  private final SecureRandom random;
  private final Scheduler scheduler;
  private final Object lock = new Object();
  final FleetState state;
  final WatchStreams streams = new WatchStreams();
  private final AssignmentFeed feed = new AssignmentFeed(streams);
  private volatile Consumer<LedgerStore> onLost = w -> {};
  final TelemetryStore telemetry;

  /** When each agent was last heard from, server clock, epoch ms; not ledger data. */
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();

  /** When each job was reported running, and its processes, from the agents' reports. */
  private final Map<String, Long> runningSince = new ConcurrentHashMap<>();

  private final Map<String, Set<Long>> jobPids = new ConcurrentHashMap<>();
  private final Map<String, String> logTails = new ConcurrentHashMap<>();
  private boolean failoverHeld;

  /** How many times a submission is planned outside the lock before it is planned under it. */
  static final int PLAN_ATTEMPTS = 3;

  /**
   * A fleet that follows until {@link #lead} hands it the ledger; {@code state} holds the records
   * applied so far (none, or those a follower applied).
   */
  Fleet(
      FleetCa ca,
      List<X509Certificate> trusted,
      FleetState state,
      FleetServerOptions options,
      SecureRandom random,
      Scheduler scheduler,
      TelemetryStore telemetry) {
    this.ca = ca;
    this.trusted = trusted;
    this.options = options;
    this.random = random;
    this.scheduler = scheduler;
    this.telemetry = telemetry;
    this.state = state;
  }

  /**
   * Applies the records of {@code store} this fleet has not applied yet, without leading: so that a
   * server that holds the ledger answers reads from it before it starts deciding.
   */
  void catchUp(LedgerStore store) {
    synchronized (lock) {
      store.forEach(state.size, store.size() - state.size, state::apply);
      feed.sync(state);
    }
  }

  /**
   * Takes over: applies the ledger's records this fleet has not applied yet (all of them at start,
   * those since its last wake-up on a follower), records that the server at {@code url} leads now
   * unless the ledger already says so, and from then on decides and appends to {@code writer},
   * which it now owns. All under the decision lock, so no decision is recorded before this server's
   * {@code fleet.server.leading}.
   *
   * @param url the server's URL, or null to record nothing (a server on its own directory)
   */
  void lead(LedgerStore writer, @Nullable String url) {
    synchronized (lock) {
      long from = state.size;
      writer.forEach(from, writer.size() - from, state::apply);
      long now = now().toEpochMilli();
      // after a restart or a takeover every agent gets a full threshold to reconnect before it is
      // judged: this server has not heard from any of them yet
      state.agents.keySet().forEach(id -> lastSeen.put(id, now));
      this.ledger = writer;
      if (url != null && !url.equals(state.leaderUrl)) {
        record(FleetEvents.serverLeading(url, now));
      }
      feed.sync(state);
      LOG.info(
          "fleet {}: {} ledger records applied ({} before taking over): {} agents, {} jobs",
          ca.fleetId(),
          state.size,
          from,
          state.agents.size(),
          state.jobs.size());
    }
  }

  /**
   * Applies the records {@code [state.size, upTo)} that the leader committed, read by {@code
   * follower}, and sends the agents' streams on this server what changed for them.
   *
   * @throws IllegalStateException if this fleet leads
   */
  void follow(LedgerFollower follower, long upTo) {
    synchronized (lock) {
      if (ledger != null) {
        throw new IllegalStateException("a leading fleet does not follow");
      }
      follower.forEach(state.size, upTo - state.size, state::apply);
      feed.sync(state);
    }
  }

  /** Records applied to the state so far. */
  long applied() {
    synchronized (lock) {
      return state.size;
    }
  }

  /** Whether this server leads: it decides and appends; otherwise it follows the leader. */
  boolean leads() {
    return ledger != null;
  }

  /** The URL of the server that leads, as the ledger last recorded it; null if none did. */
  @Nullable String leaderUrl() {
    synchronized (lock) {
      return state.leaderUrl;
    }
  }

  Instant now() {
    return options.clock().instant();
  }

  String fleetId() {
    return ca.fleetId();
  }

  /** Appends and applies; the caller holds the lock. */
  private AppendResult record(LedgerEvent event) {
    LedgerStore w = writer();
    AppendResult r;
    try {
      r = w.append(event);
    } catch (LedgerException e) {
      throw lostOr(w, e);
    }
    apply(event, r);
    return r;
  }

  /**
   * After a failed append through {@code w}: if its writer stopped, this server has lost the ledger
   * — another may hold it by now — so it stops leading, hands {@code w} to the handler ({@link
   * #onLedgerLost}) and answers 503, so that clients try another server; the decision was not
   * acknowledged. Otherwise the failure as it was. The caller holds the lock.
   */
  private RuntimeException lostOr(LedgerStore w, LedgerException failure) {
    if (!w.writerStopped()) {
      return failure;
    }
    if (ledger == w) {
      ledger = null;
      LOG.error(
          "fleet server lost the ledger {} and follows from now on: {}",
          w.location(),
          failure.getMessage());
      onLost.accept(w);
    }
    return refuse(503, "this fleet server lost the ledger; try another server");
  }

  /**
   * Sets what is called, under the decision lock, with the stopped writer when this fleet loses the
   * ledger; it must not block.
   */
  void onLedgerLost(Consumer<LedgerStore> handler) {
    this.onLost = Objects.requireNonNull(handler, "handler");
  }

  /** The ledger, or a refusal on a follower: what writes has been redirected to the leader. */
  private LedgerStore writer() {
    LedgerStore writer = ledger;
    if (writer == null) {
      throw refuse(503, "this fleet server follows the leader and records nothing");
    }
    return writer;
  }

  /** Applies a record this server appended and sends the agents' streams what changed. */
  private void apply(LedgerEvent event, AppendResult r) {
    state.apply(
        new RecordedEvent(
            r.seq(), now(), event.type(), event.schemaVersion(), event.payload(), r.hash()));
    feed.sync(state);
  }

  /**
   * Appends records that change no fleet state (days' summaries) together, then applies them. The
   * ledger has no batch append: they are queued back to back under the lock, which keeps them in
   * decision order, and their durability is awaited outside it, so that the ledger's writer commits
   * them — and those of other requests waiting alike — in as few batches, each one fsync, as its
   * queue allows. The caller must not hold the lock.
   */
  private void recordBatch(List<LedgerEvent> events) {
    List<CompletableFuture<AppendResult>> pending = new ArrayList<>(events.size());
    LedgerStore w;
    synchronized (lock) {
      w = writer();
      for (LedgerEvent e : events) {
        pending.add(w.appendAsync(e));
      }
    }
    List<AppendResult> done = new ArrayList<>(events.size());
    try {
      for (CompletableFuture<AppendResult> f : pending) {
        done.add(durable(f));
      }
    } catch (LedgerException e) {
      synchronized (lock) {
        throw lostOr(w, e);
      }
    }
    synchronized (lock) {
      for (int i = 0; i < events.size(); i++) {
        apply(events.get(i), done.get(i));
      }
    }
  }

  /** Waits for an append as {@link LedgerStore#append} does, with its exceptions. */
  private static AppendResult durable(CompletableFuture<AppendResult> append) {
    try {
      return append.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted while waiting for the append to be durable", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new LedgerException("append failed: " + cause.getMessage(), cause);
    }
  }

  // ---- identity ----

  /** Refusal of a request, with the HTTP status and the reason logged and returned. */
  static Exchange.Refused refuse(int status, String message) {
    return new Exchange.Refused(status, message);
  }

  /**
   * Checks an agent's certificate against its record on this request, without the lock: against the
   * credentials the state publishes, which a revocation replaces before {@link #revokeAgent}
   * returns.
   */
  FleetState.Agent authorizeAgent(@Nullable FleetIdentity id, @Nullable String pathAgentId) {
    if (id == null) {
      throw refuse(401, "a client certificate is required");
    }
    if (!id.fleet().equals(ca.fleetId()) || id.role() != FleetIdentity.Role.AGENT) {
      throw refuse(403, "this endpoint is for agents of fleet " + ca.fleetId());
    }
    if (pathAgentId != null && !pathAgentId.equals(id.name())) {
      throw refuse(403, "agent " + id.name() + " cannot act for agent " + pathAgentId);
    }
    return check(id.name(), id.serialHex()).agent();
  }

  /** The agent's credentials if {@code serial} is its current (or graced) one, else a refusal. */
  private FleetState.Credentials check(String agentId, String serial) {
    FleetState.Credentials c = state.credentials(agentId);
    if (c == null) {
      throw refuse(403, "agent " + agentId + " is not enrolled");
    }
    if (c.revoked()) {
      throw refuse(403, "agent " + agentId + " is revoked");
    }
    if (!c.accepts(serial, now().toEpochMilli())) {
      throw refuse(403, "certificate serial " + serial + " of agent " + agentId + " is superseded");
    }
    return c;
  }

  /** Checks an operator's certificate. */
  String authorizeAdmin(@Nullable FleetIdentity id) {
    if (id == null) {
      throw refuse(401, "a client certificate is required");
    }
    if (!id.fleet().equals(ca.fleetId()) || id.role() != FleetIdentity.Role.ADMIN) {
      throw refuse(
          403,
          "only an operator's certificate of fleet " + ca.fleetId() + " reaches the admin API");
    }
    return id.name();
  }

  // ---- tokens and enrollment ----

  JoinToken.Issued createToken(TokenRequest request, String by) {
    JoinToken.Issued issued =
        JoinToken.create(Duration.ofSeconds(request.ttlSeconds()), request.uses(), now(), random);
    JoinToken t = issued.stored();
    synchronized (lock) {
      record(
          FleetEvents.tokenCreated(
              t.id(),
              t.secretHash(),
              t.expiresAt().toEpochMilli(),
              t.usesLeft(),
              request.labels(),
              by));
    }
    return issued;
  }

  void revokeToken(String tokenId, String by) {
    synchronized (lock) {
      FleetState.Token t = state.tokens.get(tokenId);
      if (t == null) {
        throw refuse(404, "no token " + tokenId);
      }
      if (!t.revoked) {
        record(FleetEvents.tokenRevoked(tokenId, by));
      }
    }
  }

  CertificateResponse enroll(@Nullable String bearer, EnrollRequest request) {
    if (bearer == null) {
      throw refuse(401, "enrollment needs a join token as bearer credential");
    }
    byte[] csr = csr(request.csr());
    synchronized (lock) {
      String tokenId;
      try {
        tokenId = JoinToken.idOf(bearer);
      } catch (IllegalArgumentException e) {
        throw refuse(401, "join token is malformed");
      }
      FleetState.Token t = state.tokens.get(tokenId);
      if (t == null || t.revoked) {
        throw refuse(401, "join token " + tokenId + " is unknown or revoked");
      }
      JoinToken stored =
          new JoinToken(t.id, t.secretSha256, Instant.ofEpochMilli(t.expiresAtMillis), t.usesLeft);
      try {
        stored.redeem(bearer, now());
      } catch (IllegalArgumentException e) {
        throw refuse(401, e.getMessage());
      }
      UUID agentId = UUID.randomUUID(); // version 4, from the JDK's SecureRandom
      X509Certificate cert = issue(csr, agentId);
      record(FleetEvents.tokenUsed(tokenId, agentId.toString()));
      Map<String, String> labels = new java.util.TreeMap<>(t.labels);
      labels.putAll(request.labels());
      record(
          FleetEvents.agentEnrolled(
              agentId.toString(),
              cert.getSerialNumber().toString(16),
              cert.getNotAfter().getTime(),
              tokenId,
              request.host(),
              labels));
      lastSeen.put(agentId.toString(), now().toEpochMilli());
      LOG.info(
          "agent {} enrolled with token {} from host {}",
          agentId,
          tokenId,
          request.host().hostname());
      return response(agentId.toString(), cert);
    }
  }

  CertificateResponse renew(FleetState.Agent agent, RenewRequest request) {
    byte[] csr = csr(request.csr());
    synchronized (lock) {
      X509Certificate cert = issue(csr, UUID.fromString(agent.id));
      String previous = agent.serial;
      record(
          FleetEvents.agentRenewed(
              agent.id,
              cert.getSerialNumber().toString(16),
              cert.getNotAfter().getTime(),
              previous,
              now().plus(FleetServer.RENEWAL_GRACE).toEpochMilli()));
      LOG.info(
          "agent {} renewed its certificate: serial {} replaces {}",
          agent.id,
          cert.getSerialNumber().toString(16),
          previous);
      return response(agent.id, cert);
    }
  }

  private X509Certificate issue(byte[] csr, UUID agentId) {
    try {
      return ca.issueAgent(csr, agentId, options.agentLifetime(), now());
    } catch (IllegalArgumentException e) {
      throw refuse(400, e.getMessage());
    }
  }

  private static byte[] csr(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw refuse(400, "csr is not base64");
    }
  }

  private CertificateResponse response(String agentId, X509Certificate cert) {
    List<String> cas = new ArrayList<>();
    trusted.forEach(c -> cas.add(Certificates.toPem(c)));
    return new CertificateResponse(
        Protocol.VERSION,
        agentId,
        ca.fleetId(),
        Certificates.toPem(cert),
        cas,
        cert.getNotAfter().getTime());
  }

  void revokeAgent(String agentId, String by) {
    synchronized (lock) {
      FleetState.Agent a = state.agents.get(agentId);
      if (a == null) {
        throw refuse(404, "no agent " + agentId);
      }
      if (a.status != AgentStatus.REVOKED) {
        record(FleetEvents.agentRevoked(agentId, by));
        LOG.warn("agent {} revoked by {}", agentId, by);
        unplaceAll(agentId, "agent revoked");
      }
    }
  }

  // ---- agents' reports ----

  void heartbeat(FleetState.Agent agent) {
    lastSeen.put(agent.id, now().toEpochMilli());
    if (agent.status == AgentStatus.NOT_READY || agent.status == AgentStatus.LOST) {
      synchronized (lock) {
        if (agent.status == AgentStatus.NOT_READY || agent.status == AgentStatus.LOST) {
          record(FleetEvents.agentState(agent.id, AgentStatus.READY, "heartbeat received"));
          LOG.info("agent {} is ready again", agent.id);
          retryPending();
        }
      }
    }
  }

  void inventory(FleetState.Agent agent, Inventory inventory) {
    heartbeat(agent);
    if (inventory.gpus().equals(agent.gpus) && inventory.host().equals(agent.host)) {
      return; // nothing to record; the fields are volatile and change only under the lock
    }
    synchronized (lock) {
      if (agent.status == AgentStatus.REVOKED) {
        throw refuse(403, "agent " + agent.id + " is revoked");
      }
      if (!inventory.gpus().equals(agent.gpus) || !inventory.host().equals(agent.host)) {
        record(FleetEvents.agentInventory(agent.id, inventory.host(), inventory.gpus()));
        LOG.info("agent {} reports {} GPUs", agent.id, inventory.gpus().size());
        retryPending();
      }
    }
  }

  /** Records the agent's model checkpoints when they changed; a waiting job may now fit. */
  void models(FleetState.Agent agent, ModelInventory inventory) {
    heartbeat(agent);
    synchronized (lock) {
      List<ModelFile> before = List.copyOf(agent.models.values());
      if (!inventory.files().equals(before)) {
        record(FleetEvents.agentModels(agent.id, inventory.files()));
        LOG.info("agent {} reports {} model checkpoints", agent.id, inventory.files().size());
        retryPending();
      }
    }
  }

  void telemetry(FleetState.Agent agent, List<GpuSample> samples) {
    heartbeat(agent);
    Set<String> own = new HashSet<>();
    agent.gpus.forEach(g -> own.add(g.uuid()));
    List<GpuSample> accepted = new ArrayList<>();
    for (GpuSample s : samples) {
      if (own.contains(s.uuid())) {
        accepted.add(s);
      }
    }
    recordTelemetry(agent.id, accepted);
    if (mayReconcile(agent.id, accepted)) {
      synchronized (lock) {
        reconcile(agent, accepted);
      }
    }
  }

  /**
   * Keeps GPU readings from {@code source} (an agent's id, or {@code ssh:ADDRESS}) and records the
   * GPU days they end. The caller must not hold the lock.
   */
  void recordTelemetry(String source, List<GpuSample> samples) {
    List<TelemetryStore.DaySummary> ended = telemetry.record(source, samples, now());
    if (!ended.isEmpty()) {
      List<LedgerEvent> summaries = new ArrayList<>(ended.size());
      for (TelemetryStore.DaySummary d : ended) {
        summaries.add(
            FleetEvents.gpuDaily(
                d.uuid(),
                d.agentId(),
                d.day(),
                d.samples(),
                d.maxUsedBytes(),
                d.meanUtilizationPercent()));
      }
      recordBatch(summaries);
    }
  }

  /**
   * Records {@code event} if {@code when} holds for the state, both under the decision lock: for
   * the fleet's parts that decide from the state without placing jobs (SSH hosts).
   *
   * @return whether it was recorded; never on a follower
   */
  boolean recordIf(Predicate<FleetState> when, Supplier<LedgerEvent> event) {
    synchronized (lock) {
      if (ledger == null || !when.test(state)) {
        return false;
      }
      record(event.get());
      return true;
    }
  }

  /**
   * Whether {@code samples} may let {@link #reconcile} record something, without the lock: one of
   * the agent's reconcilable jobs has run long enough and a sample shows one of its processes.
   */
  private boolean mayReconcile(String agentId, List<GpuSample> samples) {
    Set<String> jobs = state.reconcilable(agentId);
    if (jobs.isEmpty()) {
      return false;
    }
    long now = now().toEpochMilli();
    for (String jobId : jobs) {
      Long since = runningSince.get(jobId);
      Set<Long> pids = jobPids.get(jobId);
      if (since == null || pids == null || now - since < options.reconcileAfter().toMillis()) {
        continue;
      }
      for (GpuSample s : samples) {
        List<ProcessUsage> processes = s.processes();
        if (processes != null) {
          for (ProcessUsage p : processes) {
            if (pids.contains(p.pid())) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  /**
   * Compares what running jobs' processes hold with their plans, once per job and GPU; walks only
   * the agent's reconcilable jobs (running, a GPU not yet compared), never the fleet's history.
   */
  private void reconcile(FleetState.Agent agent, List<GpuSample> samples) {
    long now = now().toEpochMilli();
    for (String jobId : state.reconcilable(agent.id)) {
      FleetState.Job j = state.jobs.get(jobId);
      Long since = runningSince.get(jobId);
      if (j == null
          || j.state != JobState.RUNNING
          || !agent.id.equals(j.agentId)
          || since == null
          || now - since < options.reconcileAfter().toMillis()) {
        continue;
      }
      Set<Long> pids = jobPids.getOrDefault(j.id, Set.of());
      for (FleetEvents.PlacedGpu g : j.gpus) {
        if (j.reconciledDevices.contains(g.uuid())) {
          continue;
        }
        for (GpuSample s : samples) {
          List<ProcessUsage> processes = s.processes();
          if (s.uuid().equals(g.uuid()) && processes != null) {
            long measured = 0;
            boolean seen = false;
            for (ProcessUsage p : processes) {
              if (pids.contains(p.pid())) {
                measured += p.usedBytes();
                seen = true;
              }
            }
            if (seen) {
              record(new PlanReconciled(j.planSeq, g.uuid(), g.claimBytes(), measured).toEvent());
              LOG.info(
                  "job {} on {}: predicted {} bytes, measured {}",
                  j.id,
                  g.uuid(),
                  g.claimBytes(),
                  measured);
            }
          }
        }
      }
    }
  }

  void jobStatus(FleetState.Agent agent, String jobId, JobStatus status) {
    heartbeat(agent);
    synchronized (lock) {
      FleetState.Job j = state.jobs.get(jobId);
      if (j == null || !agent.id.equals(j.agentId)) {
        throw refuse(409, "job " + jobId + " is not assigned to agent " + agent.id);
      }
      jobPids.put(jobId, Set.copyOf(status.pids()));
      if (status.logTail() != null) {
        logTails.put(jobId, status.logTail());
      }
      if (status.state() == JobState.RUNNING) {
        runningSince.putIfAbsent(jobId, now().toEpochMilli());
      }
      if (j.state != status.state() && !j.state.terminal()) {
        record(
            FleetEvents.jobState(
                jobId, agent.id, status.state(), status.exitCode(), status.message()));
        LOG.info(
            "job {} on agent {}: {}{}",
            jobId,
            agent.id,
            status.state(),
            status.message() == null ? "" : " (" + status.message() + ")");
      }
    }
  }

  /** Registers a watch stream and sends its snapshot, atomically with respect to changes. */
  void watch(
      FleetState.Agent agent,
      String serial,
      org.eclipse.jetty.server.Response response,
      org.eclipse.jetty.util.Callback callback) {
    if (leads()) {
      heartbeat(agent);
    }
    synchronized (lock) {
      // a revocation or renewal since this request was authorised: the feed aborts the streams
      // open when the revocation is applied, so none may open after that
      check(agent.id, serial);
      feed.opened(streams.open(agent.id, serial, response, callback), state);
    }
  }

  // ---- jobs ----

  /** The outcome of a submission: the job's id, its state and, if refused, why. */
  record Submitted(String jobId, JobState state, @Nullable String agentId, List<String> reasons) {}

  /**
   * Plans {@code spec} on a copy of the state made under the lock, then records the outcome under
   * the lock if it still holds: a placement if nothing placement reads about its agent changed
   * since the copy (its status, GPUs and claims: so its GPUs still fit as planned), a refusal if
   * nothing changed anywhere. Otherwise it plans again, and after {@link #PLAN_ATTEMPTS} stale
   * copies it plans under the lock, so a busy fleet delays a decision but never loses one.
   */
  Submitted submit(JobSpec spec, String by) {
    for (int attempt = 0; attempt < PLAN_ATTEMPTS; attempt++) {
      FleetState view;
      synchronized (lock) {
        view = state.placementView();
      }
      Scheduler.Outcome d = place(spec, view);
      synchronized (lock) {
        boolean fresh =
            d instanceof Scheduler.Placed p
                ? state.placementVersion(p.agentId()) == view.placementVersion(p.agentId())
                : state.placementVersion() == view.placementVersion();
        if (fresh) {
          return decide(spec, by, d);
        }
      }
      LOG.debug("job plan went stale while planning (attempt {}): planning again", attempt + 1);
    }
    synchronized (lock) {
      return decide(spec, by, place(spec, state));
    }
  }

  /**
   * Whether {@code spec} would fit on the GPUs read over SSH ({@link Scheduler#observedFit}),
   * planned on a copy of the state outside the lock.
   */
  List<String> observedFit(JobSpec spec) {
    FleetState view;
    synchronized (lock) {
      if (state.sshHosts.isEmpty()) {
        return List.of();
      }
      view = state.placementView();
    }
    return scheduler.observedFit(spec, view, telemetry, now());
  }

  private Scheduler.Outcome place(JobSpec spec, FleetState on) {
    try {
      return scheduler.place(spec, on, telemetry, now());
    } catch (IllegalArgumentException e) {
      throw refuse(400, e.getMessage());
    }
  }

  /** Records a submission and its outcome; the caller holds the lock. */
  private Submitted decide(JobSpec spec, String by, Scheduler.Outcome d) {
    String jobId = "job-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
    record(FleetEvents.jobSubmitted(jobId, spec, by));
    return apply(jobId, d);
  }

  private Submitted apply(String jobId, Scheduler.Outcome d) {
    if (d instanceof Scheduler.Placed p) {
      AppendResult plan = record(p.planComputed());
      record(
          FleetEvents.jobPlaced(
              jobId, p.agentId(), p.vendor(), p.gpus(), plan.seq(), p.planHash(), p.command()));
      FleetState.Job j = state.jobs.get(jobId);
      LOG.info(
          "job {} placed on agent {} GPUs {}", jobId, p.agentId(), j.assignment().gpuIndexes());
      return new Submitted(jobId, JobState.PLACED, p.agentId(), List.of());
    }
    Scheduler.Refused r = (Scheduler.Refused) d;
    record(FleetEvents.jobRefused(jobId, r.reasons()));
    LOG.info(
        "job {} fits nowhere ({} reasons): {}{}",
        jobId,
        r.reasons().size(),
        String.join("; ", r.reasons().subList(0, Math.min(8, r.reasons().size()))),
        r.reasons().size() > 8 ? "; …" : "");
    return new Submitted(jobId, JobState.REFUSED, null, r.reasons());
  }

  void cancel(String jobId, String by) {
    synchronized (lock) {
      FleetState.Job j = state.jobs.get(jobId);
      if (j == null) {
        throw refuse(404, "no job " + jobId);
      }
      if (j.state.terminal() || j.cancelRequested) {
        return;
      }
      record(FleetEvents.jobCancel(jobId, by));
      if (j.agentId == null) {
        record(
            FleetEvents.jobState(
                jobId, "-", JobState.CANCELLED, null, "cancelled before placement"));
      }
    }
  }

  /** Gives up the placements on {@code agentId} and tries to place those jobs elsewhere. */
  private void unplaceAll(String agentId, String reason) {
    List<String> moved = new ArrayList<>();
    for (FleetState.Job j : state.jobs.values()) {
      if (j.holdsClaim() && agentId.equals(j.agentId)) {
        moved.add(j.id);
      }
    }
    for (String id : moved) {
      record(FleetEvents.jobUnplaced(id, agentId, reason));
      runningSince.remove(id);
      jobPids.remove(id);
    }
    retryPending();
  }

  /** Places jobs waiting after their agent was lost, where they fit now. */
  private void retryPending() {
    retryPending(false);
  }

  /**
   * Places waiting jobs where they fit now; every sweep does this too, so a job waits only as long
   * as nothing fits (fresh measurements, a returning agent), not until the next event.
   */
  private void retryPending(boolean quiet) {
    for (FleetState.Job j : new ArrayList<>(state.jobs.values())) {
      if (j.state == JobState.PENDING && !j.cancelRequested) {
        Scheduler.Outcome d;
        try {
          d = scheduler.place(j.spec, state, telemetry, now());
        } catch (IllegalArgumentException e) {
          LOG.warn("job {} cannot be planned any more: {}", j.id, e.getMessage());
          continue;
        }
        if (d instanceof Scheduler.Placed) {
          apply(j.id, d);
        } else {
          LOG.info(
              "job {} still waits: {}", j.id, String.join("; ", ((Scheduler.Refused) d).reasons()));
        }
      }
    }
  }

  // ---- liveness ----

  /**
   * One liveness sweep (FLEET.md §2): ready agents silent past the threshold become not ready;
   * not-ready ones silent past the second threshold are lost, their jobs move and their open watch
   * streams close — unless too many went silent at once, when the server suspects itself and moves
   * nothing.
   */
  void sweep() {
    if (!leads()) {
      return; // liveness is judged by the leader, which hears the heartbeats
    }
    long now = now().toEpochMilli();
    long notReady = options.notReadyAfter().toMillis();
    long lost = notReady + options.lostAfter().toMillis();
    synchronized (lock) {
      int live = 0;
      int silent = 0;
      for (FleetState.Agent a : state.agents.values()) {
        if (a.status == AgentStatus.REVOKED) {
          continue;
        }
        live++;
        if (now - lastSeen.getOrDefault(a.id, now) >= notReady) {
          silent++;
        }
      }
      boolean hold = live >= 2 && silent > options.massFailoverShare() * live;
      if (hold != failoverHeld) {
        failoverHeld = hold;
        LOG.warn(
            hold
                ? "{} of {} agents went silent at once: suspecting the server or its network, moving"
                    + " no jobs until they return"
                : "mass-silence hold lifted ({} of {} agents silent)",
            silent,
            live);
      }
      for (FleetState.Agent a : new ArrayList<>(state.agents.values())) {
        long quiet = now - lastSeen.getOrDefault(a.id, now);
        if (a.status == AgentStatus.READY && quiet >= notReady) {
          record(
              FleetEvents.agentState(
                  a.id, AgentStatus.NOT_READY, "no heartbeat for " + quiet / 1000 + " s"));
          LOG.warn("agent {} not ready: no heartbeat for {} s", a.id, quiet / 1000);
        }
        if (a.status == AgentStatus.NOT_READY && quiet >= lost && !hold) {
          record(
              FleetEvents.agentState(
                  a.id, AgentStatus.LOST, "no heartbeat for " + quiet / 1000 + " s"));
          LOG.warn("agent {} lost: its jobs move", a.id);
          unplaceAll(a.id, "agent lost");
        }
      }
      if (!hold) {
        retryPending(true);
      }
    }
  }

  /**
   * Closes the streams of superseded certificates once the renewal grace is over; leader and
   * followers alike, as time passes.
   */
  void closeSupersededStreams() {
    long now = now().toEpochMilli();
    synchronized (lock) {
      for (FleetState.Agent a : state.agents.values()) {
        FleetState.Credentials c = state.credentials(a.id);
        if (c != null) {
          streams.abort(a.id, s -> !c.accepts(s.serial, now), "certificate superseded");
        }
      }
    }
  }

  // ---- views ----

  <T> T read(java.util.function.Function<FleetState, T> view) {
    synchronized (lock) {
      return view.apply(state);
    }
  }

  long lastSeen(String agentId) {
    return lastSeen.getOrDefault(agentId, 0L);
  }

  @Nullable String logTail(String jobId) {
    return logTails.get(jobId);
  }

  // ---- operators ----

  /**
   * Checks an operator's certificate: its role, as {@link #authorizeAdmin} does, then the
   * operator's record — the recorded serial, not revoked — so a revoked or re-issued operator is
   * refused at once. A name without a record is accepted only for a certificate issued in a second
   * before the first operator record's (ADR 0016: credentials from before operators were recorded).
   */
  String authorizeOperator(@Nullable FleetIdentity id, @Nullable X509Certificate certificate) {
    String name = authorizeAdmin(id);
    String serial = id == null ? "" : id.serialHex(); // never "": authorizeAdmin refused null
    synchronized (lock) {
      FleetState.Operator o = state.operators.get(name);
      if (o == null) {
        if (state.operatorsSinceMillis >= 0
            && (certificate == null
                || issuedAtSecond(certificate) >= second(state.operatorsSinceMillis))) {
          throw refuse(
              403,
              "operator "
                  + name
                  + " has no record on this server ('hwledger fleet admin issue' makes one)");
        }
        return name;
      }
      if (o.revoked) {
        throw refuse(403, "operator " + name + " is revoked");
      }
      if (!serial.equals(o.serial)) {
        throw refuse(
            403, "certificate serial " + serial + " of operator " + name + " is superseded");
      }
      return name;
    }
  }

  /**
   * When a certificate was issued, epoch seconds (certificates keep whole seconds): its start plus
   * the CA's allowance for skew.
   */
  private static long issuedAtSecond(X509Certificate certificate) {
    return second(certificate.getNotBefore().getTime() + FleetCa.CLOCK_SKEW.toMillis());
  }

  private static long second(long epochMillis) {
    return Math.floorDiv(epochMillis, 1000);
  }

  /**
   * Issues operator {@code request.name()}'s certificate for the request's key and records it; it
   * replaces the name's earlier certificate, whose serial is refused from then on.
   */
  OperatorResponse issueOperator(OperatorRequest request, String by) {
    byte[] csr = csr(request.csr());
    synchronized (lock) {
      X509Certificate cert;
      try {
        cert =
            ca.issueAdmin(
                csr, request.name(), Duration.ofSeconds(request.lifetimeSeconds()), now());
      } catch (IllegalArgumentException e) {
        throw refuse(400, e.getMessage());
      }
      String serial = cert.getSerialNumber().toString(16);
      FleetState.Operator previous = state.operators.get(request.name());
      record(
          FleetEvents.adminIssued(
              request.name(), serial, cert.getNotAfter().getTime(), by, now().toEpochMilli()));
      LOG.info(
          "operator {} issued by {}: serial {}{}",
          request.name(),
          by,
          serial,
          previous == null || previous.serial == null ? "" : " replaces " + previous.serial);
      return new OperatorResponse(
          Protocol.VERSION,
          request.name(),
          ca.fleetId(),
          serial,
          Certificates.toPem(cert),
          cert.getNotAfter().getTime());
    }
  }

  /**
   * Revokes every certificate of operator {@code name}, recorded or not. Refused when it would
   * leave no operator: the caller stays unless it revokes itself, and then another operator must be
   * active.
   */
  void revokeOperator(String name, String by) {
    try {
      FleetCa.checkAdminName(name);
    } catch (IllegalArgumentException e) {
      throw refuse(400, e.getMessage());
    }
    synchronized (lock) {
      FleetState.Operator o = state.operators.get(name);
      if (o != null && o.revoked) {
        return;
      }
      long now = now().toEpochMilli();
      boolean another =
          !name.equals(by)
              || state.operators.values().stream()
                  .anyMatch(other -> !other.name.equals(name) && other.active(now));
      if (!another) {
        throw refuse(
            409,
            "operator "
                + name
                + " is the last active operator: revoking it would lock every operator out;"
                + " issue another one first");
      }
      record(FleetEvents.adminRevoked(name, o == null ? null : o.serial, by, now));
      LOG.warn("operator {} revoked by {}", name, by);
    }
  }

  /**
   * Records the operator certificate found in the fleet directory at start ({@code DIR/admin}, as
   * {@code fleet init} or {@code fleet admin recover} wrote it) unless the ledger knows it: it must
   * be this fleet's CA's, unexpired, and issued no earlier than the second of its name's latest
   * record, so a revoked or superseded certificate is never brought back.
   */
  void recordLocalOperator(X509Certificate cert) {
    FleetIdentity id = FleetIdentity.of(cert).orElse(null);
    if (id == null || !id.fleet().equals(ca.fleetId()) || id.role() != FleetIdentity.Role.ADMIN) {
      LOG.warn("DIR/admin holds no operator certificate of fleet {}; not recorded", ca.fleetId());
      return;
    }
    try {
      cert.verify(ca.certificate().getPublicKey());
    } catch (GeneralSecurityException e) {
      LOG.warn(
          "DIR/admin: operator {}'s certificate is not the fleet CA's; not recorded", id.name());
      return;
    }
    synchronized (lock) {
      long now = now().toEpochMilli();
      FleetState.Operator o = state.operators.get(id.name());
      if (state.operatorSerials.contains(id.serialHex())) {
        return;
      }
      if (cert.getNotAfter().getTime() <= now) {
        LOG.warn("DIR/admin: operator {}'s certificate has expired; not recorded", id.name());
        return;
      }
      if (o != null && issuedAtSecond(cert) < second(o.atMillis)) {
        LOG.warn(
            "DIR/admin: operator {}'s certificate is older than its record; not recorded",
            id.name());
        return;
      }
      record(
          FleetEvents.adminIssued(
              id.name(), id.serialHex(), cert.getNotAfter().getTime(), "DIR/admin", now));
      LOG.info("operator {} recorded from DIR/admin: serial {}", id.name(), id.serialHex());
    }
  }
}
