package io.hwledger.fleet.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.fleet.protocol.Assignment;
import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.JobState;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.ledger.events.PlanReconciled;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet as its ledger says it is: tokens, agents, operators, jobs and their placements. Rebuilt
 * by replaying the ledger at start and kept current by applying each event as it is appended; the
 * ledger is the truth and this is a projection of it. Not thread-safe: the server applies events
 * under its one write lock and reads under the same lock.
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
    HostFacts host;
    Map<String, String> labels;
    String serial;
    @Nullable String previousSerial;
    long previousSerialUntilMillis;
    long notAfterMillis;
    AgentStatus status = AgentStatus.READY;
    List<GpuInfo> gpus = List.of();

    Agent(String id, HostFacts host, Map<String, String> labels, String serial, long notAfter) {
      this.id = id;
      this.host = host;
      this.labels = labels;
      this.serial = serial;
      this.notAfterMillis = notAfter;
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

  final Map<String, Token> tokens = new LinkedHashMap<>();
  final Map<String, Agent> agents = new LinkedHashMap<>();
  final Map<String, Job> jobs = new LinkedHashMap<>();
  final List<Reconciliation> reconciliations = new ArrayList<>();
  private final Map<Long, String> jobOfPlan = new LinkedHashMap<>();
  final Map<String, Operator> operators = new LinkedHashMap<>();

  /** Every operator certificate serial ever recorded. */
  final Set<String> operatorSerials = new HashSet<>();

  /** The server's time of the first operator record, epoch ms; -1 while there is none. */
  long operatorsSinceMillis = -1;

  long size;

  /** Applies one recorded event; types this build does not know are skipped. */
  void apply(RecordedEvent event) {
    size = event.seq() + 1;
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
      }
      case FleetEvents.AGENT_RENEWED ->
          agent(p)
              .ifPresent(
                  a -> {
                    a.previousSerial = a.serial;
                    a.previousSerialUntilMillis = p.path("previousValidUntil").asLong();
                    a.serial = p.path("serial").asText();
                    a.notAfterMillis = p.path("notAfter").asLong();
                  });
      case FleetEvents.AGENT_REVOKED -> agent(p).ifPresent(a -> a.status = AgentStatus.REVOKED);
      case FleetEvents.AGENT_STATE ->
          agent(p)
              .filter(a -> a.status != AgentStatus.REVOKED)
              .ifPresent(a -> a.status = AgentStatus.valueOf(p.path("state").asText()));
      case FleetEvents.AGENT_INVENTORY ->
          agent(p)
              .ifPresent(
                  a -> {
                    a.host = read(p.path("host"), HostFacts.class);
                    List<GpuInfo> gpus = new ArrayList<>();
                    p.path("gpus").forEach(g -> gpus.add(read(g, GpuInfo.class)));
                    a.gpus = List.copyOf(gpus);
                  });
      case FleetEvents.JOB_SUBMITTED -> {
        Job j = new Job(p.path("jobId").asText(), read(p.path("spec"), JobSpec.class), event.seq());
        jobs.put(j.id, j);
      }
      case FleetEvents.JOB_PLACED ->
          job(p)
              .ifPresent(
                  j -> {
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
                  });
      case FleetEvents.JOB_UNPLACED ->
          job(p)
              .ifPresent(
                  j -> {
                    j.state = JobState.PENDING;
                    j.agentId = null;
                    j.gpus = List.of();
                    j.message = p.path("reason").asText();
                  });
      case FleetEvents.JOB_REFUSED ->
          job(p)
              .ifPresent(
                  j -> {
                    j.state = JobState.REFUSED;
                    List<String> reasons = new ArrayList<>();
                    p.path("reasons").forEach(r -> reasons.add(r.asText()));
                    j.message = String.join("; ", reasons);
                  });
      case FleetEvents.JOB_STATE ->
          job(p)
              .ifPresent(
                  j -> {
                    j.state = JobState.valueOf(p.path("state").asText());
                    j.exitCode = p.has("exitCode") ? p.path("exitCode").asInt() : null;
                    j.message = p.has("message") ? p.path("message").asText() : null;
                  });
      case FleetEvents.JOB_CANCEL -> job(p).ifPresent(j -> j.cancelRequested = true);
      case PlanReconciled.TYPE -> {
        PlanReconciled r = PlanReconciled.from(event);
        String jobId = jobOfPlan.get(r.planSeq());
        Job j = jobId == null ? null : jobs.get(jobId);
        if (j != null) {
          j.reconciledDevices.add(r.deviceId());
          reconciliations.add(new Reconciliation(j.id, j.spec.engine(), modelName(j.spec), r));
        }
      }
      case FleetEvents.ADMIN_ISSUED, FleetEvents.ADMIN_REVOKED -> operator(event.type(), p);
      default -> {
        // other events (plan.computed, fleet.gpu.daily, or types of a newer build) change no
        // fleet state
      }
    }
  }

  static String modelName(JobSpec spec) {
    return spec.model() != null ? spec.model() : "config.json";
  }

  /** Bytes claimed on each GPU by jobs placed or running, by GPU uuid. */
  Map<String, Long> claims() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Job j : jobs.values()) {
      if (j.holdsClaim()) {
        for (FleetEvents.PlacedGpu g : j.gpus) {
          out.merge(g.uuid(), g.claimBytes(), Long::sum);
        }
      }
    }
    return out;
  }

  /** What agent {@code agentId} should be running. */
  List<Assignment> assignments(String agentId) {
    List<Assignment> out = new ArrayList<>();
    for (Job j : jobs.values()) {
      if (j.holdsClaim() && agentId.equals(j.agentId) && !j.cancelRequested) {
        out.add(j.assignment());
      }
    }
    return out;
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

  private Optional<Token> token(JsonNode p) {
    return Optional.ofNullable(tokens.get(p.path("tokenId").asText()));
  }

  private Optional<Agent> agent(JsonNode p) {
    return Optional.ofNullable(agents.get(p.path("agentId").asText()));
  }

  private Optional<Job> job(JsonNode p) {
    return Optional.ofNullable(jobs.get(p.path("jobId").asText()));
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
