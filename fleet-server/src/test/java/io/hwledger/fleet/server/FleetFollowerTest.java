package io.hwledger.fleet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.TokenRequest;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.LedgerStores;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.testpostgres.TestDatabase;
import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.Await;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two real servers on loopback sharing one ledger store (a directory, whose follower polls, and a
 * real PostgreSQL, whose follower is woken by NOTIFY): the one that holds the ledger leads, the
 * other follows — it serves reads and agents' watch streams from the records it follows, redirects
 * every change to the leader, and takes over when the leader goes.
 */
@Verifies("FR-STORE-014")
class FleetFollowerTest {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long WAIT_SECONDS = 30;
  private static final Duration WAIT = Duration.ofSeconds(WAIT_SECONDS);

  @TempDir Path dir;
  TestFleet fleet;
  FleetServer follower;

  @AfterEach
  void stop() {
    if (follower != null) {
      follower.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  /** The two stores servers can share: a directory (polled) and PostgreSQL (LISTEN/NOTIFY). */
  enum Store {
    DIRECTORY,
    POSTGRESQL
  }

  @ParameterizedTest
  @EnumSource(Store.class)
  void aFollowerServesReadsAndWatchStreamsRedirectsChangesAndTakesOver(Store kind)
      throws Exception {
    String store;
    Map<String, String> env;
    if (kind == Store.DIRECTORY) {
      store = dir.resolve("shared-ledger").toString();
      env = Map.of();
    } else {
      TestDatabase db = TestPostgres.newDatabase();
      store = db.jdbcUrl();
      env = Map.of("HWLEDGER_DB_USER", db.user(), "HWLEDGER_DB_PASSWORD", db.password());
    }
    FleetServerOptions options =
        FleetServerOptions.defaults(0).withLedgerStore(store, POLL).withBindAddress("127.0.0.1");
    fleet = new TestFleet(dir.resolve("fleet"), options, env);
    FleetServer leader = fleet.server;
    assertThat(leader.leads()).isTrue();
    follower = FleetServer.start(fleet.home, TestFleet.PASSPHRASE, null, options, env);
    assertThat(follower.leads()).isFalse();
    URI followerUrl = follower.url();

    // an operator who knows a dead address first, then the follower: the client moves on
    URI dead = URI.create("https://127.0.0.1:" + closedPort());
    FleetClient operator =
        FleetClient.of(
            List.of(dead, follower.url()),
            fleet::adminCredential,
            fleet.adminCas(),
            TestFleet.TIMEOUT);
    JsonNode status = operator.send("GET", "/v1/admin/status", null, null, JsonNode.class);
    assertThat(operator.server()).isEqualTo(follower.url());
    assertThat(status.path("role").asText()).isEqualTo("follower");
    assertThat(status.path("leader").asText()).isEqualTo(leader.url().toString());

    // a token made through the follower: the POST is redirected and made by the leader
    JsonNode token =
        operator.send(
            "POST",
            "/v1/admin/tokens",
            new TokenRequest(Protocol.VERSION, 3600, 1, Map.of()),
            null,
            JsonNode.class);
    JoinString join = JoinString.parse(token.path("join").asText());
    assertThat(join.server()).isEqualTo(leader.url());
    TestFleet.Enrolled agent = fleet.enroll(join);
    String agentId = agent.cert().agentId();
    Await.until(
        "the follower lists the agent",
        WAIT,
        () ->
            operator
                .send("GET", "/v1/admin/agents", null, null, JsonNode.class)
                .toString()
                .contains(agentId));

    // the agent's client dials the follower only: its reports are redirected to the leader with
    // its own certificate and body, and its watch stream is served by the follower
    FleetClient onFollower =
        FleetClient.of(follower.url(), agent::credential, fleet.adminCas(), TestFleet.TIMEOUT);
    TestFleet.Enrolled viaFollower =
        new TestFleet.Enrolled(agent.keys(), agent.cert(), agent.credential(), onFollower);
    String first;
    String second;
    try (InputStream watch = onFollower.stream(agent.path("watch"))) {
      assertThat(line(watch)).contains("\"type\":\"SNAPSHOT\"").contains("\"assignments\":[]");
      TestFleet.report(viaFollower, "host-a");
      JsonNode placed =
          operator.send("POST", "/v1/admin/jobs", TestFleet.vllm(), null, JsonNode.class);
      assertThat(placed.path("state").asText()).isEqualTo("PLACED");
      assertThat(placed.path("agentId").asText()).isEqualTo(agentId);
      first = placed.path("jobId").asText();
      // pushed by the follower once it applied the leader's placement, woken by the commit
      assertThat(line(watch)).contains("\"type\":\"ASSIGNED\"").contains(first);
      JsonNode jobs = operator.send("GET", "/v1/admin/jobs", null, null, JsonNode.class);
      assertThat(jobs.toString()).contains(first).contains("PLACED");

      operator.send("POST", "/v1/admin/jobs/" + first + "/cancel", null, null, JsonNode.class);
      assertThat(line(watch)).contains("\"type\":\"REMOVED\"").contains(first);

      // the leader stops: the follower takes the ledger over, and its open stream goes on
      leader.close();
      fleet.server = null;
      assertThat(follower.awaitLeading(WAIT)).isTrue();
      status = operator.send("GET", "/v1/admin/status", null, null, JsonNode.class);
      assertThat(status.path("role").asText()).isEqualTo("leader");
      assertThat(status.path("leader").asText()).isEqualTo(follower.url().toString());
      // the new leader has no readings yet (telemetry is not ledger data): the agent's next
      // report gives them, and the second job goes on the GPU the first one does not claim
      TestFleet.telemetry(viaFollower);
      JsonNode again =
          operator.send("POST", "/v1/admin/jobs", TestFleet.vllm(), null, JsonNode.class);
      assertThat(again.path("state").asText()).isEqualTo("PLACED");
      second = again.path("jobId").asText();
      assertThat(line(watch)).contains("\"type\":\"ASSIGNED\"").contains(second);
    }
    follower.close();
    follower = null;

    List<RecordedEvent> records;
    try (LedgerStore ledger = LedgerStores.openReadOnly(store, env)) {
      records = ledger.read(0, (int) ledger.size());
    }
    // each server recorded that it led, in turn; each job was placed once, by the leader of the
    // time
    assertThat(urlsOf(records, "fleet.server.leading"))
        .containsExactly(leader.url().toString(), followerUrl.toString());
    assertThat(jobsOf(records, "fleet.job.placed")).containsExactly(first, second);
    assertThat(LedgerStores.verify(store, env, n -> {}).ok()).isTrue();
  }

  private static List<String> urlsOf(List<RecordedEvent> records, String type) {
    return field(records, type, "url");
  }

  private static List<String> jobsOf(List<RecordedEvent> records, String type) {
    return field(records, type, "jobId");
  }

  private static List<String> field(List<RecordedEvent> records, String type, String name) {
    return records.stream()
        .filter(e -> e.type().equals(type))
        .map(e -> readTree(e.payloadJson()).path(name).asText())
        .collect(Collectors.toList());
  }

  private static JsonNode readTree(String json) {
    try {
      return Exchange.JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aClientFollowsNoRedirectAwayFromHttps() throws Exception {
    // a leader that advertises a plain-http URL, as a misconfigured or hostile record would
    String store = dir.resolve("shared-ledger").toString();
    FleetServerOptions options =
        FleetServerOptions.defaults(0).withLedgerStore(store, POLL).withBindAddress("127.0.0.1");
    fleet = new TestFleet(dir.resolve("fleet"), options);
    fleet.server.close();
    URI plain = URI.create("http://127.0.0.1:1");
    fleet.server = FleetServer.start(fleet.home, TestFleet.PASSPHRASE, plain, options);
    follower = FleetServer.start(fleet.home, TestFleet.PASSPHRASE, null, options);
    FleetClient operator =
        FleetClient.of(follower.url(), fleet::adminCredential, fleet.adminCas(), TestFleet.TIMEOUT);
    Await.until(
        "the follower naming the http leader",
        WAIT,
        () ->
            operator
                .send("GET", "/v1/admin/status", null, null, JsonNode.class)
                .path("leader")
                .asText()
                .startsWith("http://"));

    // the client gets the follower's answer, not a request sent in the clear with its body
    assertThatThrownBy(
            () ->
                operator.send(
                    "POST",
                    "/v1/admin/tokens",
                    new TokenRequest(Protocol.VERSION, 3600, 1, Map.of()),
                    null,
                    JsonNode.class))
        .isInstanceOf(FleetClientException.class)
        .hasMessageContaining("307")
        .hasMessageContaining("goes to the leader " + plain);
  }

  /** The next line of a watch stream, failing the test after {@value #WAIT_SECONDS} s. */
  private static String line(InputStream watch) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                String l;
                do {
                  l = TestFleet.readLine(watch);
                } while (l.contains("\"type\":\"KEEPALIVE\""));
                return l;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
