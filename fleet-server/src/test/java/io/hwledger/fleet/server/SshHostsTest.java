package io.hwledger.fleet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.Inventory;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.SshTargetRequest;
import io.hwledger.fleet.ssh.HostProbe;
import io.hwledger.fleet.ssh.PublicKeys;
import io.hwledger.fleet.ssh.SshPolling;
import io.hwledger.fleet.ssh.fixtures.KeyFiles;
import io.hwledger.fleet.ssh.fixtures.RecordedHosts;
import io.hwledger.fleet.ssh.fixtures.RecordedSshServer;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.testsupport.Await;
import io.hwledger.testsupport.Verifies;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSH hosts in a real fleet server: admin requests over mutual TLS, the host a real loopback SSH
 * server answering recorded outputs, the outcome read from the admin API and the ledger.
 */
@Verifies("FR-FLEET-044")
class SshHostsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final SshPolling FAST =
      new SshPolling(Duration.ofMillis(200), 4, Duration.ofSeconds(10), Duration.ofSeconds(1));
  private static final String H100_UUID = "GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f";
  private static final String A100_UUID = "GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

  @TempDir Path dir;
  private TestFleet fleet;
  private RecordedSshServer host;
  private KeyPair client;
  private Path keyFile;
  private Path knownHosts;
  private String address;

  @BeforeEach
  void start() throws Exception {
    fleet = new TestFleet(dir.resolve("fleet"), FleetServerOptions.defaults(0).withSsh(FAST));
    client = KeyFiles.ed25519();
    keyFile = KeyFiles.writeOpenSsh(client, dir.resolve("id_fleet"));
    host = RecordedSshServer.start(client.getPublic());
    RecordedHosts.linux(host, "lab-3");
    RecordedHosts.nvidia(host, "h100-a100.csv");
    knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, host.knownHostsLine() + "\n");
    address = "me@127.0.0.1:" + host.port();
  }

  @AfterEach
  void stop() throws Exception {
    fleet.close();
    host.close();
  }

  private JsonNode add(boolean acceptNew) {
    return fleet.admin.send(
        "POST",
        "/v1/admin/ssh",
        new SshTargetRequest(
            Protocol.VERSION,
            address,
            keyFile.toString(),
            List.of(),
            acceptNew ? null : knownHosts.toString(),
            acceptNew),
        null,
        JsonNode.class);
  }

  private JsonNode test() {
    return fleet.admin.send(
        "POST",
        "/v1/admin/ssh/" + URLEncoder.encode(address, StandardCharsets.UTF_8) + "/test",
        null,
        null,
        JsonNode.class);
  }

  private List<JsonNode> gpus(String source) {
    List<JsonNode> out = new ArrayList<>();
    fleet
        .adminGet("gpus")
        .path("gpus")
        .forEach(
            g -> {
              if (g.path("source").asText().equals(source)) {
                out.add(g);
              }
            });
    return out;
  }

  private JsonNode listed() {
    return fleet.adminGet("ssh").path("hosts").get(0);
  }

  private List<RecordedEvent> events(String type) {
    return fleet.recorded().stream().filter(e -> e.type().equals(type)).toList();
  }

  @Test
  void anSshHostsGpusShowInTheFleetWithLiveFigures() throws Exception {
    assertThat(add(false).path("address").asText()).isEqualTo(address);

    Await.until(
        "the SSH host's GPUs with their readings",
        WAIT,
        () -> gpus("ssh").size() == 2 && gpus("ssh").get(0).has("usedBytes"));
    JsonNode h100 = gpus("ssh").get(0);
    assertThat(h100.path("uuid").asText()).isEqualTo(H100_UUID);
    assertThat(h100.path("hostname").asText()).isEqualTo("lab-3");
    assertThat(h100.path("address").asText()).isEqualTo(address);
    assertThat(h100.path("totalBytes").asLong()).isEqualTo(85_520_809_984L); // 81,559 MiB
    assertThat(h100.path("usedBytes").asLong()).isEqualTo(10_737_418_240L); // 10,240 MiB
    assertThat(h100.path("backend").asText()).isEqualTo("nvidia-smi");
    assertThat(listed().path("state").asText()).isEqualTo("ok");
    assertThat(listed().path("gpus").asInt()).isEqualTo(2);
    assertThat(fleet.adminGet("status").path("sshHosts").asInt()).isEqualTo(1);

    // live: the next polls read what the host prints now (the H100 at 40,960 MiB used)
    host.answer(
        HostProbe.NVIDIA_GPUS,
        "0, " + H100_UUID + ", NVIDIA H100 80GB HBM3, 81559, 40960, 40058, 99, 70, 650.00\n",
        0);
    Await.until(
        "the new reading",
        WAIT,
        () ->
            gpus("ssh").size() == 1
                && gpus("ssh").get(0).path("usedBytes").asLong() == 42_949_672_960L);

    // one inventory event per change (2 GPUs, then 1), no event per poll; one session throughout
    assertThat(events(FleetEvents.SSH_ADDED)).hasSize(1);
    assertThat(events(FleetEvents.SSH_INVENTORY)).hasSize(2);
    assertThat(events(FleetEvents.SSH_STATE)).hasSize(1);
    assertThat(host.sessionsOpened()).isEqualTo(1);
    assertThat(fleet.recorded().toString()).doesNotContain("BEGIN", "PRIVATE");
  }

  @Test
  void acceptNewRecordsTheFirstKeyAndAChangedKeyIsRefusedRecordedAndRemembered() throws Exception {
    add(true);
    Await.until("the first poll", WAIT, () -> listed().path("state").asText().equals("ok"));
    List<RecordedEvent> learned = events(FleetEvents.SSH_HOSTKEY_LEARNED);
    assertThat(learned).hasSize(1);
    assertThat(learned.get(0).payloadJson())
        .contains("\"hostPort\":\"127.0.0.1:" + host.port() + "\"")
        .contains(PublicKeys.fingerprint(host.hostKey()));

    KeyPair other = KeyFiles.ed25519();
    host.replaceHostKeys(other);
    host.dropSessions();
    Await.until("the refusal", WAIT, () -> listed().path("state").asText().equals("failing"));
    assertThat(listed().path("failure").asText()).isEqualTo("CHANGED_HOST_KEY");
    Await.until(
        "the refusal in the ledger",
        WAIT,
        () -> events(FleetEvents.SSH_HOSTKEY_REFUSED).size() == 1);
    assertThat(events(FleetEvents.SSH_HOSTKEY_REFUSED).get(0).payloadJson())
        .contains(PublicKeys.fingerprint(other.getPublic()));
    assertThat(gpus("ssh")).as("its last inventory still lists the GPUs").hasSize(2);

    // a restarted server replays the learned key: the changed key is still refused, and its
    // refusal, already recorded, is not recorded again
    fleet.server.close();
    fleet.start(FleetServerOptions.defaults(0).withSsh(FAST));
    JsonNode t = test();
    assertThat(t.path("ok").asBoolean()).isFalse();
    assertThat(t.path("failure").asText()).isEqualTo("CHANGED_HOST_KEY");
    assertThat(events(FleetEvents.SSH_HOSTKEY_REFUSED)).hasSize(1);
    assertThat(events(FleetEvents.SSH_HOSTKEY_LEARNED)).hasSize(1);
  }

  @Test
  void anUnknownHostKeyIsRefusedUnderStrictChecking() throws Exception {
    Files.writeString(knownHosts, "");
    add(false);

    JsonNode t = test();

    assertThat(t.path("ok").asBoolean()).isFalse();
    assertThat(t.path("failure").asText()).isEqualTo("UNKNOWN_HOST_KEY");
    assertThat(t.path("message").asText()).contains(PublicKeys.fingerprint(host.hostKey()));
    assertThat(host.authAttempts()).as("refused before authenticating").isZero();
    assertThat(events(FleetEvents.SSH_HOSTKEY_REFUSED)).hasSize(1);
    assertThat(gpus("ssh")).isEmpty();
  }

  @Test
  void aWrongClientKeyIsRefused() throws Exception {
    keyFile = KeyFiles.writeOpenSsh(KeyFiles.ed25519(), dir.resolve("id_other"));
    add(false);

    JsonNode t = test();

    assertThat(t.path("failure").asText()).isEqualTo("AUTHENTICATION");
    assertThat(t.path("message").asText()).doesNotContain("PRIVATE");
    // the failure is recorded once, however often the host is polled
    Await.until("the failure recorded", WAIT, () -> !events(FleetEvents.SSH_STATE).isEmpty());
    assertThat(listed().path("failure").asText()).isEqualTo("AUTHENTICATION");
    assertThat(events(FleetEvents.SSH_STATE))
        .singleElement()
        .extracting(RecordedEvent::payloadJson)
        .asString()
        .contains("\"state\":\"failing\"", "\"failure\":\"AUTHENTICATION\"");
  }

  @Test
  void aGpuAnAgentAlsoReportsIsTheAgentsAndKeepsItsIdentity() throws Exception {
    add(false);
    Await.until("the SSH host's GPUs", WAIT, () -> gpus("ssh").size() == 2);

    // an agent is installed on the host: it reports the H100 under the same UUID
    TestFleet.Enrolled agent = fleet.enroll(fleet.token(1, 3600));
    agent
        .client()
        .send(
            "PUT",
            agent.path("inventory"),
            new Inventory(
                Protocol.VERSION,
                new HostFacts("lab-3", "Linux", "amd64", 64, 1L << 39),
                List.of(
                    new GpuInfo(
                        0,
                        H100_UUID,
                        "NVIDIA H100 80GB HBM3",
                        "nvidia",
                        "nvml",
                        null,
                        85_520_809_984L,
                        false))),
            null,
            JsonNode.class);

    List<JsonNode> all = new ArrayList<>();
    fleet.adminGet("gpus").path("gpus").forEach(all::add);
    assertThat(all)
        .extracting(g -> g.path("uuid").asText() + " " + g.path("source").asText())
        .containsExactly(H100_UUID + " agent", A100_UUID + " ssh");
    assertThat(listed().path("coveredByAgent").asText()).isEqualTo(agent.cert().agentId());
  }

  @Test
  void aJobIsReportedAgainstTheSshHostsGpusButNotPlacedThere() throws Exception {
    add(false);
    Await.until(
        "a reading of the SSH host's GPUs",
        WAIT,
        () -> gpus("ssh").size() == 2 && gpus("ssh").get(1).has("freeBytes"));

    JsonNode answer =
        fleet.admin.send("POST", "/v1/admin/jobs", TestFleet.vllm(), null, JsonNode.class);

    assertThat(answer.path("state").asText()).isEqualTo("REFUSED");
    List<String> observed = new ArrayList<>();
    answer.path("observed").forEach(o -> observed.add(o.asText()));
    // vLLM claims 0.9 of a GPU up front: on the H100 0.9 × 81,559 MiB = 73,403 MiB, more than
    // its 70,778 MiB measured free; on the A100 0.9 × 40,960 MiB = 36,864 MiB, within its
    // 40,536 MiB free: the job would fit on GPU 1
    assertThat(observed)
        .containsExactly(
            "SSH host " + address + ": would fit on GPU 1 (observed over SSH; jobs run on agents)");
    assertThat(fleet.adminGet("jobs").path("jobs").get(0).has("agentId")).isFalse();
  }

  @Test
  void hostsAreAddedOnceRemovedAndReplayed() throws Exception {
    add(false);
    assertThat(add(false).path("error").asText())
        .isEqualTo("SSH host " + address + " is already polled");
    assertThatThrownBy(
            () ->
                fleet.admin.send(
                    "POST",
                    "/v1/admin/ssh",
                    new SshTargetRequest(
                        Protocol.VERSION, "-oProxyCommand=x@h", null, null, null, false),
                    null,
                    JsonNode.class))
        .isInstanceOf(FleetClientException.class)
        .hasMessageContaining("400")
        .hasMessageContaining("not a valid user name");

    fleet.server.close();
    fleet.start(FleetServerOptions.defaults(0).withSsh(FAST));
    assertThat(listed().path("address").asText()).as("replayed").isEqualTo(address);

    fleet.admin.send(
        "DELETE",
        "/v1/admin/ssh/" + URLEncoder.encode(address, StandardCharsets.UTF_8),
        null,
        null,
        JsonNode.class);
    assertThat(fleet.adminGet("ssh").path("hosts")).isEmpty();
    assertThat(gpus("ssh")).isEmpty();
    assertThat(events(FleetEvents.SSH_REMOVED)).hasSize(1);
    assertThatThrownBy(
            () -> fleet.admin.send("POST", "/v1/admin/ssh/a/b/test", null, null, JsonNode.class))
        .isInstanceOf(FleetClientException.class)
        .hasMessageContaining("404");
    assertThatThrownBy(
            () ->
                fleet.admin.send(
                    "DELETE",
                    "/v1/admin/ssh/" + URLEncoder.encode(address, StandardCharsets.UTF_8),
                    null,
                    null,
                    JsonNode.class))
        .isInstanceOf(FleetClientException.class)
        .hasMessageContaining("404");
  }

  @Test
  void anAmdIntegratedGpuAndAnNvidiaCardOnOneHostAreBothListed() throws Exception {
    RecordedHosts.nvidia(host, "geforce-power-na.csv");
    RecordedHosts.rocm(host, "rocm-smi-6.2-phoenix.json");
    add(false);

    Await.until("both GPUs", WAIT, () -> gpus("ssh").size() == 2);

    assertThat(gpus("ssh"))
        .extracting(g -> g.path("vendor").asText() + " " + g.path("name").asText())
        .containsExactly("nvidia NVIDIA GeForce GTX 1660 Ti", "amd Phoenix3");
  }

  @Test
  void aDriverInstalledAfterTheHostWasAddedIsFoundOnALaterPoll() throws Exception {
    RecordedHosts.nvidiaWithoutDriver(host);
    add(false);
    Await.until("a poll", WAIT, () -> listed().path("state").asText().equals("ok"));
    assertThat(gpus("ssh")).isEmpty();
    assertThat(listed().path("notes").get(0).asText())
        .startsWith("nvidia-smi: exited 9: NVIDIA-SMI has failed");

    RecordedHosts.nvidia(host, "h100-a100.csv");

    Await.until("the GPUs after the driver came", WAIT, () -> gpus("ssh").size() == 2);
    assertThat(listed().path("notes")).isEmpty();
  }

  @Test
  void aHostBehindAJumpHostIsReadThroughIt() throws Exception {
    try (RecordedSshServer bastion =
        RecordedSshServer.builder().authorize(client.getPublic()).forwarding().start()) {
      Files.writeString(knownHosts, host.knownHostsLine() + "\n" + bastion.knownHostsLine() + "\n");
      fleet.admin.send(
          "POST",
          "/v1/admin/ssh",
          new SshTargetRequest(
              Protocol.VERSION,
              address,
              keyFile.toString(),
              List.of("jump@127.0.0.1:" + bastion.port()),
              knownHosts.toString(),
              false),
          null,
          JsonNode.class);

      Await.until("the GPUs behind the jump host", WAIT, () -> gpus("ssh").size() == 2);
      assertThat(listed().path("jumps").get(0).asText())
          .isEqualTo("jump@127.0.0.1:" + bastion.port());
      assertThat(bastion.sessionsOpened()).isEqualTo(1);
    }
  }
}
