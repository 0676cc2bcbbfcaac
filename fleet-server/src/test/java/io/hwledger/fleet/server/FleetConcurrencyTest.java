package io.hwledger.fleet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.testsupport.Verifies;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents' requests without the server's decision lock, on a real server over real TLS: requests
 * from several threads at once while an agent is revoked, submissions planned at once, and every
 * GPU's day ended by concurrent reports. Every loop is bounded in count and in time; nothing is
 * timed.
 */
@Verifies({"FR-FLEET-005", "FR-FLEET-014"})
class FleetConcurrencyTest {
  private static final int THREADS = 4;

  /** Requests each thread sends after the revocation returned, over the three agents. */
  private static final int AFTER = 30;

  private static final int MAX_REQUESTS = 2_000;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;
  TestFleet fleet;

  @AfterEach
  void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  /** One request: to which agent, whether it started after the revocation returned, its answer. */
  record Outcome(int agent, boolean afterRevocation, int status, String message) {}

  private static Outcome send(TestFleet.Enrolled a, int agent, int i, boolean after) {
    try {
      if (i % 4 == 0) {
        TestFleet.beat(a);
      } else {
        TestFleet.telemetry(a);
      }
      return new Outcome(agent, after, 200, "");
    } catch (FleetClientException e) {
      return new Outcome(agent, after, e.status(), e.getMessage());
    }
  }

