package io.hwledger.fleet.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.fleet.pki.FleetIdentity;
import io.hwledger.fleet.pki.JoinToken;
import io.hwledger.fleet.protocol.EnrollRequest;
import io.hwledger.fleet.protocol.Heartbeat;
import io.hwledger.fleet.protocol.Inventory;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.JobStatus;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.fleet.protocol.ModelInventory;
import io.hwledger.fleet.protocol.OperatorRequest;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.RenewRequest;
import io.hwledger.fleet.protocol.SshTargetRequest;
import io.hwledger.fleet.protocol.Telemetry;
import io.hwledger.fleet.protocol.TokenRequest;
import io.hwledger.fleet.protocol.TokenResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (docs/fleet-api.md): routes each request to the fleet after checking who calls.
 * Every refusal is answered with a one-line JSON error and logged with the caller's address and
 * identity, never with a credential.
 */
final class Routes extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final Pattern AGENT_PATH =
      Pattern.compile(
          "/v1/agents/("
              + UUID
              + ")/(heartbeat|inventory|models|telemetry|watch|jobs/([A-Za-z0-9_-]{1,64}))");
  private static final Pattern ADMIN_PATH =
      Pattern.compile("/v1/admin/(status|agents|gpus|models|jobs|tokens|accuracy|metrics)(/.*)?");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** {@code /v1/admin/operators}, or {@code …/<name>/revoke}; the name is checked by the fleet. */
  private static final Pattern OPERATOR_PATH =
      Pattern.compile("/v1/admin/operators(?:/([^/]{1,255})/revoke)?");

  /**
   * {@code /v1/admin/ssh}, or {@code …/ADDRESS} or {@code …/ADDRESS/test}, the address
   * percent-encoded; it is checked by {@link SshHosts}.
   */
  private static final String SSH_PATH = "/v1/admin/ssh";

  /** The longest percent-encoded address an SSH path may carry. */
  private static final int SSH_ADDRESS_LENGTH = 1000;

  private final Fleet fleet;
  private final SshHosts ssh;
  private volatile URI publicUrl = URI.create("https://127.0.0.1");
  private final String caPin;
  private final PrometheusMeterRegistry metrics;
  private final Counter refused;
  private final Map<String, Timer> handling = new ConcurrentHashMap<>();

  Routes(Fleet fleet, SshHosts ssh, String caPin, PrometheusMeterRegistry metrics) {
    this.fleet = fleet;
    this.ssh = ssh;
    this.caPin = caPin;
    this.metrics = metrics;
    this.refused = Counter.builder("hwledger.fleet.requests.refused").register(metrics);
  }

  /** Sets the URL join strings name, once the port is known. */
  void publicUrl(URI url) {
    this.publicUrl = url;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Exchange x = new Exchange(request, response, callback);
    long start = System.nanoTime();
    Optional<FleetIdentity> caller = Caller.of(request);
    String outcome = "ok";
    try {
      route(x, request.getMethod(), request.getHttpURI().getPath(), caller.orElse(null));
    } catch (Exchange.Refused e) {
      refused.increment();
      LOG.warn(
          "refused {} {} from {} ({}): {}",
          request.getMethod(),
          request.getHttpURI().getPath(),
          Caller.address(request),
          caller.map(c -> c.role() + " " + c.name()).orElse("no client certificate"),
          e.getMessage());
      x.error(e.status, e.getMessage());
      outcome = "refused";
    } catch (RuntimeException e) {
      LOG.error("failed {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
      x.error(500, "internal error");
      outcome = "error";
    } finally {
      timer(endpoint(request.getHttpURI().getPath()), outcome)
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    return true;
  }

  /**
   * The request timer of one endpoint and outcome ({@code ok}, {@code refused}, {@code error}):
   * tags from fixed sets only, so a client cannot grow the registry.
   */
  private Timer timer(String endpoint, String outcome) {
    return handling.computeIfAbsent(
        endpoint + " " + outcome,
        k ->
            Timer.builder("hwledger.fleet.requests")
                .tags("endpoint", endpoint, "outcome", outcome)
                .publishPercentiles(0.5, 0.99)
                .register(metrics));
  }

  /** The endpoint a path names, e.g. {@code agent.telemetry} or {@code admin.jobs}; else other. */
  static String endpoint(String path) {
    if (path.equals(Protocol.ENROLL)) {
      return "enroll";
    }
    if (path.equals(Protocol.RENEW)) {
      return "renew";
    }
    if (path.equals("/healthz")) {
      return "healthz";
    }
    Matcher m = AGENT_PATH.matcher(path);
    if (m.matches()) {
      return "agent." + (m.group(3) != null ? "jobs" : m.group(2));
    }
    if (OPERATOR_PATH.matcher(path).matches()) {
      return "admin.operators";
    }
    if (path.equals(SSH_PATH) || path.startsWith(SSH_PATH + "/")) {
      return "admin.ssh";
    }
    m = ADMIN_PATH.matcher(path);
    return m.matches() ? "admin." + m.group(1) : "other";
  }

  private void route(Exchange x, String method, String path, @Nullable FleetIdentity caller) {
    if (path.equals("/healthz") && method.equals("GET")) {
      x.text(200, "text/plain", "ok\n");
      return;
    }
    if (!method.equals("GET") && !fleet.leads()) {
      toLeader(x, method, path);
      return;
    }
    if (path.equals(Protocol.ENROLL)) {
      requireMethod(method, "POST");
      EnrollRequest body = x.body(EnrollRequest.class);
      x.json(200, fleet.enroll(bearer(x.request), body));
      return;
    }
    if (path.equals(Protocol.RENEW)) {
      requireMethod(method, "POST");
      FleetState.Agent agent = fleet.authorizeAgent(caller, null);
      x.json(200, fleet.renew(agent, x.body(RenewRequest.class)));
      return;
    }
    Matcher m = AGENT_PATH.matcher(path);
    if (m.matches()) {
      agent(x, method, m, caller);
      return;
    }
    m = OPERATOR_PATH.matcher(path);
    if (m.matches()) {
      String by = fleet.authorizeOperator(caller, Caller.certificate(x.request).orElse(null));
      operators(x, method, m.group(1), by);
      return;
    }
    if (path.equals(SSH_PATH) || path.startsWith(SSH_PATH + "/")) {
      String by = fleet.authorizeOperator(caller, Caller.certificate(x.request).orElse(null));
      ssh(x, method, path, by);
      return;
    }
    m = ADMIN_PATH.matcher(path);
    if (m.matches()) {
      String by = fleet.authorizeOperator(caller, Caller.certificate(x.request).orElse(null));
      admin(x, method, m, by);
      return;
    }
    throw new Exchange.Refused(404, "no such endpoint: " + method + " " + path);
  }

  private void agent(Exchange x, String method, Matcher m, @Nullable FleetIdentity caller) {
    FleetState.Agent agent = fleet.authorizeAgent(caller, m.group(1));
    switch (m.group(2)) {
      case "heartbeat" -> {
        requireMethod(method, "POST");
        x.body(Heartbeat.class);
        fleet.heartbeat(agent);
        ObjectNode ack = Exchange.JSON.createObjectNode();
        ack.put("v", Protocol.VERSION);
        ack.put("serverTimeMillis", fleet.now().toEpochMilli());
        x.json(200, ack);
      }
      case "inventory" -> {
        requireMethod(method, "PUT");
        fleet.inventory(agent, x.body(Inventory.class));
        x.json(200, ok());
      }
      case "models" -> {
        requireMethod(method, "PUT");
        fleet.models(agent, x.body(ModelInventory.class));
        x.json(200, ok());
      }
      case "telemetry" -> {
        requireMethod(method, "POST");
        fleet.telemetry(agent, x.body(Telemetry.class).samples());
        x.json(200, ok());
      }
      case "watch" -> {
        requireMethod(method, "GET");
        fleet.watch(agent, caller.serialHex(), x.response, x.callback);
      }
      default -> {
        requireMethod(method, "POST");
        String jobId = m.group(3);
        JobStatus status = x.body(JobStatus.class);
        if (!status.jobId().equals(jobId)) {
          throw new Exchange.Refused(400, "body names job " + status.jobId() + ", path " + jobId);
        }
        fleet.jobStatus(agent, jobId, status);
        x.json(200, ok());
      }
    }
  }

  private void admin(Exchange x, String method, Matcher m, String by) {
    String what = m.group(1);
    String id = null;
    String action = null;
    if (m.group(2) != null) {
      // "/ID" or "/ID/revoke|cancel", split by hand: no nested optional groups to backtrack
      String[] parts = m.group(2).substring(1).split("/", -1);
      if (parts.length > 2
          || !ID.matcher(parts[0]).matches()
          || (parts.length == 2 && !parts[1].equals("revoke") && !parts[1].equals("cancel"))) {
        throw new Exchange.Refused(404, "no such endpoint: " + method + " " + m.group(0));
      }
      id = parts[0];
      action = parts.length == 2 ? parts[1] : null;
    }
    switch (what) {
      case "tokens" -> {
        if (id == null && method.equals("POST")) {
          TokenRequest request = x.body(TokenRequest.class);
          JoinToken.Issued issued = fleet.createToken(request, by);
          String join = new JoinString(publicUrl, caPin, issued.token()).format();
          x.json(
              200,
              new TokenResponse(
                  Protocol.VERSION,
                  issued.stored().id(),
                  join,
                  issued.stored().expiresAt().toEpochMilli(),
                  issued.stored().usesLeft()));
        } else if (id != null && action == null && method.equals("DELETE")) {
          fleet.revokeToken(id, by);
          x.json(200, ok());
        } else if (id == null) {
          requireMethod(method, "GET");
          x.json(200, fleet.read(Views::tokens));
        } else {
          throw new Exchange.Refused(404, "no such endpoint");
        }
      }
      case "agents" -> {
        if (id != null && "revoke".equals(action)) {
          requireMethod(method, "POST");
          fleet.revokeAgent(id, by);
          x.json(200, ok());
        } else {
          requireMethod(method, "GET");
          x.json(200, fleet.read(s -> Views.agents(s, fleet)));
        }
      }
      case "gpus" -> {
        requireMethod(method, "GET");
        x.json(200, fleet.read(s -> Views.gpus(s, fleet.telemetry)));
      }
      case "models" -> {
        requireMethod(method, "GET");
        x.json(200, fleet.read(Views::models));
      }
      case "jobs" -> {
        if (id == null && method.equals("POST")) {
          JobSpec spec = x.body(JobSpec.class);
          Fleet.Submitted s = fleet.submit(spec, by);
          ObjectNode out = Exchange.JSON.createObjectNode();
          out.put("v", Protocol.VERSION);
          out.put("jobId", s.jobId());
          out.put("state", s.state().name());
          if (s.agentId() != null) {
            out.put("agentId", s.agentId());
          }
          ArrayNode reasons = out.putArray("reasons");
          s.reasons().forEach(reasons::add);
          ArrayNode observed = out.putArray("observed");
          fleet.observedFit(spec).forEach(observed::add);
          x.json(s.agentId() != null ? 201 : 409, out);
        } else if (id != null && "cancel".equals(action)) {
          requireMethod(method, "POST");
          fleet.cancel(id, by);
          x.json(200, ok());
        } else {
          requireMethod(method, "GET");
          x.json(200, fleet.read(s -> Views.jobs(s, fleet)));
        }
      }
      case "accuracy" -> {
        requireMethod(method, "GET");
        x.json(200, fleet.read(Views::accuracy));
      }
      case "metrics" -> {
        requireMethod(method, "GET");
        x.text(200, "text/plain; version=0.0.4", metrics.scrape());
      }
      default -> {
        requireMethod(method, "GET");
        x.json(200, fleet.read(s -> Views.status(s, fleet)));
      }
    }
  }

  /** Operators' certificates: issue ({@code POST}), list ({@code GET}), revoke by name. */
  private void operators(Exchange x, String method, @Nullable String name, String by) {
    if (name != null) {
      requireMethod(method, "POST");
      fleet.revokeOperator(name, by);
      x.json(200, ok());
    } else if (method.equals("POST")) {
      x.json(200, fleet.issueOperator(x.body(OperatorRequest.class), by));
    } else {
      requireMethod(method, "GET");
      x.json(200, fleet.read(Views::operators));
    }
  }

  /** SSH hosts: add ({@code POST}), list ({@code GET}), remove ({@code DELETE}), test. */
  private void ssh(Exchange x, String method, String path, String by) {
    if (path.equals(SSH_PATH)) {
      if (method.equals("POST")) {
        x.json(201, ssh.add(x.body(SshTargetRequest.class), by));
      } else {
        requireMethod(method, "GET");
        x.json(200, ssh.list());
      }
      return;
    }
    // "ADDRESS" or "ADDRESS/test", split by hand
    String[] parts = path.substring(SSH_PATH.length() + 1).split("/", -1);
    if (parts[0].isEmpty()
        || parts[0].length() > SSH_ADDRESS_LENGTH
        || parts.length > 2
        || (parts.length == 2 && !parts[1].equals("test"))) {
      throw new Exchange.Refused(404, "no such endpoint: " + method + " " + path);
    }
    String address = URIUtil.decodePath(parts[0]);
    if (parts.length == 2) {
      requireMethod(method, "POST");
      x.json(200, ssh.test(address));
    } else {
      requireMethod(method, "DELETE");
      ssh.remove(address, by);
      x.json(200, ok());
    }
  }

  /**
   * A follower's answer to a request that changes something (ADR 0022): {@code 307} to the same
   * path on the leader the ledger last named, which the client repeats there with its own
   * certificate and body; {@code 503} while no other server is known to lead.
   */
  private void toLeader(Exchange x, String method, String path) {
    String leader = fleet.leaderUrl();
    if (leader == null || leader.equals(publicUrl.toString())) {
      x.response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      throw new Exchange.Refused(
          503, "this fleet server follows and no other server leads yet: try again");
    }
    String query = x.request.getHttpURI().getQuery();
    String location = leader + path + (query == null ? "" : "?" + query);
    x.response.getHeaders().put(HttpHeader.LOCATION, location);
    throw new Exchange.Refused(
        307, "this fleet server follows: " + method + " " + path + " goes to the leader " + leader);
  }

  private static ObjectNode ok() {
    ObjectNode ok = Exchange.JSON.createObjectNode();
    ok.put("v", Protocol.VERSION);
    return ok;
  }

  private static void requireMethod(String method, String expected) {
    if (!method.equals(expected)) {
      throw new Exchange.Refused(405, "use " + expected + ", not " + method);
    }
  }

  private static @Nullable String bearer(Request request) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || !header.startsWith("Bearer ")) {
      return null;
    }
    return header.substring("Bearer ".length()).strip();
  }
}
