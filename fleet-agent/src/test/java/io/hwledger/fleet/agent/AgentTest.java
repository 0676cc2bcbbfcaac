package io.hwledger.fleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.hwledger.testsupport.Await;
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

  /** What the fake engine holds on its GPU, bytes: the "measured" side of reconciliation. */
  private static final long HOLD = 31_000_000_000L;

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
            home,
            PASSPHRASE,
            null,
            FleetServerOptions.defaults(0)
                .withBindAddress("127.0.0.1")
                .withReconcileAfter(Duration.ZERO));
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

  private static final HostFacts HOST = new HostFacts("host-a", "Linux", "amd64", 4, 1L << 34);

  private AgentIdentity join(JoinString join) throws IOException {
    return AgentIdentity.join(
        join, dir.resolve("agent"), HOST, Map.of(), TIMEOUT, Clock.systemUTC());
  }

  private Agent startAgent(AgentIdentity identity, Clock clock) throws IOException {
    return startAgent(identity, clock, AgentOptions.defaults().renewAt());
  }

  private Agent startAgent(AgentIdentity identity, Clock clock, double renewAt) throws IOException {
    AgentOptions options =
        AgentOptions.defaults()
            .withIntervals(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(200));
    options =
        options
            .withClock(clock)
            .withRenewAt(renewAt)
            .withJobEnvironment(Map.of("FAKE_ENGINE_HOLD_BYTES", Long.toString(HOLD)));
    Path engine = Path.of(System.getProperty("hwledger.test.fakeEngine"));
    return Agent.start(
        identity,
        new HostGpus(GpuBackends.discover(), clock),
        HOST,
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

  private static void await(String what, BooleanSupplier condition) {
    Await.until(what, Duration.ofSeconds(30), condition);
  }

  @Test
  void anEnrolledAgentReportsEveryGpuWithItsReadings() throws Exception {
    AgentIdentity identity = join(token());
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
    join(token());
    JoinString second = token();
    assertThatThrownBy(() -> join(second)).hasMessageContaining("already holds an agent identity");
  }

  @Test
  void theAgentRenewsItsCertificateWithAFreshKeyWithoutARestart() throws Exception {
    AgentIdentity identity = join(token());
    BigInteger first = identity.credential().certificate().getSerialNumber();
    java.security.PublicKey firstKey = identity.credential().certificate().getPublicKey();
    // renewing at 0.04 % of a 24 h 5 min life (35 s instead of 14.5 h) from its notBefore, which
    // the CA backdates 5 minutes: the first renewal is due at once, the next one 35 s later
    agent = startAgent(identity, Clock.systemUTC(), 0.0004);

    await(
        "a renewed certificate",
        () -> !agent.identity().credential().certificate().getSerialNumber().equals(first));
    Credential onDisk = Credential.load(dir.resolve("agent"), "agent");
    assertThat(onDisk.certificate().getSerialNumber())
        .isEqualTo(agent.identity().credential().certificate().getSerialNumber());
    assertThat(onDisk.certificate().getPublicKey()).isNotEqualTo(firstKey);
    // the server now holds the new certificate for this agent, and the running agent uses it
    String renewedSerial = onDisk.certificate().getSerialNumber().toString(16);
    await(
        "the server's record of the renewal",
        () -> {
          JsonNode a = admin.send("GET", "/v1/admin/agents", null, null, JsonNode.class);
          return a.path("agents").get(0).path("certificateSerial").asText().equals(renewedSerial);
        });
    awaitHeartbeat();
  }

  @Test
  void aJobIsPlacedWhereItsPlanFitsMeasuredMemoryRunsAndIsReconciled() throws Exception {
    AgentIdentity identity = join(token());
    agent = startAgent(identity, Clock.systemUTC());
    await(
        "both GPUs measured",
        () -> {
          JsonNode g = admin.send("GET", "/v1/admin/gpus", null, null, JsonNode.class);
          return g.path("gpus").size() == 2
              && g.path("gpus").get(0).has("freeBytes")
              && g.path("gpus").get(1).has("freeBytes");
        });

    JobSpec spec =
        new JobSpec(
            Protocol.VERSION,
            "llama-3.1-8b",
            null,
            null,
            null,
            "vllm",
            Map.of(),
            8192,
            1,
            null,
            null,
            1,
            null);
    JsonNode placed = admin.send("POST", "/v1/admin/jobs", spec, null, JsonNode.class);

    // vLLM claims 0.9 of a GPU's CUDA-visible total (the reported total less the catalog's
    // reservation for that GPU, FR-FLEET-047). The H100 (85 520 809 984 B reported, deviceQuery
    // 85 017 755 648 B) would need floor(0.9 x 85 017 755 648) = 76 515 980 083 B, but the fake
    // library reports 10 GiB used by other processes there and 566 231 040 B reserved:
    // 85 520 809 984 - 566 231 040 - 10 737 418 240 = 74 217 160 704 B free, too little. The
    // A100-SXM4-40GB (42 949 672 960 B reported, deviceQuery 42 298 834 944 B) needs
    // floor(0.9 x 42 298 834 944) = 38 068 951 449 B and has
    // 42 949 672 960 - 419 430 400 = 42 530 242 560 B free.
    assertThat(placed.path("state").asText()).isEqualTo("PLACED");
    String jobId = placed.path("jobId").asText();
    JsonNode job = jobView(jobId);
    assertThat(job.path("gpus").get(0).asInt()).isEqualTo(1);
    assertThat(job.path("claimBytesPerGpu").asLong()).isEqualTo(38_068_951_449L);

    await("the job running", () -> jobView(jobId).path("state").asText().equals("RUNNING"));
    await(
        "its memory reconciled",
        () -> {
          JsonNode a = admin.send("GET", "/v1/admin/accuracy", null, null, JsonNode.class);
          return a.path("groups").size() == 1;
        });
    JsonNode group =
        admin.send("GET", "/v1/admin/accuracy", null, null, JsonNode.class).path("groups").get(0);
    assertThat(group.path("engine").asText()).isEqualTo("vllm");
    assertThat(group.path("model").asText()).isEqualTo("llama-3.1-8b");
    JsonNode row = group.path("reconciliations").get(0);
    assertThat(row.path("predictedBytes").asLong()).isEqualTo(38_068_951_449L);
    assertThat(row.path("measuredBytes").asLong()).isEqualTo(HOLD);

    // a second such job fits nowhere now: the A100 is claimed and measured nearly full
    JsonNode refused = admin.send("POST", "/v1/admin/jobs", spec, null, JsonNode.class);
    assertThat(refused.path("state").asText()).isEqualTo("REFUSED");
    assertThat(refused.path("reasons").toString())
        .contains("NVIDIA H100 80GB HBM3")
        .contains("NVIDIA A100-SXM4-40GB");

    admin.send("POST", "/v1/admin/jobs/" + jobId + "/cancel", null, null, JsonNode.class);
    await("the job cancelled", () -> jobView(jobId).path("state").asText().equals("CANCELLED"));
  }

  private JsonNode jobView(String jobId) {
    JsonNode jobs = admin.send("GET", "/v1/admin/jobs", null, null, JsonNode.class);
    for (JsonNode j : jobs.path("jobs")) {
      if (j.path("jobId").asText().equals(jobId)) {
        return j;
      }
    }
    throw new AssertionError("no job " + jobId + " in " + jobs);
  }
}
