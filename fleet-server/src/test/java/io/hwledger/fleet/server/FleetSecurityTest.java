package io.hwledger.fleet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.fleet.pki.AgentKeys;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.pki.FleetCa;
import io.hwledger.fleet.pki.FleetIdentity;
import io.hwledger.fleet.pki.TlsContexts;
import io.hwledger.fleet.protocol.CertificateResponse;
import io.hwledger.fleet.protocol.Heartbeat;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.RenewRequest;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.testsupport.StderrCapture;
import io.hwledger.testsupport.Verifies;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet's identity rules against a real server on loopback, over real TLS 1.3: each case a
 * request an attacker or a broken agent would make, refused.
 */
@Verifies({"FR-FLEET-004", "FR-FLEET-005", "FR-FLEET-006"})
class FleetSecurityTest {
  @TempDir Path dir;
  TestFleet fleet;

  @BeforeEach
  void start() throws Exception {
    fleet = new TestFleet(dir, FleetServerOptions.defaults(0));
  }

  @AfterEach
  void stop() {
    fleet.close();
  }

  private static Heartbeat beat() {
    return new Heartbeat(Protocol.VERSION, 1, System.currentTimeMillis());
  }

  @Test
  void enrollmentAssignsTheIdentityAndTheAgentCanThenCallItsOwnEndpoints() throws Exception {
    TestFleet.Enrolled agent = fleet.enroll(fleet.token(1, 3600));

    X509Certificate cert = agent.credential().certificate();
    FleetIdentity id = FleetIdentity.of(cert).orElseThrow();
    assertThat(id.role()).isEqualTo(FleetIdentity.Role.AGENT);
    assertThat(id.fleet()).isEqualTo("test.fleet");
    assertThat(id.name()).isEqualTo(agent.cert().agentId());
    assertThat(UUID.fromString(agent.cert().agentId()).toString())
        .isEqualTo(agent.cert().agentId());
    // 24 h by default, from the CA's notBefore margin of 5 minutes before now
    Duration lifetime =
        Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
    assertThat(lifetime).isEqualTo(Duration.ofHours(24).plusMinutes(5));

    JsonNode ack =
        agent.client().send("POST", agent.path("heartbeat"), beat(), null, JsonNode.class);
    assertThat(ack.path("serverTimeMillis").asLong()).isPositive();
  }

  @Test
  void aSingleUseTokenCannotBeUsedTwiceNorAnUnknownOne() {
    JoinString join = fleet.token(1, 3600);
    fleet.enroll(join);

    assertThatThrownBy(() -> fleet.enroll(join))
        .isInstanceOf(FleetClientException.class)
        .hasMessageContaining("401")
        .hasMessageNotContaining(join.token().substring(33));
    JoinString forged =
        new JoinString(join.server(), join.caPin(), join.token().substring(0, 33) + "A".repeat(43));
    assertThatThrownBy(() -> fleet.enroll(forged)).hasMessageContaining("401");
  }

