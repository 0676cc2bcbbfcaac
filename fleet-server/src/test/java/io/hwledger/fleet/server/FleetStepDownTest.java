package io.hwledger.fleet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.TokenRequest;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.LedgerStores;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.testpostgres.TestDatabase;
import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.Await;
import io.hwledger.testsupport.Verifies;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader that loses its database session — and with it the ledger's lock — while another server
 * follows, on a real PostgreSQL: the follower takes the ledger over, and the old leader, at its
 * next append, refuses the decision (503, not acknowledged), follows the new leader, redirects to
 * it, and can lead again later.
 */
@Verifies("FR-STORE-015")
class FleetStepDownTest {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long WAIT_SECONDS = 30;
  private static final Duration WAIT = Duration.ofSeconds(WAIT_SECONDS);

  @TempDir Path dir;
  TestFleet fleet;
  FleetServer second;

  @AfterEach
  void stop() {
    if (second != null) {
      second.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void aLeaderThatLostTheLedgerStepsDownFollowsTheNewLeaderAndCanLeadAgain() throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    Map<String, String> env =
        Map.of("HWLEDGER_DB_USER", db.user(), "HWLEDGER_DB_PASSWORD", db.password());
    FleetServerOptions options =
        FleetServerOptions.defaults(0)
            .withLedgerStore(db.jdbcUrl(), POLL)
            .withBindAddress("127.0.0.1");
    fleet = new TestFleet(dir, options, env);
    FleetServer first = fleet.server;
    second = FleetServer.start(fleet.home, TestFleet.PASSPHRASE, null, options, env);
    assertThat(first.leads()).isTrue();
    assertThat(second.leads()).isFalse();
    FleetClient onFirst = client(first.url());
    FleetClient onSecond = client(second.url());
    assertThat(token(onFirst)).isNotNull();

    // the first leader's session ends (a network cut, an administrator): its lock goes with it
    assertThat(TestPostgres.terminateConnections(db, "hwledger-writer")).isPositive();
    assertThat(second.awaitLeading(WAIT)).isTrue();
    // the first server learns at its next append, which fails and is not acknowledged
    FleetClientException refused = null;
    try {
      token(onFirst);
    } catch (FleetClientException e) {
      refused = e;
    }
    assertThat(refused).as("the append after the lost session").isNotNull();
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.getMessage()).contains("lost the ledger");
    Await.until(
        "the first server following",
        WAIT,
        () -> !first.leads() && role(onFirst).equals("follower"));
    // it follows the new leader: its views name it, and a change through it reaches it
    Await.until(
        "the first server naming the second as leader",
        WAIT,
        () -> status(onFirst).path("leader").asText().equals(second.url().toString()));
    String id = token(onFirst);
    Await.until("the token on the first server", WAIT, () -> tokens(onFirst).contains(id));

    // the second leader stops: the first takes over again
    second.close();
    URI secondUrl = second.url();
    second = null;
    assertThat(first.awaitLeading(WAIT)).isTrue();
    assertThat(role(onFirst)).isEqualTo("leader");
    assertThat(token(onFirst)).isNotNull();
    fleet.close();
    fleet = null;

    List<RecordedEvent> records;
    try (LedgerStore ledger = LedgerStores.openReadOnly(db.jdbcUrl(), env)) {
      records = ledger.read(0, (int) ledger.size());
    }
    assertThat(
            records.stream()
                .filter(e -> e.type().equals("fleet.server.leading"))
                .map(e -> e.payloadJson().replaceFirst(".*\"url\":\"([^\"]*)\".*", "$1"))
                .toList())
        .containsExactly(first.url().toString(), secondUrl.toString(), first.url().toString());
    assertThat(LedgerStores.verify(db.jdbcUrl(), env, n -> {}).ok()).isTrue();
  }

  private FleetClient client(URI server) {
    return FleetClient.of(server, fleet::adminCredential, fleet.adminCas(), TestFleet.TIMEOUT);
  }

  private static String token(FleetClient client) {
    return client
        .send(
            "POST",
            "/v1/admin/tokens",
            new TokenRequest(Protocol.VERSION, 3600, 1, Map.of()),
            null,
            JsonNode.class)
        .path("tokenId")
        .asText();
  }

  private static String tokens(FleetClient client) {
    return client.send("GET", "/v1/admin/tokens", null, null, JsonNode.class).toString();
  }

  private static JsonNode status(FleetClient client) {
    return client.send("GET", "/v1/admin/status", null, null, JsonNode.class);
  }

  private static String role(FleetClient client) {
    return status(client).path("role").asText();
  }
}
