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
import io.hwledger.fleet.protocol.OperatorRequest;
import io.hwledger.fleet.protocol.OperatorResponse;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operators' certificates against a real server on loopback, over real TLS 1.3: issued for a key
 * made by the caller, listed, revoked by name, and checked against their record on every request.
 */
@Verifies("FR-FLEET-015")
class FleetOperatorsTest {
  private static final String OPERATORS = "/v1/admin/operators";

  @TempDir Path dir;
  TestFleet fleet;
  final SecureRandom random = new SecureRandom();

  @BeforeEach
  void start() throws Exception {
    fleet = new TestFleet(dir, FleetServerOptions.defaults(0));
  }

  @AfterEach
  void stop() {
    fleet.close();
  }

  /** An operator: its key (made here), the certificate the server issued and a client using it. */
  record Operator(
      KeyPair keys, OperatorResponse answer, Credential credential, FleetClient client) {
    X509Certificate certificate() {
      return credential.certificate();
    }
  }

  private Operator issue(FleetClient by, String name, Duration lifetime) {
    KeyPair keys = AgentKeys.generate(random);
    OperatorResponse answer =
        by.send(
            "POST",
            OPERATORS,
            new OperatorRequest(
                Protocol.VERSION,
                name,
                Base64.getEncoder().encodeToString(AgentKeys.request(keys)),
                lifetime.toSeconds()),
            null,
            OperatorResponse.class);
    Credential credential =
        new Credential(keys.getPrivate(), Certificates.parse(answer.certificate()));
    return new Operator(keys, answer, credential, client(credential));
  }

  private FleetClient client(Credential credential) {
    return FleetClient.of(
        fleet.server.url(), () -> credential, fleet.adminCas(), TestFleet.TIMEOUT);
  }

  private static JsonNode get(FleetClient client, String path) {
    return client.send("GET", path, null, null, JsonNode.class);
  }

  /**
   * Revokes {@code name}. The client hands back a 409's body (it carries a refused job's reasons),
   * so a refusal with an error is thrown here as the other refusals are.
   */
  private static void revoke(FleetClient by, String name) {
    JsonNode answer =
        by.send("POST", OPERATORS + "/" + name + "/revoke", null, null, JsonNode.class);
    if (answer.has("error")) {
      throw new FleetClientException(409, "409 " + answer.path("error").asText(), null);
    }
  }

