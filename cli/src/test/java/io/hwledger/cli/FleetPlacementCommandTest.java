package io.hwledger.cli;

import static io.hwledger.cli.InProcessFleet.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.pki.AgentKeys;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.pki.TlsContexts;
import io.hwledger.fleet.protocol.CertificateResponse;
import io.hwledger.fleet.protocol.EnrollRequest;
import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.Inventory;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.Telemetry;
import io.hwledger.fleet.server.FleetServer;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands over a fleet with one agent: enrolled with a join string from {@code fleet
 * token create}, reporting one H100 through the agent API as {@code hwledger agent} would.
 */
@Verifies({"FR-CLI-009", "FR-CLI-005"})
class FleetPlacementCommandTest {
  private static final String PASSPHRASE = "placement test passphrase";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** nvidia-smi's total for an H100 SXM 80GB: 81559 MiB. */
  private static final long H100_BYTES = 81_559L << 20;

  private static final String GPU_UUID = "GPU-11111111-2222-3333-4444-555555555555";

  @TempDir Path tmp;

  private FleetServer server;
  private Path admin;
  private String agentId;

  private Cli.Result fleet(String... args) {
    return InProcessFleet.fleet(admin, args);
  }

  @BeforeEach
  void fleetWithOneAgent() throws IOException {
    Path fleet = InProcessFleet.init(tmp.resolve("fleet"), PASSPHRASE, "placement.test");
    server = InProcessFleet.start(fleet, PASSPHRASE);
    admin = fleet.resolve("admin");

    Cli.Result token = fleet("token", "create", "--label", "pool=h100");
    assertThat(token.exitCode()).as(token.err()).isZero();
    JoinString join = JoinString.parse(token.out().strip());

    // The agent's side of enrollment: pin, key made here, CSR, certificate.
    KeyPair keys = AgentKeys.generate(new SecureRandom());
    FleetClient pinned = FleetClient.of(join.server(), TlsContexts.pinned(join.caPin()), TIMEOUT);
    HostFacts host = new HostFacts("gpu-host-7", "Linux", "amd64", 32, 256L << 30);
    CertificateResponse cert =
        pinned.send(
            "POST",
            Protocol.ENROLL,
            new EnrollRequest(
                Protocol.VERSION,
                Base64.getEncoder().encodeToString(AgentKeys.request(keys)),
                host,
                Map.of()),
            join.token(),
            CertificateResponse.class);
    agentId = cert.agentId();
    Credential credential =
        new Credential(keys.getPrivate(), Certificates.parse(cert.certificate()));
    FleetClient agent =
        FleetClient.of(
            server.url(), () -> credential, Certificates.read(admin.resolve("ca.crt")), TIMEOUT);
    String base = Protocol.AGENTS + agentId + "/";
    agent.send(
        "PUT",
        base + "inventory",
        new Inventory(
            Protocol.VERSION,
            host,
            List.of(
                new GpuInfo(
                    0,
                    GPU_UUID,
                    "NVIDIA H100 80GB HBM3",
                    "nvidia",
                    "nvml",
                    "00000000:18:00.0",
                    H100_BYTES,
                    false))),
        null,
        JsonNode.class);
    long used = 1L << 30; // 1 GiB held by something outside the fleet
    agent.send(
        "POST",
        base + "telemetry",
        new Telemetry(
            Protocol.VERSION,
            List.of(
                new GpuSample(
                    GPU_UUID,
                    System.currentTimeMillis(),
                    true,
                    used,
                    H100_BYTES - used,
                    3.0,
                    40.0,
                    90.0,
                    List.of()))),
        null,
        JsonNode.class);
  }

  @AfterEach
  void stopServer() {
    InProcessFleet.stop(server);
  }

  @Test
  void listsTheAgentAndItsGpu() throws IOException {
    Cli.Result agents = fleet("agents");
    assertThat(agents.exitCode()).as(agents.err()).isZero();
    String row = agents.out().lines().filter(l -> l.startsWith(agentId)).findFirst().orElseThrow();
    assertThat(row).contains("gpu-host-7").contains("ready").contains("pool=h100");

    Cli.Result gpus = fleet("gpus");
    assertThat(gpus.exitCode()).as(gpus.err()).isZero();
    String gpu = gpus.out().lines().filter(l -> l.contains(GPU_UUID)).findFirst().orElseThrow();
    // 81559 MiB = 79.65 GiB; 1 GiB used; 81559 - 1024 = 80535 MiB = 78.65 GiB free
    assertThat(gpu)
        .contains("gpu-host-7")
        .contains("NVIDIA H100 80GB HBM3")
        .contains("79.65 GiB")
        .contains("1.00 GiB")
        .contains("78.65 GiB")
        .contains("ok");

    JsonNode status = json(fleet("status", "--json").out());
    assertThat(status.path("agents").path("READY").asLong()).isEqualTo(1);
    assertThat(status.path("gpus").asLong()).isEqualTo(1);
  }

