package io.hwledger.fleet.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.SshTargetRequest;
import io.hwledger.fleet.ssh.HostKeyPolicy;
import io.hwledger.fleet.ssh.HostKeyStore;
import io.hwledger.fleet.ssh.HostProbe;
import io.hwledger.fleet.ssh.ProbeResult;
import io.hwledger.fleet.ssh.PublicKeys;
import io.hwledger.fleet.ssh.SshAddress;
import io.hwledger.fleet.ssh.SshFailure;
import io.hwledger.fleet.ssh.SshPoller;
import io.hwledger.fleet.ssh.SshPolling;
import io.hwledger.fleet.ssh.SshSessions;
import io.hwledger.fleet.ssh.SshSettings;
import io.hwledger.fleet.ssh.SshTarget;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's hosts without an agent, polled over SSH (ADR 0017): operators add and remove them
 * (ledger events), the poller reads them, and what it finds is kept like an agent's reports — the
 * facts and GPUs as {@code fleet.ssh.inventory} events when they change, readings in the {@link
 * TelemetryStore} under the source {@code ssh:ADDRESS}. A GPU that an agent also reports is the
 * agent's: the SSH host's readings of it are dropped, so a host that later gets an agent keeps its
 * GPUs' identities and history. Host keys learned with {@code --accept-new}, and refused ones, are
 * ledger events; the learned keys are what later sessions are checked against.
 */