  /** The operators the server lists, by name. */
  private Map<String, JsonNode> operators() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    get(fleet.admin, OPERATORS).path("operators").forEach(o -> out.put(o.path("name").asText(), o));
    return out;
  }

  private static int status(Throwable e) {
    return ((FleetClientException) e).status();
  }

  @Test
  void anIssuedOperatorHasTheNameAndLifetimeAskedForAndCanCallTheAdminApi() {
    Operator alice = issue(fleet.admin, "alice", Duration.ofDays(30));

    FleetIdentity id = FleetIdentity.of(alice.certificate()).orElseThrow();
    assertThat(id.role()).isEqualTo(FleetIdentity.Role.ADMIN);
    assertThat(id.fleet()).isEqualTo("test.fleet");
    assertThat(id.name()).isEqualTo("alice");
    assertThat(alice.answer().serial()).isEqualTo(id.serialHex());
    // the key made here, never sent: the certificate is for its public half
    assertThat(alice.certificate().getPublicKey()).isEqualTo(alice.keys().getPublic());
    // 30 days from now, starting 5 minutes early for clocks behind (FleetCa.CLOCK_SKEW)
    assertThat(
            Duration.between(
                alice.certificate().getNotBefore().toInstant(),
                alice.certificate().getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(30).plusMinutes(5));

    assertThat(get(alice.client(), "/v1/admin/status").path("fleet").asText())
        .isEqualTo("test.fleet");
    Map<String, JsonNode> listed = operators();
    // fleet init's credential, recorded at the server's first start, and alice
    assertThat(listed.keySet()).containsExactly("admin", "alice");
    assertThat(listed.get("alice").path("serial").asText()).isEqualTo(id.serialHex());
    assertThat(listed.get("alice").path("notAfterMillis").asLong())
        .isEqualTo(alice.certificate().getNotAfter().getTime());
    assertThat(listed.get("alice").path("revoked").asBoolean()).isFalse();
    assertThat(listed.get("alice").path("by").asText()).isEqualTo("admin");
    assertThat(listed.get("admin").path("by").asText()).isEqualTo("DIR/admin");
  }

  @Test
  void aRevokedOperatorIsRefusedOnItsNextRequestOverTheConnectionItAlreadyHolds() {
    Operator alice = issue(fleet.admin, "alice", Duration.ofDays(1));
    // alice's client keeps its TLS connection open between requests (HTTP/1.1 keep-alive)
    get(alice.client(), "/v1/admin/status");

    revoke(fleet.admin, "alice");

    // 403, not a failed handshake: the certificate is still the CA's, valid and unexpired; only
    // the record says it is revoked, and it is read on every request, on open connections too
    assertThatThrownBy(() -> get(alice.client(), "/v1/admin/status"))
        .satisfies(e -> assertThat(status(e)).isEqualTo(403))
        .hasMessageContaining("operator alice is revoked");
    assertThatThrownBy(() -> issue(alice.client(), "alice", Duration.ofDays(1)))
        .satisfies(e -> assertThat(status(e)).isEqualTo(403));
    assertThat(operators().get("alice").path("revoked").asBoolean()).isTrue();
  }

  @Test
  void revokingTheLastActiveOperatorIsRefusedSoTheFleetIsNeverLockedOut() {
    assertThatThrownBy(() -> revoke(fleet.admin, "admin"))
        .satisfies(e -> assertThat(status(e)).isEqualTo(409))
        .hasMessageContaining("operator admin is the last active operator");
    assertThat(operators().get("admin").path("revoked").asBoolean()).isFalse();

    Operator alice = issue(fleet.admin, "alice", Duration.ofDays(1));
    revoke(fleet.admin, "admin"); // alice is left
    assertThatThrownBy(() -> get(fleet.admin, "/v1/admin/status"))
        .satisfies(e -> assertThat(status(e)).isEqualTo(403));

    assertThatThrownBy(() -> revoke(alice.client(), "alice"))
        .satisfies(e -> assertThat(status(e)).isEqualTo(409))
        .hasMessageContaining("last active operator");
    get(alice.client(), "/v1/admin/status");
  }

  @Test
  void aRequestWhoseKeyDidNotSignItIsRefused() throws Exception {
    KeyPair keys = AgentKeys.generate(random);
    KeyPair thief = AgentKeys.generate(random);
    // asks for a certificate of keys' public half, signed with another key: no proof of possession
    byte[] forged =
        new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=x"), keys.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(thief.getPrivate()))
            .getEncoded();
    long before = get(fleet.admin, "/v1/admin/status").path("ledgerSize").asLong();

    assertThatThrownBy(
            () ->
                fleet.admin.send(
                    "POST",
                    OPERATORS,
                    new OperatorRequest(
                        Protocol.VERSION,
                        "mallory",
                        Base64.getEncoder().encodeToString(forged),
                        3600),
                    null,
                    JsonNode.class))
        .satisfies(e -> assertThat(status(e)).isEqualTo(400))
        .hasMessageContaining("not signed by its own key");
    assertThat(get(fleet.admin, "/v1/admin/status").path("ledgerSize").asLong()).isEqualTo(before);
    assertThat(operators()).doesNotContainKey("mallory");
  }

  @Test
  void theNameAndTheLifetimeAreValidated() {
    for (String name : List.of("Alice", "../admin", "a b", "a/b", "\u202eadmin")) {
      assertThatThrownBy(() -> issue(fleet.admin, name, Duration.ofDays(1)))
          .as(name)
          .satisfies(e -> assertThat(status(e)).isEqualTo(400))
          .hasMessageContaining("an admin name is 1 to 63 lower-case letters");
    }
    // too long for the request itself, sent as raw JSON
    String csr = Base64.getEncoder().encodeToString(AgentKeys.request(AgentKeys.generate(random)));
    assertThatThrownBy(
            () ->
                fleet.admin.send(
                    "POST",
                    OPERATORS,
                    Map.of("v", 1, "name", "x".repeat(64), "csr", csr, "lifetimeSeconds", 3600),
                    null,
                    JsonNode.class))
        .satisfies(e -> assertThat(status(e)).isEqualTo(400))
        .hasMessageContaining("name must be 1 to 63 characters");
    assertThatThrownBy(() -> issue(fleet.admin, "bob", Duration.ofDays(398)))
        .satisfies(e -> assertThat(status(e)).isEqualTo(400))
        .hasMessageContaining("1 hour to 397 days");
    assertThatThrownBy(() -> issue(fleet.admin, "bob", Duration.ofMinutes(59)))
        .hasMessageContaining("1 hour to 397 days");
    assertThatThrownBy(() -> revoke(fleet.admin, "Admin"))
        .satisfies(e -> assertThat(status(e)).isEqualTo(400));
    assertThat(operators().keySet()).containsExactly("admin");

    // the longest lifetime is accepted: 397 days
    Operator bob = issue(fleet.admin, "bob.ops-1_x", Duration.ofDays(397));
    assertThat(bob.answer().name()).isEqualTo("bob.ops-1_x");
  }

  @Test
  void issuingANameAgainReplacesItsCertificateAndLiftsARevocation() {
    Operator first = issue(fleet.admin, "alice", Duration.ofDays(1));
    Operator second = issue(fleet.admin, "alice", Duration.ofDays(1));

    assertThatThrownBy(() -> get(first.client(), "/v1/admin/status"))
        .satisfies(e -> assertThat(status(e)).isEqualTo(403))
        .hasMessageContaining("of operator alice is superseded");
    get(second.client(), "/v1/admin/status");

    revoke(fleet.admin, "alice");
    Operator third = issue(fleet.admin, "alice", Duration.ofDays(1));
    get(third.client(), "/v1/admin/status");
    assertThatThrownBy(() -> get(second.client(), "/v1/admin/status"))
        .hasMessageContaining("superseded");
  }

  @Test
  void issuesAndRevocationsAreLedgerEventsWithoutSecretsReplayedAfterARestart() throws Exception {
    Operator alice = issue(fleet.admin, "alice", Duration.ofDays(1));
    Operator bob = issue(alice.client(), "bob", Duration.ofDays(1));
    revoke(alice.client(), "bob");
    fleet.server.close();

    List<String> events = new ArrayList<>();
    StringBuilder payloads = new StringBuilder();
    readLedger(events, payloads);
    assertThat(events)
        .containsExactly(
            "fleet.admin.issued admin by DIR/admin",
            "fleet.admin.issued alice by admin",
            "fleet.admin.issued bob by alice",
            "fleet.admin.revoked bob by alice");
    assertThat(payloads.toString())
        .contains(alice.answer().serial())
        .doesNotContain("BEGIN")
        .doesNotContain(Base64.getEncoder().encodeToString(alice.certificate().getEncoded()));
    assertThat(Ledger.verify(fleet.home.ledgerDir()).ok()).isTrue();

    fleet.start(FleetServerOptions.defaults(0));
    FleetClient aliceAgain = client(alice.credential());
    FleetClient bobAgain = client(bob.credential());
    get(aliceAgain, "/v1/admin/status");
    assertThatThrownBy(() -> get(bobAgain, "/v1/admin/status"))
        .satisfies(e -> assertThat(status(e)).isEqualTo(403))
        .hasMessageContaining("operator bob is revoked");
    assertThat(operators().get("bob").path("serial").asText()).isEqualTo(bob.answer().serial());
    fleet.server.close();

    // the restart recorded nothing: DIR/admin's certificate was known
    List<String> after = new ArrayList<>();
    readLedger(after, new StringBuilder());
    assertThat(after).hasSize(4);
    fleet.server = null;
  }

  private void readLedger(List<String> events, StringBuilder payloads) throws Exception {
    try (Ledger ledger = Ledger.openReadOnly(fleet.home.ledgerDir())) {
      ledger.forEach(
          0,
          ledger.size(),
          (RecordedEvent e) -> {
            String payload = new String(e.payload(), StandardCharsets.UTF_8);
            if (e.type().startsWith("fleet.admin.")) {
              JsonNode p = readTree(payload);
              events.add(e.type() + " " + p.path("name").asText() + " by " + p.path("by").asText());
              payloads.append(payload);
            }
          });
    }
  }

  private static JsonNode readTree(String json) {
    try {
      return Protocol.json().readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError(json, e);
    }
  }

  @Test
  void aCertificateTheServerDidNotRecordIsRefusedUnlessItPredatesTheRecords() throws Exception {
    FleetCa ca = fleet.home.ca(TestFleet.PASSPHRASE, new SecureRandom());
    // minted with the CA key after the first record (the server's start): refused
    Credential now = mint(ca, "mallory", Instant.now());
    assertThatThrownBy(() -> get(client(now), "/v1/admin/status"))
        .satisfies(e -> assertThat(status(e)).isEqualTo(403))
        .hasMessageContaining("operator mallory has no record");

    // minted an hour before the fleet's first record: a credential from before records existed
    Credential old = mint(ca, "ops", Instant.now().minus(Duration.ofHours(1)));
    get(client(old), "/v1/admin/status");
    revoke(fleet.admin, "ops"); // a name without a record can be revoked
    assertThatThrownBy(() -> get(client(old), "/v1/admin/status"))
        .hasMessageContaining("operator ops is revoked");
    assertThat(operators().get("ops").has("serial")).isFalse();
  }

  private Credential mint(FleetCa ca, String name, Instant at) {
    KeyPair keys = AgentKeys.generate(random);
    X509Certificate cert = ca.issueAdmin(AgentKeys.request(keys), name, Duration.ofHours(2), at);
    return new Credential(keys.getPrivate(), List.of(cert));
  }

  @Test
  void theCaHolderRecoversThroughTheFleetDirectoryAtTheNextStart() throws Exception {
    Operator alice = issue(fleet.admin, "alice", Duration.ofDays(1));
    revoke(alice.client(), "admin");
    fleet.server.close();
    // a restart does not bring back the revoked credential that is still in DIR/admin
    fleet.start(FleetServerOptions.defaults(0));
    assertThatThrownBy(() -> get(fleet.admin, "/v1/admin/status"))
        .hasMessageContaining("operator admin is revoked");

    // alice's credential is lost; the CA holder writes a new one into DIR/admin
    FleetCa ca = fleet.home.ca(TestFleet.PASSPHRASE, new SecureRandom());
    fleet.home.issueAdmin(
        ca,
        "admin",
        fleet.home.adminDir(),
        fleet.server.url(),
        Duration.ofDays(90),
        Instant.now(),
        random);
    // it works once the server has recorded it, at its next start
    assertThatThrownBy(() -> get(fleet.admin, "/v1/admin/status")).hasMessageContaining("403");
    fleet.server.close();
    fleet.start(FleetServerOptions.defaults(0));

    get(fleet.admin, "/v1/admin/status");
    JsonNode admin = operators().get("admin");
    assertThat(admin.path("revoked").asBoolean()).isFalse();
    assertThat(admin.path("serial").asText())
        .isEqualTo(
            Credential.load(fleet.home.adminDir(), "admin")
                .certificate()
                .getSerialNumber()
                .toString(16));
  }
}