  @Test
  void submitPlacesAJobWhereItFitsAndRefusesOneThatNoLongerDoes() throws IOException {
    Cli.Result placed =
        fleet("submit", "--model", "llama-3.1-8b", "--engine", "vllm", "--context", "4K");

    assertThat(placed.exitCode()).as(placed.err()).isZero();
    assertThat(placed.err()).isEmpty();
    // vLLM takes gpu-memory-utilization (0.9 by default) of the CUDA-visible total, which the GPU
    // catalog gives for the reported H100 SXM (deviceQuery: 81079 MiB = 85017755648 B):
    // floor(0.9 x 85017755648 B) = 76515980083 B = 71.26 GiB.
    assertThat(placed.out())
        .matches(
            "job job-[0-9a-f]+ placed on agent "
                + agentId
                + ", GPU 0 \\(71\\.26 GiB claimed per GPU\\); 'hwledger fleet jobs' follows it\n");
    String jobId = placed.out().split(" ")[1];

    Cli.Result refused =
        fleet("submit", "--model", "llama-3.1-8b", "--engine", "vllm", "--context", "4K");
    assertThat(refused.exitCode()).isEqualTo(1);
    List<String> lines = refused.out().lines().toList();
    assertThat(lines.get(0)).matches("job job-[0-9a-f]+ refused: it fits nowhere");
    assertThat(lines).hasSize(2); // one candidate GPU, one reason
    assertThat(refused.err().lines()).hasSize(1);
    assertThat(refused.err()).contains("was refused (1 reason above)");

    Cli.Result jobs = fleet("jobs");
    String row = jobs.out().lines().filter(l -> l.startsWith(jobId)).findFirst().orElseThrow();
    assertThat(row).contains("placed").contains(agentId).contains("71.26 GiB");

    JsonNode listed = json(fleet("jobs", "--json").out());
    for (JsonNode j : listed.path("jobs")) {
      if (j.path("jobId").asText().equals(jobId)) {
        assertThat(j.path("claimBytesPerGpu").asLong()).isEqualTo(76_515_980_083L);
        assertThat(j.path("gpus").get(0).asInt()).isZero();
      }
    }
  }

  /**
   * {@code fleet submit --imatrix} sends the job's {@code imatrix} and the server plans the mix
   * llama.cpp makes with an importance matrix, as {@code plan --imatrix} does: for Llama 3.1 8B in
   * IQ4_XS, without one llama.cpp keeps the first eighth of ffn_down (4 of 32 layers of 14,336 x
   * 4,096) in Q5_K (176 bytes per 256) instead of IQ4_XS (136), 4 x 14,336 x 4,096 x 40 / 256 =
   * 36,700,160 bytes more, so llama.cpp's claim (the plan's bytes per GPU, weights included) is
   * that much larger for the job without.
   */
  @Test
  @Verifies("FR-PLAN-022")
  void submitImatrixPlansTheImatrixMix() throws IOException {
    String[] base = {
      "submit",
      "--model",
      "llama-3.1-8b",
      "--engine",
      "llamacpp",
      "--model-path",
      "/models/Llama-3.1-8B-Instruct-IQ4_XS.gguf",
      "--context",
      "4K",
      "--weights",
      "IQ4_XS",
      "--json"
    };
    Cli.Result withResult = fleet(append(base, "--imatrix"));
    Cli.Result withoutResult = fleet(base);
    assertThat(withResult.exitCode()).as(withResult.err()).isZero();
    assertThat(withoutResult.exitCode()).as(withoutResult.err()).isZero();
    JsonNode with = json(withResult.out());
    JsonNode without = json(withoutResult.out());
    assertThat(with.path("agentId").asText()).isEqualTo(agentId);
    assertThat(without.path("agentId").asText()).isEqualTo(agentId);
    long withClaim = -1;
    long withoutClaim = -1;
    for (JsonNode j : json(fleet("jobs", "--json").out()).path("jobs")) {
      if (j.path("jobId").asText().equals(with.path("jobId").asText())) {
        withClaim = j.path("claimBytesPerGpu").asLong();
      } else if (j.path("jobId").asText().equals(without.path("jobId").asText())) {
        withoutClaim = j.path("claimBytesPerGpu").asLong();
      }
    }
    assertThat(withClaim).isPositive();
    assertThat(withoutClaim - withClaim).isEqualTo(36_700_160L);

    // a lone --imatrix, or one with a format, is refused before anything is sent
    Cli.Result lone =
        fleet(
            "submit",
            "--model",
            "llama-3.1-8b",
            "--engine",
            "llamacpp",
            "--context",
            "4K",
            "--imatrix");
    assertThat(lone.exitCode()).isEqualTo(2);
    assertThat(lone.err().lines()).hasSize(1);
    assertThat(lone.err())
        .startsWith(
            "hwledger: --imatrix applies to a llama.cpp file type: name one with --weights");
    Cli.Result format =
        fleet(
            "submit",
            "--model",
            "llama-3.1-8b",
            "--engine",
            "llamacpp",
            "--context",
            "4K",
            "--weights",
            "bf16",
            "--imatrix");
    assertThat(format.exitCode()).isEqualTo(2);
    assertThat(format.err()).isEqualTo(lone.err());
  }

  private static String[] append(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void revokeTakesTheAgentOutOfTheFleet() throws IOException {
    Cli.Result revoke = fleet("revoke", agentId.toUpperCase(java.util.Locale.ROOT));

    assertThat(revoke.exitCode()).as(revoke.err()).isZero();
    assertThat(revoke.out()).contains("revoked agent " + agentId);
    JsonNode status = json(fleet("status", "--json").out());
    assertThat(status.path("agents").path("REVOKED").asLong()).isEqualTo(1);
    assertThat(status.path("agents").path("READY").asLong()).isZero();
    String row =
        fleet("agents").out().lines().filter(l -> l.startsWith(agentId)).findFirst().orElseThrow();
    assertThat(row).contains("revoked");
  }
}
