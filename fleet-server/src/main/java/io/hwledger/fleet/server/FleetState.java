package io.hwledger.fleet.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.fleet.protocol.Assignment;
import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.JobState;
import io.hwledger.fleet.protocol.ModelFile;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.SshTargetRequest;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.ledger.events.PlanReconciled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet as its ledger says it is: tokens, agents, operators, jobs and their placements. Rebuilt
 * by replaying the ledger at start and kept current by applying each event as it is appended; the
 * ledger is the truth and this is a projection of it.
 *
 * <p>Not thread-safe as a whole: the server applies events under its write lock and reads the maps
 * under the same lock. Two parts are published for reads without it, both kept by {@link #apply} so
 * that replay rebuilds them exactly: {@link #credentials(String)}, what authorising an agent's
 * request needs (immutable records in a concurrent map, replaced when an enrolment, renewal or
 * revocation is applied), and {@link #reconcilable(String)}, the jobs whose measured memory can
 * still be compared with their plans. An agent's {@code status}, {@code host} and {@code gpus} are
 * volatile, written under the lock and read without it on an agent's own requests.
 */
final class FleetState {
  private static final Logger LOG = LoggerFactory.getLogger(FleetState.class);
  private static final ObjectMapper JSON = Protocol.json();

  /** A join token as recorded: its hash, never its secret. */
  static final class Token {
    final String id;
    final String secretSha256;
    final long expiresAtMillis;
    final Map<String, String> labels;
    int usesLeft;
    boolean revoked;

    Token(
        String id,
        String secretSha256,
        long expiresAtMillis,
        int uses,
        Map<String, String> labels) {
      this.id = id;
      this.secretSha256 = secretSha256;
      this.expiresAtMillis = expiresAtMillis;
      this.usesLeft = uses;
      this.labels = labels;
    }
  }

  /** An enrolled agent. */
  static final class Agent {
    final String id;
    volatile HostFacts host;
    Map<String, String> labels;
    String serial;
    @Nullable String previousSerial;
    long previousSerialUntilMillis;
    long notAfterMillis;
    volatile AgentStatus status = AgentStatus.READY;
    volatile List<GpuInfo> gpus = List.of();
    volatile Map<String, ModelFile> models = Map.of();

    Agent(String id, HostFacts host, Map<String, String> labels, String serial, long notAfter) {
      this.id = id;
      this.host = host;
      this.labels = labels;
      this.serial = serial;
      this.notAfterMillis = notAfter;
    }

    /** A copy of what placement reads, for planning outside the lock. */
    Agent copy() {
      Agent a = new Agent(id, host, labels, serial, notAfterMillis);
      a.status = status;
      a.gpus = gpus;
      a.models = models;
      return a;
    }
  }

  /**
   * What authorising an agent's request needs, immutable: its current certificate serial, the
   * previous one and until when it still works (epoch ms, server clock), and whether the agent is
   * revoked.
   */
  record Credentials(
      Agent agent,
      String serial,
      @Nullable String previousSerial,
      long previousSerialUntilMillis,
      boolean revoked) {

    static Credentials of(Agent a) {
      return new Credentials(
          a,
          a.serial,
          a.previousSerial,
          a.previousSerialUntilMillis,
          a.status == AgentStatus.REVOKED);
    }

    /** Whether a certificate with {@code serial} is this agent's at {@code nowMillis}. */
    boolean accepts(String certificateSerial, long nowMillis) {
      return certificateSerial.equals(serial)
          || (certificateSerial.equals(previousSerial) && nowMillis < previousSerialUntilMillis);
    }
  }

  /** An operator's record: the one certificate serial the server accepts for the name. */
  static final class Operator {
    final String name;
    @Nullable String serial;
    long notAfterMillis;
    boolean revoked;
    String by = "";

    /** The server's time of the name's latest record, epoch ms. */
    long atMillis;

    Operator(String name) {
      this.name = name;
    }

    /** Whether its certificate is accepted at {@code nowMillis}: not revoked, not expired. */
    boolean active(long nowMillis) {
      return !revoked && serial != null && nowMillis < notAfterMillis;
    }
  }

  /** A submitted job. */
  static final class Job {
    final String id;
    final JobSpec spec;
    final long submittedSeq;
    JobState state = JobState.PENDING;
    @Nullable String agentId;
    @Nullable String vendor;
    List<FleetEvents.PlacedGpu> gpus = List.of();
    List<String> command = List.of();
    long planSeq = -1;
    @Nullable String planHash;
    @Nullable Integer exitCode;
    @Nullable String message;
    boolean cancelRequested;
    final List<String> reconciledDevices = new ArrayList<>();

    Job(String id, JobSpec spec, long submittedSeq) {
      this.id = id;
      this.spec = spec;
      this.submittedSeq = submittedSeq;
    }

    /** A copy of what placement reads (its claim), for planning outside the lock. */
    Job copy() {
      Job j = new Job(id, spec, submittedSeq);
      j.state = state;
      j.agentId = agentId;
      j.vendor = vendor;
      j.gpus = gpus;
      j.cancelRequested = cancelRequested;
      return j;
    }

    /** Whether it runs and some GPU's measurement has not been compared with its plan yet. */
    boolean reconcilable() {
      if (state != JobState.RUNNING || agentId == null) {
        return false;
      }
      for (FleetEvents.PlacedGpu g : gpus) {
        if (!reconciledDevices.contains(g.uuid())) {
          return true;
        }
      }
      return false;
    }

    /** Whether it holds GPU memory on its agent: placed or running. */
    boolean holdsClaim() {
      return agentId != null && (state == JobState.PLACED || state == JobState.RUNNING);
    }

    Assignment assignment() {
      List<Integer> indexes = new ArrayList<>();
      List<String> uuids = new ArrayList<>();
      for (FleetEvents.PlacedGpu g : gpus) {
        indexes.add(g.index());
        uuids.add(g.uuid());
      }
      return new Assignment(
          id, indexes, uuids, vendor, command, gpus.isEmpty() ? 0 : gpus.get(0).claimBytes());
    }
  }

  /** One prediction compared with a measurement. */
  record Reconciliation(String jobId, String engine, String model, PlanReconciled result) {}

  /**
   * A host polled over SSH, as an operator added it, with its facts and GPUs as last recorded (null
   * and empty until its first poll). {@code host} and {@code gpus} are volatile: written under the
   * lock, read by the poller's threads without it.
   */
  static final class SshHost {
    final SshTargetRequest request;
    final String by;
    volatile @Nullable HostFacts host;
    volatile List<GpuInfo> gpus = List.of();

    /** Whether a poll's outcome was recorded yet. */
    boolean polled;

    /** The kind of failure of the polls, as last recorded; null while they succeed. */
    @Nullable String failure;

    SshHost(SshTargetRequest request, String by) {
      this.request = request;
      this.by = by;
    }
  }

  final Map<String, Token> tokens = new LinkedHashMap<>();
  final Map<String, Agent> agents = new LinkedHashMap<>();
  final Map<String, Job> jobs = new LinkedHashMap<>();
  final List<Reconciliation> reconciliations = new ArrayList<>();

  /** Hosts polled over SSH, by address ({@code user@host:port}). */
  final Map<String, SshHost> sshHosts = new LinkedHashMap<>();

  /**
   * Published: host keys learned ({@code --accept-new}), OpenSSH public-key text by {@code
   * host:port}; read without the lock when a session is verified.
   */
  final Map<String, String> hostKeys = new ConcurrentHashMap<>();

  /** The last refused host key fingerprint of each {@code host:port}. */
  final Map<String, String> refusedKeys = new HashMap<>();

  private final Map<Long, String> jobOfPlan = new LinkedHashMap<>();

  /** Jobs that hold GPU memory (placed or running), by submission sequence: in submission order. */
  private final Map<Long, Job> holding = new TreeMap<>();

  /** Published: credentials by agent id, read without the lock. */
  private final Map<String, Credentials> credentials = new ConcurrentHashMap<>();

  /** Published: ids of each agent's {@link Job#reconcilable()} jobs, immutable sets. */
  private final Map<String, Set<String>> reconcilable = new ConcurrentHashMap<>();

  /** Changes of what placement reads: per agent (status, GPUs, claims on it), and in all. */
  private final Map<String, Long> placementVersions = new HashMap<>();

  private long placementVersion;

  /** Records applied: the ledger's size once every appended record is applied. */
  final Map<String, Operator> operators = new LinkedHashMap<>();

  /** Every operator certificate serial ever recorded. */
  final Set<String> operatorSerials = new HashSet<>();

  /** The server's time of the first operator record, epoch ms; -1 while there is none. */
  long operatorsSinceMillis = -1;

  long size;

  /** The URL of the server that took the shared ledger over last; null before any did. */
  @Nullable String leaderUrl;

  /** Agents whose assignments may have changed since {@link #drainTouched}; not in views. */
  private final Set<String> touched = new HashSet<>();

  /** Applies one recorded event; types this build does not know are skipped. */
  void apply(RecordedEvent event) {
    // records that change no state may be applied after later ones (Fleet#recordBatch)
    size = Math.max(size, event.seq() + 1);
    if (event.schemaVersion() != FleetEvents.VERSION) {
      return;
    }
    JsonNode p;
    try {
      p = JSON.readTree(event.payloadJson());
    } catch (JsonProcessingException e) {
      LOG.warn("ledger record {} ({}) is not JSON; skipped", event.seq(), event.type());
      return;
    }
    switch (event.type()) {
      case FleetEvents.TOKEN_CREATED -> {
        Token t =
            new Token(
                p.path("tokenId").asText(),
                p.path("secretSha256").asText(),
                p.path("expiresAt").asLong(),
                p.path("uses").asInt(),
                labels(p.path("labels")));
        tokens.put(t.id, t);
      }
      case FleetEvents.TOKEN_USED -> token(p).ifPresent(t -> t.usesLeft--);
      case FleetEvents.TOKEN_REVOKED -> token(p).ifPresent(t -> t.revoked = true);
      case FleetEvents.AGENT_ENROLLED -> {
        Agent a =
            new Agent(
                p.path("agentId").asText(),
                read(p.path("host"), HostFacts.class),
                labels(p.path("labels")),
                p.path("serial").asText(),
                p.path("notAfter").asLong());
        agents.put(a.id, a);
        credentials.put(a.id, Credentials.of(a));
      }
      case FleetEvents.AGENT_RENEWED ->
          agent(p)
              .ifPresent(
                  a -> {
                    a.previousSerial = a.serial;
                    a.previousSerialUntilMillis = p.path("previousValidUntil").asLong();
                    a.serial = p.path("serial").asText();
                    a.notAfterMillis = p.path("notAfter").asLong();
                    credentials.put(a.id, Credentials.of(a));
                  });
      case FleetEvents.AGENT_REVOKED ->
          agent(p)
              .ifPresent(
                  a -> {
                    a.status = AgentStatus.REVOKED;
                    credentials.put(a.id, Credentials.of(a));
                    changed(a.id);
                  });
      case FleetEvents.AGENT_STATE ->
          agent(p)
              .filter(a -> a.status != AgentStatus.REVOKED)
              .ifPresent(
                  a -> {
                    a.status = AgentStatus.valueOf(p.path("state").asText());
                    changed(a.id);
                  });
      case FleetEvents.AGENT_INVENTORY ->
          agent(p)
              .ifPresent(
                  a -> {
                    a.host = read(p.path("host"), HostFacts.class);
                    List<GpuInfo> gpus = new ArrayList<>();
                    p.path("gpus").forEach(g -> gpus.add(read(g, GpuInfo.class)));
                    a.gpus = List.copyOf(gpus);
                    changed(a.id);
                  });
      case FleetEvents.AGENT_MODELS ->
          agent(p)
              .ifPresent(
                  a -> {
                    Map<String, ModelFile> models = new LinkedHashMap<>();
                    p.path("files")
                        .forEach(
                            f -> {
                              ModelFile file = read(f, ModelFile.class);
                              models.put(file.path(), file);
                            });
                    a.models = Collections.unmodifiableMap(models);
                    changed(a.id);
                  });
      case FleetEvents.JOB_SUBMITTED -> {
        Job j = new Job(p.path("jobId").asText(), read(p.path("spec"), JobSpec.class), event.seq());
        jobs.put(j.id, j);
      }
      case FleetEvents.JOB_PLACED,
          FleetEvents.JOB_UNPLACED,
          FleetEvents.JOB_REFUSED,
          FleetEvents.JOB_STATE,
          FleetEvents.JOB_CANCEL,
          PlanReconciled.TYPE ->
          applyJob(event, p);
      case FleetEvents.ADMIN_ISSUED, FleetEvents.ADMIN_REVOKED -> operator(event.type(), p);
      case FleetEvents.SSH_ADDED -> {
        SshTargetRequest r =
            new SshTargetRequest(
                Protocol.VERSION,
                p.path("address").asText(),
                p.hasNonNull("keyFile") ? p.path("keyFile").asText() : null,
                texts(p.path("jumps")),
                p.hasNonNull("knownHosts") ? p.path("knownHosts").asText() : null,
                p.path("acceptNew").asBoolean());
        sshHosts.put(r.address(), new SshHost(r, p.path("by").asText()));
      }
      case FleetEvents.SSH_REMOVED -> sshHosts.remove(p.path("address").asText());
      case FleetEvents.SSH_INVENTORY -> {
        SshHost h = sshHosts.get(p.path("address").asText());
        if (h != null) {
          h.host = read(p.path("host"), HostFacts.class);
          List<GpuInfo> gpus = new ArrayList<>();
          p.path("gpus").forEach(g -> gpus.add(read(g, GpuInfo.class)));
          h.gpus = List.copyOf(gpus);
        }
      }
      case FleetEvents.SSH_STATE -> {
        SshHost h = sshHosts.get(p.path("address").asText());
        if (h != null) {
          h.polled = true;
          h.failure = p.hasNonNull("failure") ? p.path("failure").asText() : null;
        }
      }
      case FleetEvents.SSH_HOSTKEY_LEARNED -> {
        hostKeys.put(p.path("hostPort").asText(), p.path("publicKey").asText());
        refusedKeys.remove(p.path("hostPort").asText());
      }
      case FleetEvents.SSH_HOSTKEY_REFUSED ->
          refusedKeys.put(p.path("hostPort").asText(), p.path("fingerprint").asText());
      case FleetEvents.SERVER_LEADING -> leaderUrl = p.path("url").asText();
      default -> {
        // other events (plan.computed, fleet.gpu.daily, or types of a newer build) change no
        // fleet state
      }
    }
  }

  /** Applies the events that change a job, and keeps the indexes over jobs current. */
  private void applyJob(RecordedEvent event, JsonNode p) {
    @Nullable PlanReconciled reconciled =
        event.type().equals(PlanReconciled.TYPE) ? PlanReconciled.from(event) : null;
    String jobId =
        reconciled != null ? jobOfPlan.get(reconciled.planSeq()) : p.path("jobId").asText();
    Job j = jobId == null ? null : jobs.get(jobId);
    if (j == null) {
      return;
    }
    String agentBefore = j.agentId;
    if (reconciled != null) {
      j.reconciledDevices.add(reconciled.deviceId());
      reconciliations.add(new Reconciliation(j.id, j.spec.engine(), modelName(j.spec), reconciled));
      reindex(j, agentBefore);
      return;
    }
    switch (event.type()) {
      case FleetEvents.JOB_PLACED -> {
        j.state = JobState.PLACED;
        j.agentId = p.path("agentId").asText();
        j.vendor = p.path("vendor").asText();
        List<FleetEvents.PlacedGpu> gpus = new ArrayList<>();
        p.path("gpus").forEach(g -> gpus.add(read(g, FleetEvents.PlacedGpu.class)));
        j.gpus = List.copyOf(gpus);
        List<String> command = new ArrayList<>();
        p.path("command").forEach(c -> command.add(c.asText()));
        j.command = List.copyOf(command);
        j.planSeq = p.path("planSeq").asLong();
        j.planHash = p.path("planHash").asText();
        j.reconciledDevices.clear();
        jobOfPlan.put(j.planSeq, j.id);
      }
      case FleetEvents.JOB_UNPLACED -> {
        j.state = JobState.PENDING;
        j.agentId = null;
        j.gpus = List.of();
        j.message = p.path("reason").asText();
      }
      case FleetEvents.JOB_REFUSED -> {
        j.state = JobState.REFUSED;
        List<String> reasons = new ArrayList<>();
        p.path("reasons").forEach(r -> reasons.add(r.asText()));
        j.message = String.join("; ", reasons);
      }
      case FleetEvents.JOB_STATE -> {
        j.state = JobState.valueOf(p.path("state").asText());
        j.exitCode = p.has("exitCode") ? p.path("exitCode").asInt() : null;
        j.message = p.has("message") ? p.path("message").asText() : null;
      }
      default -> { // JOB_CANCEL
        j.cancelRequested = true;
        if (j.agentId != null) {
          touched.add(j.agentId);
        }
      }
    }
    reindex(j, agentBefore);
  }

  /** Brings the indexes over jobs up to date after {@code j} changed; it was on {@code before}. */
  private void reindex(Job j, @Nullable String before) {
    boolean held = holding.containsKey(j.submittedSeq);
    if (j.holdsClaim()) {
      holding.put(j.submittedSeq, j);
    } else {
      holding.remove(j.submittedSeq);
    }
    // claims change when a job starts or stops holding one, or holds it on another agent
    if (held != j.holdsClaim() || (held && !Objects.equals(before, j.agentId))) {
      if (before != null) {
        changed(before);
      }
      if (j.agentId != null && !j.agentId.equals(before)) {
        changed(j.agentId);
      }
    }
    if (before != null && !before.equals(j.agentId)) {
      unindex(before, j.id);
    }
    if (j.agentId != null) {
      if (j.reconcilable()) {
        reconcilable.compute(
            j.agentId,
            (k, ids) -> {
              Set<String> next = ids == null ? new HashSet<>() : new HashSet<>(ids);
              next.add(j.id);
              return Set.copyOf(next);
            });
      } else {
        unindex(j.agentId, j.id);
      }
    }
  }

  private void unindex(String agentId, String jobId) {
    reconcilable.computeIfPresent(
        agentId,
        (k, ids) -> {
          if (!ids.contains(jobId)) {
            return ids;
          }
          Set<String> next = new HashSet<>(ids);
          next.remove(jobId);
          return next.isEmpty() ? null : Set.copyOf(next);
        });
  }

  /** Counts a change of what placement reads about {@code agentId}. */
  private void changed(String agentId) {
    placementVersion++;
    placementVersions.merge(agentId, 1L, Long::sum);
    touched.add(agentId);
  }

  /**
   * The agents whose assignments or status may have changed since the last call (a superset: every
   * change of what placement reads about them, and cancellations), then forgets them.
   */
  Set<String> drainTouched() {
    if (touched.isEmpty()) {
      return Set.of();
    }
    Set<String> out = Set.copyOf(touched);
    touched.clear();
    return out;
  }

  static String modelName(JobSpec spec) {
    return spec.model() != null ? spec.model() : "config.json";
  }

  /** Bytes claimed on each GPU by jobs placed or running, by GPU uuid. */
  Map<String, Long> claims() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Job j : holding.values()) {
      for (FleetEvents.PlacedGpu g : j.gpus) {
        out.merge(g.uuid(), g.claimBytes(), Long::sum);
      }
    }
    return out;
  }

  /** What agent {@code agentId} should be running, in submission order. */
  List<Assignment> assignments(String agentId) {
    List<Assignment> out = new ArrayList<>();
    for (Job j : holding.values()) {
      if (agentId.equals(j.agentId) && !j.cancelRequested) {
        out.add(j.assignment());
      }
    }
    return out;
  }

  /**
   * The authorisation view of {@code agentId}; safe to call without the lock. A record applied
   * before this call is seen by it.
   */
  @Nullable Credentials credentials(String agentId) {
    return credentials.get(agentId);
  }

  /**
   * Ids of the jobs on {@code agentId} that run and have a GPU whose measurement has not been
   * compared with the plan yet; safe to call without the lock.
   */
  Set<String> reconcilable(String agentId) {
    return reconcilable.getOrDefault(agentId, Set.of());
  }

  /** How often what placement reads has changed, in all. */
  long placementVersion() {
    return placementVersion;
  }

  /** How often what placement reads about {@code agentId} has changed. */
  long placementVersion(String agentId) {
    return placementVersions.getOrDefault(agentId, 0L);
  }

  /**
   * A private copy of what placement reads (every agent, every job holding a claim), for planning
   * outside the lock, with the placement versions it was copied at. Only {@link #agents}, {@link
   * #claims()}, {@link #assignments} and the versions answer on it.
   */
  FleetState placementView() {
    FleetState view = new FleetState();
    agents.values().forEach(a -> view.agents.put(a.id, a.copy()));
    holding.forEach(
        (seq, j) -> {
          Job c = j.copy();
          view.jobs.put(c.id, c);
          view.holding.put(seq, c);
        });
    view.placementVersions.putAll(placementVersions);
    // their host and GPUs are immutable values, replaced whole under the lock
    view.sshHosts.putAll(sshHosts);
    view.placementVersion = placementVersion;
    view.size = size;
    return view;
  }

  private void operator(String type, JsonNode p) {
    Operator o = operators.computeIfAbsent(p.path("name").asText(), Operator::new);
    o.atMillis = p.path("at").asLong();
    o.by = p.path("by").asText();
    if (operatorsSinceMillis < 0) {
      operatorsSinceMillis = o.atMillis;
    }
    if (type.equals(FleetEvents.ADMIN_ISSUED)) {
      o.serial = p.path("serial").asText();
      o.notAfterMillis = p.path("notAfter").asLong();
      o.revoked = false;
      operatorSerials.add(o.serial);
    } else {
      o.revoked = true;
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private Optional<Token> token(JsonNode p) {
    return Optional.ofNullable(tokens.get(p.path("tokenId").asText()));
  }

  private Optional<Agent> agent(JsonNode p) {
    return Optional.ofNullable(agents.get(p.path("agentId").asText()));
  }

  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return Map.copyOf(out);
  }

  private static <T> T read(JsonNode node, Class<T> type) {
    try {
      return JSON.treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("ledger payload does not hold a " + type.getSimpleName(), e);
    }
  }
}
