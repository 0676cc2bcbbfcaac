package io.hwledger.fleet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.testsupport.Await;
import io.hwledger.testsupport.Verifies;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness and recovery on a real server whose clock the test moves: an agent silent for 150 s is
 * not ready, 300 s later lost, and its job is placed again where it fits; when most agents go
 * silent at once nothing moves; a restarted server replays its ledger into the same state.
 */
@Verifies({"FR-FLEET-008", "FR-FLEET-009"})
class FleetLivenessTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T12:00:00Z"));
  TestFleet fleet;

  @AfterEach
  void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  private FleetServerOptions options() {
    return options(0);
  }

  private FleetServerOptions options(int port) {
    return FleetServerOptions.defaults(port)
        .withLiveness(Duration.ofSeconds(150), Duration.ofSeconds(300), Duration.ofMillis(50))
        .withClock(clock);
  }

  private String status(String agentId) {
    for (JsonNode a : fleet.adminGet("agents").path("agents")) {
      if (a.path("agentId").asText().equals(agentId)) {
        return a.path("status").asText();
      }
    }
    throw new AssertionError("no agent " + agentId);
  }

  private JsonNode job(String jobId) {
    for (JsonNode j : fleet.adminGet("jobs").path("jobs")) {
      if (j.path("jobId").asText().equals(jobId)) {
        return j;
      }
    }
    throw new AssertionError("no job " + jobId);
  }

  private static void await(String what, BooleanSupplier condition) {
    Await.until(what, Duration.ofSeconds(20), condition);
  }

  @Test
  void aLostAgentsJobIsPlacedAgainOnAnAgentThatIsAlive() throws Exception {
    fleet = new TestFleet(dir, options());
    TestFleet.Enrolled a = fleet.enroll(fleet.token(2, 3600));
    TestFleet.report(a, "host-a");
    JsonNode placed =
        fleet.admin.send("POST", "/v1/admin/jobs", TestFleet.vllm(), null, JsonNode.class);
    String jobId = placed.path("jobId").asText();
    assertThat(placed.path("agentId").asText()).isEqualTo(a.cert().agentId());
    TestFleet.Enrolled b = fleet.enroll(fleet.token(1, 3600));
    TestFleet.report(b, "host-b");

    // b reports every 100 s of server time, never silent for 150 s; a never again
    for (int step = 0; step < 2; step++) {
      clock.advance(Duration.ofSeconds(100));
      TestFleet.report(b, "host-b");
    }
    await("agent a not ready", () -> status(a.cert().agentId()).equals("NOT_READY"));
    assertThat(status(b.cert().agentId())).isEqualTo("READY");
    assertThat(job(jobId).path("agentId").asText()).isEqualTo(a.cert().agentId());

    for (int step = 0; step < 3; step++) {
      clock.advance(Duration.ofSeconds(100));
      TestFleet.report(b, "host-b"); // fresh measurements on the server's clock
    }
    await("agent a lost", () -> status(a.cert().agentId()).equals("LOST"));
    await(
        "the job moved to b", () -> job(jobId).path("agentId").asText().equals(b.cert().agentId()));
    assertThat(job(jobId).path("state").asText()).isEqualTo("PLACED");

    // a returning agent is ready again; its old job stays where it was moved
    TestFleet.beat(a);
    assertThat(status(a.cert().agentId())).isEqualTo("READY");
    assertThat(job(jobId).path("agentId").asText()).isEqualTo(b.cert().agentId());

    fleet.server.close();
    List<String> jobEvents = new ArrayList<>();
    try (Ledger ledger = Ledger.openReadOnly(fleet.home.ledgerDir())) {
      ledger.forEach(
          0,
          ledger.size(),
          (RecordedEvent e) -> {
            if (e.type().startsWith("fleet.job.") || e.type().equals("fleet.agent.state")) {
              jobEvents.add(e.type());
            }
          });
    }
    assertThat(jobEvents)
        .containsExactly(
            "fleet.job.submitted",
            "fleet.job.placed",
            "fleet.agent.state",
            "fleet.agent.state",
            "fleet.job.unplaced",
            "fleet.job.placed",
            "fleet.agent.state");
    fleet.server = null;
  }

  @Test
  void aLostAgentsWatchStreamClosesAndItsNextSnapshotNoLongerListsTheMovedJob() throws Exception {
    fleet = new TestFleet(dir, options());
    TestFleet.Enrolled a = fleet.enroll(fleet.token(2, 3600));
    TestFleet.report(a, "host-a");
    String jobId =
        fleet
            .admin
            .send("POST", "/v1/admin/jobs", TestFleet.vllm(), null, JsonNode.class)
            .path("jobId")
            .asText();
    TestFleet.Enrolled b = fleet.enroll(fleet.token(1, 3600));
    TestFleet.report(b, "host-b");

    // a stream that outlives the agent's silence, as a partition the TCP connection survives
    try (InputStream watch = a.client().stream(a.path("watch"))) {
      assertThat(TestFleet.readLine(watch)).contains("SNAPSHOT").contains(jobId);
      for (int step = 0; step < 5; step++) {
        clock.advance(Duration.ofSeconds(100));
        TestFleet.report(b, "host-b");
      }
      await("agent a lost", () -> status(a.cert().agentId()).equals("LOST"));
      await(
          "the job moved to b",
          () -> job(jobId).path("agentId").asText().equals(b.cert().agentId()));
      // closed by the server, so the agent cannot go on converging on the old list
      assertThat(TestFleet.readToEnd(watch)).doesNotContain("ASSIGNED").doesNotContain("REMOVED");
    }
    TestFleet.beat(a);
    try (InputStream again = a.client().stream(a.path("watch"))) {
      String snapshot = TestFleet.readLine(again);
      assertThat(snapshot).contains("SNAPSHOT").doesNotContain(jobId);
    }
  }

  @Test
  void whenMostAgentsGoSilentAtOnceNothingMoves() throws Exception {
    fleet = new TestFleet(dir, options());
    TestFleet.Enrolled a = fleet.enroll(fleet.token(3, 3600));
    TestFleet.Enrolled b = fleet.enroll(fleet.token(1, 3600));
    TestFleet.Enrolled c = fleet.enroll(fleet.token(1, 3600));
    TestFleet.report(a, "host-a");
    TestFleet.report(b, "host-b");
    TestFleet.report(c, "host-c");
    String jobId =
        fleet
            .admin
            .send("POST", "/v1/admin/jobs", TestFleet.vllm(), null, JsonNode.class)
            .path("jobId")
            .asText();
    String placedOn = job(jobId).path("agentId").asText();

    // two of three silent (more than half): the server suspects itself, not the agents
    clock.advance(Duration.ofSeconds(500));
    TestFleet.beat(c);
    await(
        "the silent agents not ready",
        () ->
            status(a.cert().agentId()).equals("NOT_READY")
                && status(b.cert().agentId()).equals("NOT_READY"));
    Thread.sleep(300); // several sweeps past the lost threshold
    assertThat(status(a.cert().agentId())).isEqualTo("NOT_READY");
    assertThat(status(b.cert().agentId())).isEqualTo("NOT_READY");
    assertThat(job(jobId).path("agentId").asText()).isEqualTo(placedOn);
  }

  @Test
  void aRestartedServerReplaysItsLedgerIntoTheSameState() throws Exception {
    fleet = new TestFleet(dir, options());
    TestFleet.Enrolled a = fleet.enroll(fleet.token(1, 3600));
    TestFleet.report(a, "host-a");
    fleet.admin.send("POST", "/v1/admin/jobs", TestFleet.vllm(), null, JsonNode.class);
    fleet.admin.send("POST", "/v1/admin/jobs", TestFleet.vllm(), null, JsonNode.class);
    JsonNode jobs = fleet.adminGet("jobs");
    JsonNode agents = fleet.adminGet("agents");
    JsonNode tokens = fleet.adminGet("tokens");

    int port = fleet.server.port();
    fleet.server.close();
    fleet.start(options(port));

    assertThat(fleet.adminGet("jobs")).isEqualTo(jobs);
    assertThat(fleet.adminGet("tokens")).isEqualTo(tokens);
    JsonNode replayed = fleet.adminGet("agents").path("agents").get(0);
    JsonNode before = agents.path("agents").get(0);
    for (String field : List.of("agentId", "status", "hostname", "gpus", "certificateSerial")) {
      assertThat(replayed.path(field)).isEqualTo(before.path(field));
    }
    // and the agent's certificate still works after the restart
    TestFleet.beat(a);
  }
}
