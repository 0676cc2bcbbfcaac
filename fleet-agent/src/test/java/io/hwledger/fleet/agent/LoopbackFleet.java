package io.hwledger.fleet.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.TokenRequest;
import io.hwledger.fleet.protocol.TokenResponse;
import io.hwledger.fleet.server.FleetHome;
import io.hwledger.fleet.server.FleetServer;
import io.hwledger.fleet.server.FleetServerOptions;
import io.hwledger.spi.GpuBackends;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A fleet directory and a real server on loopback for the agent's fault tests, with an operator's
 * client and helpers to join and start real agents (the fake NVML's GPUs, the fake engine as the
 * allowlisted {@code vllm}).
 */
final class LoopbackFleet implements AutoCloseable {
  static final char[] PASSPHRASE = "correct horse battery".toCharArray();
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final HostFacts HOST = new HostFacts("host-a", "Linux", "amd64", 4, 1L << 34);

  final FleetHome home;
  final FleetServer server;
  final FleetClient admin;

  /**
   * A fleet initialised at {@code initAt} (its server certificate valid from 5 minutes before), its
   * server started with {@code options} on 127.0.0.1.
   */
  LoopbackFleet(Path dir, Instant initAt, FleetServerOptions options) throws IOException {
    home =
        FleetHome.init(
            dir,
            "faults.test",
            PASSPHRASE,
            URI.create("https://127.0.0.1:1"),
            List.of("localhost"),
            List.of(InetAddress.getLoopbackAddress()),
            initAt,
            new SecureRandom());
    server = FleetServer.start(home, PASSPHRASE, null, options.withBindAddress("127.0.0.1"));
    Credential adminCredential = Credential.load(home.adminDir(), "admin");
    admin =
        FleetClient.of(
            server.url(),
            () -> adminCredential,
            Certificates.read(home.adminDir().resolve("ca.crt")),
            TIMEOUT);
  }

  /** A join string for one agent, valid 10 minutes, naming {@code port} on loopback. */
  JoinString token(int port) {
    TokenResponse t =
        admin.send(
            "POST",
            "/v1/admin/tokens",
            new TokenRequest(Protocol.VERSION, 600, 1, Map.of("pool", "faults")),
            null,
            TokenResponse.class);
    JoinString join = JoinString.parse(t.join());
    return new JoinString(URI.create("https://127.0.0.1:" + port), join.caPin(), join.token());
  }

  static AgentIdentity join(JoinString join, Path data, Clock clock) throws IOException {
    return AgentIdentity.join(join, data, HOST, Map.of(), TIMEOUT, clock);
  }

  /** Intervals of 200 ms, so reports and redials happen within a test's seconds. */
  static AgentOptions fastOptions() {
    return AgentOptions.defaults()
        .withIntervals(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(200));
  }

  static Agent start(AgentIdentity identity, AgentOptions options) throws IOException {
    return Agent.start(
        identity,
        new HostGpus(GpuBackends.discover(), options.clock()),
        HOST,
        FakeEngine.allowlist(),
        options);
  }

  JsonNode get(String what) {
    return admin.send("GET", "/v1/admin/" + what, null, null, JsonNode.class);
  }

  /** A job's view, or an empty node when the server does not list it. */
  JsonNode job(String jobId) {
    for (JsonNode j : get("jobs").path("jobs")) {
      if (j.path("jobId").asText().equals(jobId)) {
        return j;
      }
    }
    return MissingNode.getInstance();
  }

  String agentStatus(String agentId) {
    for (JsonNode a : get("agents").path("agents")) {
      if (a.path("agentId").asText().equals(agentId)) {
        return a.path("status").asText();
      }
    }
    return "";
  }

  /** How many of the GPUs the server lists have a measurement. */
  int measuredGpus() {
    int n = 0;
    for (JsonNode g : get("gpus").path("gpus")) {
      n += g.has("freeBytes") ? 1 : 0;
    }
    return n;
  }

  /** Submits llama-3.1-8b on vLLM with {@code settings}; returns the server's answer. */
  JsonNode submitVllm(Map<String, String> settings) {
    JobSpec spec =
        new JobSpec(
            Protocol.VERSION,
            "llama-3.1-8b",
            null,
            null,
            null,
            "vllm",
            settings,
            8192,
            1,
            null,
            null,
            1,
            null);
    return admin.send("POST", "/v1/admin/jobs", spec, null, JsonNode.class);
  }

  @Override
  public void close() {
    server.close();
  }
}