  @Test
  void aRevokedAgentsEveryLaterRequestIsRefusedWhileOthersReportConcurrently() throws Exception {
    fleet = new TestFleet(dir, FleetServerOptions.defaults(0));
    List<TestFleet.Enrolled> agents = new ArrayList<>();
    var join = fleet.token(3, 3600);
    for (int i = 0; i < 3; i++) {
      TestFleet.Enrolled a = fleet.enroll(join);
      TestFleet.report(a, "host-" + i);
      agents.add(a);
    }
    TestFleet.Enrolled victim = agents.get(0);
    String victimId = victim.cert().agentId();
    InputStream watch = victim.client().stream(victim.path("watch"));
    assertThat(TestFleet.readLine(watch)).contains("\"type\":\"SNAPSHOT\"");

    AtomicBoolean revoked = new AtomicBoolean();
    AtomicInteger sent = new AtomicInteger();
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> workers = new ArrayList<>();
    long end = System.nanoTime() + DEADLINE.toNanos();
    for (int t = 0; t < THREADS; t++) {
      int offset = t;
      workers.add(
          pool.submit(
              () -> {
                int after = 0;
                for (int i = 0; i < MAX_REQUESTS && after < AFTER && System.nanoTime() < end; i++) {
                  int agent = (i + offset) % agents.size();
                  // read before the request starts: true only if revoke had already returned
                  boolean isAfter = revoked.get();
                  outcomes.add(send(agents.get(agent), agent, i, isAfter));
                  sent.incrementAndGet();
                  if (isAfter) {
                    after++;
                  }
                }
              }));
    }
    try {
      // revoke in the middle of the load: once every thread is under way
      while (sent.get() < 10 * THREADS && System.nanoTime() < end) {
        Thread.sleep(5);
      }
      fleet.admin.send(
          "POST", "/v1/admin/agents/" + victimId + "/revoke", null, null, JsonNode.class);
      revoked.set(true);
      for (Future<?> w : workers) {
        w.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<Outcome> all = new ArrayList<>(outcomes);
    List<Outcome> victimsLater =
        all.stream().filter(o -> o.agent() == 0 && o.afterRevocation()).toList();
    // each thread sends 30 requests after the revocation, round robin over 3 agents: 10 each
    assertThat(victimsLater).hasSize(THREADS * AFTER / 3);
    assertThat(victimsLater)
        .allSatisfy(
            o -> {
              assertThat(o.status()).isEqualTo(403);
              assertThat(o.message()).contains("agent " + victimId + " is revoked");
            });
    // requests that overlapped the revocation were either answered or refused as revoked
    assertThat(all.stream().filter(o -> o.agent() == 0 && !o.afterRevocation()))
        .allSatisfy(o -> assertThat(o.status()).isIn(200, 403));
    // the others were never refused
    assertThat(all.stream().filter(o -> o.agent() != 0))
        .isNotEmpty()
        .allSatisfy(o -> assertThat(o.status()).as(o.message()).isEqualTo(200));

    // the stream open before the revocation was closed; a new one is refused
    assertThat(TestFleet.readToEnd(watch)).doesNotContain("SNAPSHOT");
    assertThatThrownBy(() -> victim.client().stream(victim.path("watch")).close())
        .isInstanceOf(FleetClientException.class)
        .hasMessageContaining("403");

    // the ledger records the revocation once, and nothing of the agent's after it
    fleet.server.close();
    List<String> afterRevocation = new ArrayList<>();
    int[] revocations = {0};
    ObjectMapper json = new ObjectMapper();
    try (Ledger ledger = Ledger.openReadOnly(fleet.home.ledgerDir())) {
      ledger.forEach(
          0,
          ledger.size(),
          (RecordedEvent e) -> {
            String agentId = agentOf(json, e);
            if (e.type().equals("fleet.agent.revoked")) {
              revocations[0]++;
            } else if (revocations[0] > 0 && victimId.equals(agentId)) {
              afterRevocation.add(e.type());
            }
          });
    }
    fleet.server = null;
    assertThat(revocations[0]).isEqualTo(1);
    assertThat(afterRevocation).isEmpty();
  }

  @Test
  void submissionsPlannedAtOnceNeverClaimMoreThanAGpuHoldsAndReplayAlike() throws Exception {
    fleet = new TestFleet(dir, FleetServerOptions.defaults(0));
    var join = fleet.token(2, 3600);
    for (int i = 0; i < 2; i++) {
      TestFleet.report(fleet.enroll(join), "host-" + i);
    }
    // 2 agents x 2 H100s; a job claims 71.26 GiB of one, so 4 fit and the other 8 of 12 are refused
    int jobs = 12;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<String>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < jobs; i++) {
        answers.add(
            pool.submit(
                () -> {
                  start.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                  // the operator's client reads a refusal's 409 body as an answer too
                  return fleet
                      .admin
                      .send("POST", "/v1/admin/jobs", TestFleet.vllm(), null, JsonNode.class)
                      .path("state")
                      .asText();
                }));
      }
      start.countDown();
      List<String> states = new ArrayList<>();
      for (Future<String> f : answers) {
        states.add(f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
      }
      assertThat(states.stream().filter(s -> s.equals("PLACED"))).hasSize(4);
      assertThat(states.stream().filter(s -> s.equals("REFUSED"))).hasSize(8);
    } finally {
      pool.shutdownNow();
    }

    JsonNode view = fleet.adminGet("jobs");
    Set<String> gpus = new HashSet<>();
    for (JsonNode j : view.path("jobs")) {
      if (j.path("state").asText().equals("PLACED")) {
        assertThat(j.path("gpus")).hasSize(1);
        // no GPU holds two jobs
        assertThat(gpus.add(j.path("agentId").asText() + "/" + j.path("gpus").get(0).asInt()))
            .isTrue();
      }
    }
    assertThat(gpus).hasSize(4);

    int port = fleet.server.port();
    fleet.server.close();
    fleet.start(FleetServerOptions.defaults(port));
    assertThat(fleet.adminGet("jobs")).isEqualTo(view);
  }

  @Test
  void reportsCrossingMidnightAtOnceWriteEachGpusDayOnce() throws Exception {
    // the last UTC midnight, 30 s ahead: back, never forward, so the certificates the server
    // issues on its clock are already valid for TLS, which checks them on the real one; a 7-day
    // lifetime keeps them valid until the real clock's next midnight and beyond
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Instant midnight = today.atStartOfDay(ZoneOffset.UTC).toInstant();
    MutableClock clock = new MutableClock(midnight.minusSeconds(30));
    fleet =
        new TestFleet(
            dir,
            FleetServerOptions.defaults(0).withClock(clock).withAgentLifetime(Duration.ofDays(7)));
    List<TestFleet.Enrolled> agents = new ArrayList<>();
    var join = fleet.token(THREADS, 3600);
    for (int i = 0; i < THREADS; i++) {
      TestFleet.Enrolled a = fleet.enroll(join);
      TestFleet.report(a, "host-" + i); // one sample of each GPU on the day before midnight
      agents.add(a);
    }
    clock.advance(Duration.ofSeconds(60));

    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> reports = new ArrayList<>();
      for (TestFleet.Enrolled a : agents) {
        reports.add(
            pool.submit(
                () -> {
                  start.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                  // the first report after midnight ends the day; the second ends nothing
                  TestFleet.telemetry(a);
                  TestFleet.telemetry(a);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : reports) {
        f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long ledgerSize = fleet.adminGet("status").path("ledgerSize").asLong();
    fleet.server.close();

    Map<String, JsonNode> daily = new TreeMap<>();
    List<String> duplicates = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    long size;
    try (Ledger ledger = Ledger.openReadOnly(fleet.home.ledgerDir())) {
      size = ledger.size();
      ledger.forEach(
          0,
          ledger.size(),
          (RecordedEvent e) -> {
            if (e.type().equals("fleet.gpu.daily")) {
              JsonNode p = payload(json, e);
              if (daily.put(p.path("uuid").asText(), p) != null) {
                duplicates.add(p.path("uuid").asText());
              }
            }
          });
    }
    fleet.server = null;
    assertThat(duplicates).isEmpty();
    Set<String> expected = new HashSet<>();
    for (TestFleet.Enrolled a : agents) {
      expected.add(TestFleet.gpuUuid(a, 0));
      expected.add(TestFleet.gpuUuid(a, 1));
    }
    assertThat(daily.keySet()).isEqualTo(expected);
    assertThat(daily.values())
        .allSatisfy(
            p -> {
              assertThat(p.path("day").asText()).isEqualTo(today.minusDays(1).toString());
              assertThat(p.path("samples").asLong()).isEqualTo(1);
            });
    // every record was applied before its report was answered: the state's size is the ledger's
    assertThat(ledgerSize).isEqualTo(size);
    assertThat(Ledger.verify(fleet.home.ledgerDir()).ok()).isTrue();
  }

  private static JsonNode payload(ObjectMapper json, RecordedEvent e) {
    try {
      return json.readTree(new String(e.payload(), StandardCharsets.UTF_8));
    } catch (java.io.IOException x) {
      throw new AssertionError("record " + e.seq() + " is not JSON", x);
    }
  }

  private static String agentOf(ObjectMapper json, RecordedEvent e) {
    return payload(json, e).path("agentId").asText();
  }
}