final class SshHosts implements HostKeyStore, SshPoller.Listener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SshHosts.class);

  /** The prefix of an SSH host's readings' source in the telemetry store. */
  static final String SOURCE = "ssh:";

  /**
   * A host's last poll, in memory only (polls are not ledger events; changes of their outcome are):
   * when it was, when the next is due, and the failure's message and count in a row, or the tools'
   * notes.
   */
  record Status(
      @Nullable String message, long atMillis, long nextMillis, int failures, List<String> notes) {}

  private final Fleet fleet;
  private final FleetServerOptions options;
  private final SshPolling polling;
  private final Map<String, Status> statuses = new ConcurrentHashMap<>();

  /** The sessions and the poller while this server leads; null while it follows. */
  private volatile @Nullable SshSessions sessions;

  private volatile @Nullable SshPoller poller;

  SshHosts(Fleet fleet, FleetServerOptions options) {
    this.fleet = fleet;
    this.options = options;
    this.polling = options.ssh();
  }

  /** Starts polling every host the ledger lists: the leader's work (ADR 0022). */
  synchronized void start() {
    if (poller != null) {
      return;
    }
    SshSessions s = new SshSessions(SshSettings.DEFAULTS, this);
    SshPoller p = new SshPoller(s, new HostProbe(options.clock()), polling, options.clock(), this);
    for (SshTargetRequest r : fleet.read(SshHosts::requests)) {
      p.put(target(r));
    }
    sessions = s;
    poller = p;
    p.start();
  }

  /** Stops polling and closes every session, when this server stops leading. */
  synchronized void stop() {
    SshPoller p = poller;
    SshSessions s = sessions;
    poller = null;
    sessions = null;
    if (p != null) {
      p.close();
    }
    if (s != null) {
      s.close();
    }
  }

  private static List<SshTargetRequest> requests(FleetState s) {
    List<SshTargetRequest> out = new ArrayList<>();
    s.sshHosts.values().forEach(h -> out.add(h.request));
    return out;
  }

  // ---- operators ----

  /** Adds a host; 400 if the request does not hold, 409 if the address is already polled. */
  ObjectNode add(SshTargetRequest request, String by) {
    SshTarget target;
    try {
      target = target(request);
    } catch (IllegalArgumentException e) {
      throw Fleet.refuse(400, e.getMessage());
    }
    // the canonical spelling, so one host is one entry however it was typed
    SshTargetRequest canonical =
        new SshTargetRequest(
            Protocol.VERSION,
            target.address().toString(),
            request.keyFile(),
            target.jumps().stream().map(SshAddress::toString).toList(),
            request.knownHosts(),
            request.acceptNew());
    String address = canonical.address();
    if (!fleet.recordIf(
        s -> !s.sshHosts.containsKey(address), () -> FleetEvents.sshAdded(canonical, by))) {
      throw Fleet.refuse(409, "SSH host " + address + " is already polled");
    }
    LOG.info("SSH host {} added by {}", address, by);
    SshPoller p = poller;
    if (p != null) {
      p.put(target);
    }
    ObjectNode out = Views.root();
    out.put("address", address);
    return out;
  }

  /** Stops polling a host; 404 if it is not polled. */
  void remove(String address, String by) {
    SshAddress parsed = parse(address);
    String key = parsed.toString();
    if (!fleet.recordIf(s -> s.sshHosts.containsKey(key), () -> FleetEvents.sshRemoved(key, by))) {
      throw Fleet.refuse(404, "no SSH host " + key);
    }
    LOG.info("SSH host {} removed by {}", key, by);
    SshPoller p = poller;
    if (p != null) {
      p.remove(parsed);
    }
    statuses.remove(key);
  }

  /**
   * Polls a host now and answers what it found, or why it failed ({@code ok: false}, the failure's
   * kind and one-line message); what it found is kept as a scheduled poll's would be.
   */
  ObjectNode test(String address) {
    String key = parse(address).toString();
    SshTargetRequest request =
        fleet.read(
            s -> {
              FleetState.SshHost h = s.sshHosts.get(key);
              return h == null ? null : h.request;
            });
    if (request == null) {
      throw Fleet.refuse(404, "no SSH host " + key);
    }
    SshTarget target = target(request);
    SshPoller p = poller;
    if (p == null) {
      throw Fleet.refuse(503, "this fleet server follows the leader and polls no SSH host");
    }
    ObjectNode out = Views.root();
    out.put("address", key);
    try {
      ProbeResult result = p.pollNow(target);
      polled(target, result);
      out.put("ok", true);
      out.set("host", Exchange.JSON.valueToTree(result.host()));
      out.set("gpus", Exchange.JSON.valueToTree(result.gpus()));
      out.set("samples", Exchange.JSON.valueToTree(result.samples()));
      out.set("notes", Exchange.JSON.valueToTree(result.notes()));
    } catch (SshFailure e) {
      out.put("ok", false);
      out.put("failure", e.kind().name());
      out.put("message", e.getMessage());
    }
    return out;
  }

  /** The hosts with their last poll: what {@code hwledger fleet ssh list} prints. */
  ObjectNode list() {
    ObjectNode out = Views.root();
    ArrayNode list = out.putArray("hosts");
    fleet.read(
        s -> {
          Map<String, String> agentOf = agentGpus(s);
          for (FleetState.SshHost h : s.sshHosts.values()) {
            ObjectNode n = list.addObject();
            SshTargetRequest r = h.request;
            n.put("address", r.address());
            n.set("jumps", Exchange.JSON.valueToTree(r.jumps()));
            n.put("hostKeys", r.acceptNew() ? "accept-new" : "strict");
            if (r.keyFile() != null) {
              n.put("keyFile", r.keyFile());
            }
            if (r.knownHosts() != null) {
              n.put("knownHosts", r.knownHosts());
            }
            n.put("addedBy", h.by);
            if (h.host != null) {
              n.put("hostname", h.host.hostname());
              n.put("os", h.host.os());
            }
            n.put("gpus", h.gpus.size());
            h.gpus.stream()
                .map(g -> agentOf.get(g.uuid()))
                .filter(Objects::nonNull)
                .findFirst()
                .ifPresent(a -> n.put("coveredByAgent", a));
            n.put("state", !h.polled ? "pending" : h.failure == null ? "ok" : "failing");
            if (h.failure != null) {
              n.put("failure", h.failure);
            }
            Status st = statuses.get(r.address());
            if (st != null) {
              n.put("polledAtMillis", st.atMillis());
              n.put("nextPollMillis", st.nextMillis());
              if (st.message() != null) {
                n.put("message", st.message());
                n.put("failures", st.failures());
              }
              n.set("notes", Exchange.JSON.valueToTree(st.notes()));
            }
          }
          return null;
        });
    return out;
  }

  /** Which agent reports each GPU uuid. */
  static Map<String, String> agentGpus(FleetState s) {
    Map<String, String> out = new HashMap<>();
    for (FleetState.Agent a : s.agents.values()) {
      if (a.status != AgentStatus.REVOKED) {
        a.gpus.forEach(g -> out.put(g.uuid(), a.id));
      }
    }
    return out;
  }

  // ---- the poller's results ----

  @Override
  public void polled(SshTarget target, ProbeResult result) {
    String address = target.address().toString();
    Map<String, String> agentOf = fleet.read(SshHosts::agentGpus);
    List<GpuSample> own = new ArrayList<>();
    for (GpuSample s : result.samples()) {
      if (!agentOf.containsKey(s.uuid())) {
        own.add(s);
      }
    }
    boolean recorded =
        fleet.recordIf(
            s -> {
              FleetState.SshHost h = s.sshHosts.get(address);
              return h != null && !(result.host().equals(h.host) && result.gpus().equals(h.gpus));
            },
            () -> FleetEvents.sshInventory(address, result.host(), result.gpus()));
    if (recorded) {
      LOG.info("SSH host {} reports {} GPUs", address, result.gpus().size());
    }
    fleet.recordTelemetry(SOURCE + address, own);
    long now = fleet.now().toEpochMilli();
    statuses.put(
        address, new Status(null, now, now + polling.interval().toMillis(), 0, result.notes()));
    recordState(address, null);
  }

  @Override
  public void failed(SshTarget target, SshFailure failure, int failures, Instant next) {
    String address = target.address().toString();
    statuses.put(
        address,
        new Status(
            failure.getMessage(),
            fleet.now().toEpochMilli(),
            next.toEpochMilli(),
            failures,
            List.of()));
    recordState(address, failure);
  }

  /**
   * Records a host's polls starting to succeed, or to fail with another kind of failure: the audit
   * trail shows when a host became unreachable or refused, not every poll.
   */
  private void recordState(String address, @Nullable SshFailure failure) {
    String kind = failure == null ? null : failure.kind().name();
    boolean changed =
        fleet.recordIf(
            s -> {
              FleetState.SshHost h = s.sshHosts.get(address);
              return h != null && (!h.polled || !Objects.equals(h.failure, kind));
            },
            () ->
                FleetEvents.sshState(address, kind, failure == null ? null : failure.getMessage()));
    if (changed && failure != null) {
      LOG.warn("SSH host {}: {} ({})", address, failure.getMessage(), kind);
    } else if (changed) {
      LOG.info("SSH host {} answers", address);
    }
  }

  // ---- host keys (HostKeyStore) ----

  @Override
  public Optional<PublicKey> learned(String hostPort) {
    String line = fleet.state.hostKeys.get(hostPort);
    return line == null ? Optional.empty() : Optional.of(PublicKeys.parse(line));
  }

  @Override
  public void learn(String hostPort, PublicKey key) {
    String line = PublicKeys.openSsh(key);
    String fingerprint = PublicKeys.fingerprint(key);
    if (fleet.recordIf(
        s -> !s.hostKeys.containsKey(hostPort),
        () -> FleetEvents.sshHostKeyLearned(hostPort, fingerprint, line))) {
      LOG.warn("SSH host key of {} learned (--accept-new): {}", hostPort, fingerprint);
      return;
    }
    // learned by another session meanwhile: it must be the same key
    if (!line.equals(fleet.state.hostKeys.get(hostPort))) {
      refused(hostPort, key, "differs from the key learned meanwhile");
      throw new IllegalStateException(
          "host key of " + hostPort + " changed while it was learned: " + fingerprint);
    }
  }

  @Override
  public void refused(String hostPort, PublicKey presented, String reason) {
    String fingerprint = PublicKeys.fingerprint(presented);
    if (fleet.recordIf(
        s -> !fingerprint.equals(s.refusedKeys.get(hostPort)),
        () -> FleetEvents.sshHostKeyRefused(hostPort, fingerprint, reason))) {
      LOG.warn("SSH host key of {} refused ({}): {}", hostPort, reason, fingerprint);
    }
  }

  // ---- requests to targets ----

  /** The target a request names; the addresses and paths checked. */
  static SshTarget target(SshTargetRequest r) {
    String keyFile = r.keyFile();
    String knownHosts = r.knownHosts();
    return new SshTarget(
        SshAddress.parse(r.address()),
        keyFile == null ? null : Path.of(keyFile),
        r.jumps().stream().map(SshAddress::parse).toList(),
        r.acceptNew() ? HostKeyPolicy.ACCEPT_NEW : HostKeyPolicy.STRICT,
        knownHosts == null ? null : Path.of(knownHosts));
  }

  private static SshAddress parse(String address) {
    try {
      return SshAddress.parse(address);
    } catch (IllegalArgumentException e) {
      throw Fleet.refuse(400, e.getMessage());
    }
  }

  @Override
  public void close() {
    stop();
  }
}
