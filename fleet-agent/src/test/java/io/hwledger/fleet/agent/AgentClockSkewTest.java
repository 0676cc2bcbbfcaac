package io.hwledger.fleet.agent;

import static io.hwledger.fleet.agent.FakeEngine.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.fleet.pki.FleetCa;
import io.hwledger.fleet.server.FleetServerOptions;
import io.hwledger.testsupport.LoopbackProxy;
import io.hwledger.testsupport.StderrCapture;
import io.hwledger.testsupport.Verifies;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An agent whose clock differs from the server's. The agent checks the server's certificate at the
 * time its own clock reads ({@link AgentOptions#clock()}); the server checks the agent's at the
 * server's time and issues it valid from {@link FleetCa#CLOCK_SKEW} (5 minutes) before then. The
 * certificate a skewed clock meets first is the server's, and the youngest one possible is that of
 * a fleet initialised just now: valid from 5 minutes before the server's now. An agent 4 minutes
 * behind (or ahead) still enrolls, reports and renews; 6 minutes behind, it fails with a one-line
 * reason naming both times, logged, and retries at its intervals and back-off rather than in a
 * loop.
 */
@Verifies({"FR-FLEET-007", "FR-FLEET-004"})
class AgentClockSkewTest {
  @TempDir Path dir;
  LoopbackFleet fleet;
  LoopbackProxy proxy;
  Agent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  private void startFleet() throws Exception {
    fleet = new LoopbackFleet(dir.resolve("fleet"), Instant.now(), FleetServerOptions.defaults(0));
  }

  private long lastSeen(String agentId) {
    for (var a : fleet.get("agents").path("agents")) {
      if (a.path("agentId").asText().equals(agentId)) {
        return a.path("lastSeenMillis").asLong();
      }
    }
    return 0;
  }

  @ParameterizedTest(name = "agent clock off by {0}")
  @ValueSource(strings = {"-PT4M", "PT4M"})
  void anAgentWithinTheMarginEnrollsReportsAndRenews(String offset) throws Exception {
    startFleet();
    Clock skewed = Clock.offset(Clock.systemUTC(), Duration.parse(offset));
    AgentIdentity identity =
        LoopbackFleet.join(fleet.token(fleet.server.port()), dir.resolve("agent"), skewed);
    BigInteger first = identity.credential().certificate().getSerialNumber();
    // renewing at 0.04 % of the 24 h 5 min life (35 s) from its notBefore, which the CA put 5
    // minutes before the server's now: by the agent's clock that is 25 s ago when it is 4 minutes
    // behind, 8 min 25 s ago when 4 minutes ahead, so the first renewal is due at once
    agent =
        LoopbackFleet.start(
            identity, LoopbackFleet.fastOptions().withClock(skewed).withRenewAt(0.0004));

    await("the agent ready", () -> fleet.agentStatus(identity.agentId()).equals("READY"));
    await("both GPUs measured", () -> fleet.measuredGpus() == 2);
    await(
        "a renewed certificate",
        () -> !agent.identity().credential().certificate().getSerialNumber().equals(first));
    String renewed = agent.identity().credential().certificate().getSerialNumber().toString(16);
    await(
        "the server's record of the renewal",
        () ->
            fleet
                .get("agents")
                .path("agents")
                .get(0)
                .path("certificateSerial")
                .asText()
                .equals(renewed));
    long seen = lastSeen(identity.agentId());
    await("a report on the renewed certificate", () -> lastSeen(identity.agentId()) > seen);
  }

  @Test
  void anAgentSixMinutesBehindCannotEnrollAndSaysWhy() throws Exception {
    startFleet();
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-6));

    assertThatThrownBy(
            () -> LoopbackFleet.join(fleet.token(fleet.server.port()), dir.resolve("a"), behind))
        .isInstanceOf(FleetClientException.class)
        .hasMessageContaining("POST /v1/enroll: no answer from")
        .hasMessageContaining("is not valid before")
        .hasMessageContaining("this host's clock reads")
        .hasMessageContaining("5 minutes of clock skew")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(dir.resolve("a").resolve("agent.json")).doesNotExist();
  }

  @Test
  void aRunningAgentWhoseClockFellSixMinutesBehindLogsWhyAndDoesNotSpin() throws Exception {
    startFleet();
    proxy = LoopbackProxy.start(fleet.server.port());
    AgentIdentity identity =
        LoopbackFleet.join(fleet.token(proxy.port()), dir.resolve("agent"), Clock.systemUTC());
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-6));
    long lastSeenBefore = lastSeen(identity.agentId());

    try (StderrCapture log = StderrCapture.start()) {
      long start = System.nanoTime();
      long acceptedBefore = proxy.accepted();
      agent = LoopbackFleet.start(identity, LoopbackFleet.fastOptions().withClock(behind));
      await(
          "the watch stream's failure logged",
          () -> log.text().contains("watch stream: GET /v1/agents/" + identity.agentId()));
      // the agent keeps trying, each handshake refused by its own check of the server's
      // certificate; wait for a few of its 200 ms heartbeat and telemetry intervals
      await("several attempts", () -> proxy.accepted() >= acceptedBefore + 10);
      long attempts = proxy.accepted() - acceptedBefore;
      long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
      // at most a heartbeat, a telemetry report and a watch redial per 200 ms interval, each
      // possibly retried once by the HTTP client, and a few at start: a loop would be far over
      assertThat(attempts).isLessThanOrEqualTo(6 * (elapsedMillis / 200 + 1) + 10);
      assertThat(log.text())
          .contains("is not valid before")
          .contains("this host's clock reads")
          .doesNotContain(new String(LoopbackFleet.PASSPHRASE));
    }
    // nothing reached the server's API: the agent was never heard from again
    assertThat(lastSeen(identity.agentId())).isEqualTo(lastSeenBefore);
  }
}
