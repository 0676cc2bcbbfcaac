package io.hwledger.fleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.TokenRequest;
import io.hwledger.fleet.protocol.TokenResponse;
import io.hwledger.fleet.server.FleetHome;
import io.hwledger.fleet.server.FleetServer;
import io.hwledger.fleet.server.FleetServerOptions;
import io.hwledger.spi.GpuBackends;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent against a real fleet server in the same JVM, over real TLS: it enrolls with a join
 * string, reports the fake NVML's GPUs and their readings, and renews its certificate without a
 * restart. The two fake H100s and their 80 GiB come from the fake library (spi-nvidia's
 * fake_nvml.c), not from the code under test.
 */
@Verifies({"FR-FLEET-007", "FR-FLEET-004"})
class AgentTest {
  private static final char[] PASSPHRASE = "correct horse battery".toCharArray();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;
  FleetHome home;
  FleetServer server;
  FleetClient admin;
  Agent agent;

  @BeforeEach
  void start() throws IOException {
    home =
        FleetHome.init(
            dir.resolve("fleet"),
            "agent.test",
            PASSPHRASE,
            URI.create("https://127.0.0.1:1"),
            List.of("localhost"),
            List.of(InetAddress.getLoopbackAddress()),
            Instant.now(),
            new SecureRandom());
    server =
        FleetServer.start(
            home, PASSPHRASE, null, FleetServerOptions.defaults(0).withBindAddress("127.0.0.1"));
    Credential adminCredential = Credential.load(home.adminDir(), "admin");
    admin =
        FleetClient.of(
            server.url(),
            () -> adminCredential,
            Certificates.read(home.adminDir().resolve("ca.crt")),
            TIMEOUT);
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    server.close();
  }

  private JoinString token() {
    TokenResponse t =
        admin.send(
            "POST",
            "/v1/admin/tokens",
            new TokenRequest(Protocol.VERSION, 600, 1, Map.of("pool", "a")),
            null,
            TokenResponse.class);
    return JoinString.parse(t.join());
  }

  private Agent startAgent(AgentIdentity identity, Clock clock) throws IOException {
    AgentOptions options =
        AgentOptions.defaults()
            .withIntervals(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(200));
    options =
        new AgentOptions(
            options.heartbeatInterval(),
            options.telemetryInterval(),
            options.inventoryInterval(),
            TIMEOUT,
            options.orphanGrace(),
            options.renewAt(),
            clock);
    Path engine = Path.of(System.getProperty("hwledger.test.fakeEngine"));
    return Agent.start(
        identity,
        new HostGpus(GpuBackends.discover(), clock),
        new HostFacts("host-a", "Linux", "amd64", 4, 1L << 34),
        Allowlist.of(Map.of("vllm", engine)),
        options);
  }

  private void awaitHeartbeat() throws InterruptedException {
    JsonNode before = admin.send("GET", "/v1/admin/agents", null, null, JsonNode.class);
    long seen = before.path("agents").get(0).path("lastSeenMillis").asLong();
    await(
        "a heartbeat on the renewed certificate",
        () -> {
          JsonNode a = admin.send("GET", "/v1/admin/agents", null, null, JsonNode.class);
          return a.path("agents").get(0).path("lastSeenMillis").asLong() > seen;
        });
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after 30 s waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void anEnrolledAgentReportsEveryGpuWithItsReadings() throws Exception {
    AgentIdentity identity =
        AgentIdentity.join(
            token(),
            dir.resolve("agent"),
            new HostFacts("host-a", "Linux", "amd64", 4, 1L << 34),
            Map.of(),
            TIMEOUT);
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("agent/agent.pem"))))
        .isEqualTo("rw-------");
    agent = startAgent(AgentIdentity.load(dir.resolve("agent")), Clock.systemUTC());

    await(
        "two GPUs with readings",
        () -> {
          JsonNode gpus = admin.send("GET", "/v1/admin/gpus", null, null, JsonNode.class);
          return gpus.path("gpus").size() == 2 && gpus.path("gpus").get(1).has("freeBytes");
        });
    JsonNode gpus = admin.send("GET", "/v1/admin/gpus", null, null, JsonNode.class);
    List<String> seen = new java.util.ArrayList<>();
    for (JsonNode g : gpus.path("gpus")) {
      assertThat(g.path("agentId").asText()).isEqualTo(identity.agentId());
      assertThat(g.path("vendor").asText()).isEqualTo("nvidia");
      assertThat(g.path("healthy").asBoolean()).isTrue();
      seen.add(g.path("name").asText() + " " + g.path("totalBytes").asLong());
    }
    // the fake library's two devices (spi-nvidia/src/test/c/fake_nvml.c)
    assertThat(seen)
        .containsExactlyInAnyOrder(
            "NVIDIA H100 80GB HBM3 85520809984", "NVIDIA A100-SXM4-40GB 42949672960");
    JsonNode agents = admin.send("GET", "/v1/admin/agents", null, null, JsonNode.class);
    assertThat(agents.path("agents").get(0).path("status").asText()).isEqualTo("READY");
    assertThat(agents.path("agents").get(0).path("labels").path("pool").asText()).isEqualTo("a");
  }

  @Test
  void joiningTwiceIntoOneDirectoryIsRefused() throws Exception {
    AgentIdentity.join(
        token(),
        dir.resolve("agent"),
        new HostFacts("host-a", "Linux", "amd64", 4, 1L << 34),
        Map.of(),
        TIMEOUT);
    JoinString second = token();
    assertThatThrownBy(
            () ->
                AgentIdentity.join(
                    second,
                    dir.resolve("agent"),
                    new HostFacts("host-a", "Linux", "amd64", 4, 1L << 34),
                    Map.of(),
                    TIMEOUT))
        .hasMessageContaining("already holds an agent identity");
  }

  @Test
  void theAgentRenewsItsCertificateWithAFreshKeyWithoutARestart() throws Exception {
    AgentIdentity identity =
        AgentIdentity.join(
            token(),
            dir.resolve("agent"),
            new HostFacts("host-a", "Linux", "amd64", 4, 1L << 34),
            Map.of(),
            TIMEOUT);
    BigInteger first = identity.credential().certificate().getSerialNumber();
    java.security.PublicKey firstKey = identity.credential().certificate().getPublicKey();
    long firstNotAfter = identity.credential().certificate().getNotAfter().getTime();
    // an agent clock 20 h ahead finds its 24 h certificate past 60 % of its life at once
    Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofHours(20));
    agent = startAgent(identity, ahead);

    await(
        "a renewed certificate",
        () -> !agent.identity().credential().certificate().getSerialNumber().equals(first));
    Credential onDisk = Credential.load(dir.resolve("agent"), "agent");
    assertThat(onDisk.certificate().getSerialNumber())
        .isEqualTo(agent.identity().credential().certificate().getSerialNumber());
    assertThat(onDisk.certificate().getPublicKey()).isNotEqualTo(firstKey);
    // the server now holds the new certificate for this agent, and the running agent uses it
    await(
        "the server's record of the renewal",
        () -> {
          JsonNode a = admin.send("GET", "/v1/admin/agents", null, null, JsonNode.class);
          return a.path("agents").get(0).path("certificateNotAfterMillis").asLong() > firstNotAfter;
        });
    awaitHeartbeat();
  }
}