  @Test
  void anExpiredTokenIsRefusedInOneLineLoggedWithoutTheSecretAndNotRecorded() throws Exception {
    // the server's clock, moved by the test: the token's 60 s pass without sleeping
    Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    MutableClock clock = new MutableClock(created);
    fleet.server.close();
    fleet.start(FleetServerOptions.defaults(0).withClock(clock));
    JoinString join = fleet.token(5, 60);
    String tokenId = join.token().substring(0, 32);
    String secret = join.token().substring(33);

    clock.advance(Duration.ofSeconds(59));
    fleet.enroll(join); // one second left: still works
    clock.advance(Duration.ofSeconds(1)); // created + 60 s: the TTL is over
    String reason = "join token " + tokenId + " expired at " + created.plusSeconds(60);
    try (StderrCapture log = StderrCapture.start()) {
      assertThatThrownBy(() -> fleet.enroll(join))
          .isInstanceOf(FleetClientException.class)
          .hasMessage("POST /v1/enroll: 401 " + reason);
      // logged once, with the caller's address and no secret
      List<String> lines =
          log.text().lines().filter(l -> l.contains("refused POST /v1/enroll")).toList();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0))
          .contains("from 127.0.0.1")
          .contains("(no client certificate): " + reason)
          .doesNotContain(secret);
      assertThat(log.text()).doesNotContain(secret);
    }
    // the refusal spent no use: 5 - 1 enrollment = 4
    assertThat(fleet.adminGet("tokens").path("tokens").get(0).path("usesLeft").asInt())
        .isEqualTo(4);

    // refusals are logged and counted, not recorded (ADR 0016): the ledger holds the token and
    // the one enrollment, nothing of the expired attempt
    fleet.server.close();
    List<String> types = new ArrayList<>();
    StringBuilder payloads = new StringBuilder();
    for (RecordedEvent e : fleet.recorded()) {
      types.add(e.type());
      payloads.append(new String(e.payload(), StandardCharsets.UTF_8));
    }
    // the first record is fleet init's operator credential, recorded at the server's first start
    assertThat(types)
        .containsExactly(
            "fleet.admin.issued",
            "fleet.token.created",
            "fleet.token.used",
            "fleet.agent.enrolled");
    assertThat(payloads.toString()).doesNotContain(secret);
    fleet.server = null;
  }

  @Test
  void aRevokedTokenIsRefused() {
    JoinString join = fleet.token(5, 3600);
    String id = join.token().substring(0, 32);
    fleet.admin.send("DELETE", "/v1/admin/tokens/" + id, null, null, JsonNode.class);

    assertThatThrownBy(() -> fleet.enroll(join)).hasMessageContaining("unknown or revoked");
  }

  @Test
  void aWrongPinAbortsTheHandshakeBeforeTheTokenIsSent() {
    JoinString join = fleet.token(1, 3600);
    JoinString wrongPin = new JoinString(join.server(), "sha256:" + "0".repeat(64), join.token());

    assertThatThrownBy(() -> fleet.enroll(wrongPin))
        .isInstanceOf(FleetClientException.class)
        .satisfies(e -> assertThat(((FleetClientException) e).status()).isZero());
    // the token was never presented, so it still works
    fleet.enroll(join);
  }

  @Test
  void theCsrsRequestedNameIsIgnored() throws Exception {
    TestFleet.Enrolled victim = fleet.enroll(fleet.token(1, 3600));
    TestFleet.Enrolled other = fleet.enroll(fleet.token(1, 3600));
    // the CSR's subject is always the generic one AgentKeys makes; the server assigns a new uuid
    assertThat(other.cert().agentId()).isNotEqualTo(victim.cert().agentId());
    assertThat(FleetIdentity.of(other.credential().certificate()).orElseThrow().name())
        .isEqualTo(other.cert().agentId());
  }

  @Test
  void requestsWithoutACertificateAreRefused() {
    FleetClient anonymous =
        FleetClient.of(fleet.server.url(), () -> null, fleet.adminCas(), TestFleet.TIMEOUT);
    TestFleet.Enrolled agent = fleet.enroll(fleet.token(1, 3600));

    assertThatThrownBy(
            () -> anonymous.send("POST", agent.path("heartbeat"), beat(), null, JsonNode.class))
        .hasMessageContaining("401")
        .hasMessageContaining("client certificate is required");
    assertThatThrownBy(() -> anonymous.send("GET", "/v1/admin/agents", null, null, JsonNode.class))
        .hasMessageContaining("401");
  }

  @Test
  void aCertificateFromAnotherCaFailsTheHandshake() {
    FleetCa foreign =
        FleetCa.create("test.fleet", Instant.now(), Duration.ofDays(365), new SecureRandom());
    KeyPair keys = AgentKeys.generate(new SecureRandom());
    UUID id = UUID.randomUUID();
    X509Certificate cert =
        foreign.issueAgent(AgentKeys.request(keys), id, Duration.ofHours(24), Instant.now());
    Credential credential = new Credential(keys.getPrivate(), List.of(cert));
    FleetClient impostor =
        FleetClient.of(fleet.server.url(), () -> credential, fleet.adminCas(), TestFleet.TIMEOUT);

    assertThatThrownBy(
            () ->
                impostor.send(
                    "POST", "/v1/agents/" + id + "/heartbeat", beat(), null, JsonNode.class))
        .isInstanceOf(FleetClientException.class)
        .satisfies(e -> assertThat(((FleetClientException) e).status()).isZero());
  }

  @Test
  void aCaInTheTrustDirectoryIsAcceptedSoACaCanBeRotated() throws Exception {
    FleetCa previous =
        FleetCa.create("test.fleet", Instant.now(), Duration.ofDays(365), new SecureRandom());
    KeyPair keys = AgentKeys.generate(new SecureRandom());
    // an operator's certificate from before the rotation, and from before operators were recorded
    // (FleetOperatorsTest covers that rule)
    X509Certificate cert =
        previous.issueAdmin(
            AgentKeys.request(keys),
            "ops",
            Duration.ofHours(2),
            Instant.now().minus(Duration.ofHours(1)));
    Credential credential = new Credential(keys.getPrivate(), List.of(cert));
    FleetClient before =
        FleetClient.of(fleet.server.url(), () -> credential, fleet.adminCas(), TestFleet.TIMEOUT);
    assertThatThrownBy(() -> before.send("GET", "/v1/admin/status", null, null, JsonNode.class))
        .satisfies(e -> assertThat(((FleetClientException) e).status()).isZero());

    java.nio.file.Files.writeString(
        fleet.home.dir().resolve("trust").resolve("previous.crt"),
        Certificates.toPem(previous.certificate()));
    fleet.server.close();
    fleet.start(FleetServerOptions.defaults(0));

    FleetClient after =
        FleetClient.of(fleet.server.url(), () -> credential, fleet.adminCas(), TestFleet.TIMEOUT);
    assertThat(
            after
                .send("GET", "/v1/admin/status", null, null, JsonNode.class)
                .path("fleet")
                .asText())
        .isEqualTo("test.fleet");
  }

  @Test
  void anExpiredCertificateFailsTheHandshake() throws Exception {
    FleetCa ca = fleet.home.ca(TestFleet.PASSPHRASE, new SecureRandom());
    KeyPair keys = AgentKeys.generate(new SecureRandom());
    // issued 3 h ago for 1 h: expired 2 h ago, well past the 5 minute skew margin
    X509Certificate cert =
        ca.issueAgent(
            AgentKeys.request(keys),
            UUID.randomUUID(),
            Duration.ofHours(1),
            Instant.now().minus(Duration.ofHours(3)));
    Credential credential = new Credential(keys.getPrivate(), List.of(cert));
    FleetClient expired =
        FleetClient.of(fleet.server.url(), () -> credential, fleet.adminCas(), TestFleet.TIMEOUT);

    assertThatThrownBy(() -> expired.send("GET", "/v1/admin/status", null, null, JsonNode.class))
        .satisfies(e -> assertThat(((FleetClientException) e).status()).isZero());
  }

  @Test
  void anAgentCannotActForAnotherAgentNorCallTheAdminApi() {
    TestFleet.Enrolled a = fleet.enroll(fleet.token(1, 3600));
    TestFleet.Enrolled b = fleet.enroll(fleet.token(1, 3600));

    assertThatThrownBy(
            () -> a.client().send("POST", b.path("heartbeat"), beat(), null, JsonNode.class))
        .hasMessageContaining("403")
        .hasMessageContaining("cannot act for agent " + b.cert().agentId());
    assertThatThrownBy(() -> a.client().send("GET", "/v1/admin/agents", null, null, JsonNode.class))
        .hasMessageContaining("403");
    assertThatThrownBy(
            () -> a.client().send("POST", "/v1/admin/tokens", null, null, JsonNode.class))
        .hasMessageContaining("403");
  }

  @Test
  void revocationTakesEffectAtOnceAndClosesTheOpenWatchStream() throws Exception {
    TestFleet.Enrolled agent = fleet.enroll(fleet.token(1, 3600));
    try (InputStream watch = agent.client().stream(agent.path("watch"))) {
      String first = TestFleet.readLine(watch);
      assertThat(first).contains("\"type\":\"SNAPSHOT\"");

      fleet.admin.send(
          "POST",
          "/v1/admin/agents/" + agent.cert().agentId() + "/revoke",
          null,
          null,
          JsonNode.class);

      // the stream ends: the server aborted it (bounded: the read ends with EOF or an error)
      assertThat(TestFleet.readToEnd(watch)).doesNotContain("SNAPSHOT");
    }
    assertThatThrownBy(
            () ->
                agent.client().send("POST", agent.path("heartbeat"), beat(), null, JsonNode.class))
        .hasMessageContaining("403")
        .hasMessageContaining("revoked");
  }

  @Test
  void renewalIssuesAFreshKeyAndTheOldSerialIsRefusedAfterItsGrace() throws Exception {
    TestFleet.Enrolled agent = fleet.enroll(fleet.token(1, 3600));
    KeyPair fresh = AgentKeys.generate(new SecureRandom());
    CertificateResponse renewed =
        agent
            .client()
            .send(
                "POST",
                Protocol.RENEW,
                new RenewRequest(
                    Protocol.VERSION, Base64.getEncoder().encodeToString(AgentKeys.request(fresh))),
                null,
                CertificateResponse.class);
    X509Certificate next = Certificates.parse(renewed.certificate()).get(0);
    assertThat(renewed.agentId()).isEqualTo(agent.cert().agentId());
    assertThat(next.getPublicKey()).isEqualTo(fresh.getPublic());
    assertThat(next.getSerialNumber())
        .isNotEqualTo(agent.credential().certificate().getSerialNumber());

    // inside the grace both work
    agent.client().send("POST", agent.path("heartbeat"), beat(), null, JsonNode.class);
    Credential nextCredential = new Credential(fresh.getPrivate(), List.of(next));
    FleetClient renewedClient =
        FleetClient.of(
            fleet.server.url(), () -> nextCredential, fleet.adminCas(), TestFleet.TIMEOUT);
    renewedClient.send("POST", agent.path("heartbeat"), beat(), null, JsonNode.class);

    // a server whose clock is past the grace refuses the old serial
    fleet.server.close();
    fleet.start(
        FleetServerOptions.defaults(0)
            .withClock(
                java.time.Clock.offset(
                    java.time.Clock.systemUTC(), FleetServer.RENEWAL_GRACE.plusMinutes(1))));
    FleetClient old =
        FleetClient.of(fleet.server.url(), agent::credential, fleet.adminCas(), TestFleet.TIMEOUT);
    assertThatThrownBy(
            () -> old.send("POST", agent.path("heartbeat"), beat(), null, JsonNode.class))
        .hasMessageContaining("superseded");
    FleetClient current =
        FleetClient.of(
            fleet.server.url(), () -> nextCredential, fleet.adminCas(), TestFleet.TIMEOUT);
    current.send("POST", agent.path("heartbeat"), beat(), null, JsonNode.class);
  }

  @Test
  void oversizedAndMalformedBodiesAreRefusedWithAReason() throws Exception {
    TestFleet.Enrolled agent = fleet.enroll(fleet.token(1, 3600));
    // the server answers from the declared length, before any of the body arrives
    String head =
        "POST "
            + agent.path("heartbeat")
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: "
            + (Protocol.MAX_BODY_BYTES + 1)
            + "\r\n\r\n";
    assertThat(rawExchange(agent.credential(), head))
        .startsWith("HTTP/1.1 413")
        .contains("over the limit of " + Protocol.MAX_BODY_BYTES);
    assertThatThrownBy(
            () ->
                agent
                    .client()
                    .send(
                        "POST",
                        agent.path("heartbeat"),
                        java.util.Map.of("v", 1, "seq", -5, "sentAtMillis", 0),
                        null,
                        JsonNode.class))
        .hasMessageContaining("400")
        .hasMessageContaining("seq must be at least 0");
    assertThatThrownBy(
            () ->
                agent
                    .client()
                    .send(
                        "POST",
                        agent.path("heartbeat"),
                        java.util.Map.of("v", 99, "seq", 1, "sentAtMillis", 0),
                        null,
                        JsonNode.class))
        .hasMessageContaining("protocol version 99 is not supported");
  }

  @Test
  void everyIdentityDecisionIsInTheLedgerWithoutSecrets() throws Exception {
    JoinString join = fleet.token(1, 3600);
    TestFleet.Enrolled agent = fleet.enroll(join);
    fleet.admin.send(
        "POST",
        "/v1/admin/agents/" + agent.cert().agentId() + "/revoke",
        null,
        null,
        JsonNode.class);
    fleet.server.close();

    List<String> types = new ArrayList<>();
    StringBuilder payloads = new StringBuilder();
    for (RecordedEvent e : fleet.recorded()) {
      types.add(e.type());
      payloads.append(new String(e.payload(), StandardCharsets.UTF_8));
    }
    assertThat(types)
        .containsExactly(
            "fleet.admin.issued", // fleet init's operator credential, recorded at the first start
            "fleet.token.created",
            "fleet.token.used",
            "fleet.agent.enrolled",
            "fleet.agent.revoked");
    assertThat(payloads.toString()).doesNotContain(join.token().substring(33));
    assertThat(Ledger.verify(fleet.home.ledgerDir()).ok()).isTrue();
    fleet.server = null;
  }

  private String rawExchange(Credential credential, String request) throws Exception {
    javax.net.ssl.SSLSocketFactory factory =
        TlsContexts.client(() -> credential, fleet.adminCas()).getSocketFactory();
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket) factory.createSocket("127.0.0.1", fleet.server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readNBytes(4096), StandardCharsets.UTF_8);
    } catch (java.net.SocketTimeoutException e) {
      return "";
    }
  }
}
