package io.hwledger.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.pki.TlsContexts;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.TokenRequest;
import io.hwledger.fleet.protocol.TokenResponse;
import io.hwledger.fleet.server.FleetHome;
import io.hwledger.fleet.server.FleetServer;
import io.hwledger.fleet.server.FleetServerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.LedgerStores;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.ledger.Verification;
import io.hwledger.ledger.postgres.PostgresSettings;
import io.hwledger.testpostgres.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One failover of a fleet server on a shared PostgreSQL store. The leader is a {@link
 * FailoverServer} in a JVM of its own ({@link ServerProcess}); the follower is another, or a {@link
 * FleetServer} in this JVM ({@code --follower harness}), whose moment of leading is then read from
 * its own latch ({@link FleetServer#awaitLeading}) rather than from a printed line. An agent (a
 * {@link SimAgent}) reports two GPUs to the leader and one job is placed on it; then an operator's
 * client that knows both servers, leader first, submits jobs that fit nowhere (four GPUs of one
 * host) one after another, each acknowledged answer a committed decision whose job id is kept.
 * After {@link FleetFailover#MIN_ACKS_BEFORE} acknowledgements, the settle time and an offset that
 * spreads a set's kills evenly over the follower's poll cycle, the leader is killed with SIGKILL
 * ({@link Process#destroyForcibly()}), and from just before the kill the harness times, at once:
 * the writer's lock leaving the killed session and another taking it ({@link LockWatch}, {@code
 * pg_locks} every 5 ms); the follower leading; its {@code GET /v1/admin/status} saying {@code
 * leader} (polled every {@value #STATUS_POLL_MILLIS} ms); the first decision the new leader
 * acknowledged (the client moves on to it by itself: the dead leader does not answer, the follower
 * redirects to it until it leads, then answers; failed tries are retried every {@value
 * #RETRY_MILLIS} ms). Then the ledger must hold every acknowledged decision, verify, name the old
 * then the new leader in {@code fleet.server.leading}, and hold the placed job's placement once and
 * no placement twice; otherwise the run fails.
 */
final class FailoverRun {
  /** A time that was not observed. */
  static final long NONE = Long.MIN_VALUE;

  /** The status poll's interval, start to start. */
  static final long STATUS_POLL_MILLIS = 10;

  /** The decisions' pause after a try that was not answered. */
  static final long RETRY_MILLIS = 5;

  /** Requests' timeout. */
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static final Duration START_LIMIT = Duration.ofSeconds(60);
  private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(60);
  private static final Duration AFTER_LIMIT = Duration.ofSeconds(30);
  private static final Duration DECISIONS_LIMIT = Duration.ofMinutes(5);
  private static final int MAX_DECISIONS = 100_000;
  private static final int MAX_STATUS_POLLS = 10_000;
  private static final ObjectMapper JSON = Protocol.json();

  /** A job that needs four GPUs of one host: the agent has two, so it is refused with reasons. */
  private static final JobSpec FITS_NOWHERE = job(4);

  /** A job for one H100 (vLLM claims 0.9 of it): placed on the agent. */
  private static final JobSpec ONE_GPU = job(1);

  /**
   * What one failover measured. Times are nanoseconds from just before the kill; {@link #NONE}
   * where not observed.
   *
   * @param poll the follower's standby poll
   * @param run the run's number within its poll
   * @param offset the extra wait before the kill, to place it in the follower's poll cycle
   * @param childFollower whether the follower ran in a JVM of its own (else in the harness's)
   * @param leader the killed leader's URL
   * @param follower the follower's URL
   * @param ackedBefore decisions acknowledged before the kill
   * @param ackedInFlight decisions acknowledged by the old leader after the kill (answers in
   *     flight)
   * @param ackedByNew decisions acknowledged by the new leader
   * @param unanswered tries after the kill that got no acknowledgement (retried)
   * @param lockFree kill → the killed leader's session no longer holds the writer's lock
   * @param lockTaken kill → another session (the follower's) holds it
   * @param leads kill → the follower leads (in this JVM: {@link FleetServer#awaitLeading} returns;
   *     in a child: its {@code LEADS} line is read)
   * @param statusLeader kill → its {@code /v1/admin/status} first answers {@code leader}
   * @param firstDecision kill → the first decision the new leader acknowledged
   * @param records the ledger's size at the end
   * @param lost acknowledged decisions the ledger does not hold (must be 0)
   * @param leading the URLs of {@code fleet.server.leading}, in ledger order
   * @param placements {@code fleet.job.placed} records
   * @param placedTwice jobs placed more than once (must be 0)
   * @param beforeLeadingRecord decisions acknowledged by the new leader that the ledger holds
   *     before its {@code fleet.server.leading} record
   * @param verified whether the ledger verified
   */
  record Row(
      Duration poll,
      int run,
      long offset,
      boolean childFollower,
      String leader,
      String follower,
      int ackedBefore,
      int ackedInFlight,
      int ackedByNew,
      int unanswered,
      long lockFree,
      long lockTaken,
      long leads,
      long statusLeader,
      long firstDecision,
      long records,
      int lost,
      List<String> leading,
      int placements,
      int placedTwice,
      int beforeLeadingRecord,
      boolean verified) {

    /** Copies the list. */
    Row {
      leading = List.copyOf(leading);
    }

    /**
     * From the lock taken to the follower leading: the fleet's own part of the takeover (the rest
     * of the store's open, applying the records since its last wake-up, recording that it leads).
     *
     * @return nanoseconds; {@link #NONE} where either was not observed
     */
    long ownNanos() {
      return lockTaken == NONE || leads == NONE ? NONE : leads - lockTaken;
    }

    /**
     * From the follower leading to the first decision it acknowledged; negative when that came
     * before its latch opened (it accepts changes as soon as it holds the ledger, a little before).
     *
     * @return nanoseconds; {@link #NONE} where either was not observed
     */
    long leadsToFirstDecision() {
      return leads == NONE || firstDecision == NONE ? NONE : firstDecision - leads;
    }
  }

  /** The leader's standard error, in the work directory. */
  static final String LEADER_LOG = "failover-leader.log";

  /** A child follower's standard error, in the work directory. */
  static final String FOLLOWER_LOG = "failover-follower.log";

  private final TestDatabase db;
  private final FleetHome home;
  private final char[] passphrase;
  private final String schema;
  private final Duration poll;
  private final int run;
  private final int runs;
  private final Duration settle;
  private final int acksAfter;
  private final boolean childFollower;
  private final Path logs;
  private final SecureRandom random;
  private final Map<String, String> env;

  /**
   * One run.
   *
   * @param db the database
   * @param home the fleet directory both servers start from
   * @param passphrase its CA key's passphrase
   * @param schema a new schema for this run's ledger
   * @param poll the follower's standby poll
   * @param run the run's number within its poll
   * @param options the settle time, decisions after the kill, where the follower runs, the work
   *     directory (logs)
   * @param random keys for the agent
   */
  FailoverRun(
      TestDatabase db,
      FleetHome home,
      char[] passphrase,
      String schema,
      Duration poll,
      int run,
      FailoverOptions options,
      SecureRandom random) {
    this.db = db;
    this.home = home;
    this.passphrase = passphrase.clone();
    this.schema = schema;
    this.poll = poll;
    this.run = run;
    this.runs = options.runs();
    this.settle = options.settle();
    this.acksAfter = options.acksAfter();
    this.childFollower = options.childFollower();
    this.logs = options.workDir();
    this.random = random;
    this.env =
        Map.of(
            PostgresSettings.ENV_USER,
            db.user(),
            PostgresSettings.ENV_PASSWORD,
            db.password(),
            PostgresSettings.ENV_SCHEMA,
            schema);
  }

  /**
   * Runs it.
   *
   * @return what it measured
   * @throws Exception if a server fails, a deadline passes or a check fails
   */
  Row call() throws Exception {
    ServerProcess leader =
        ServerProcess.start(home, passphrase, db.jdbcUrl(), env, poll, logs.resolve(LEADER_LOG));
    ServerProcess starting = null;
    Follower follower = null;
    Decisions decisions = null;
    try {
      URI leaderUrl = leader.awaitListening(START_LIMIT);
      leader.awaitLeads(START_LIMIT);
      // a child follower starts while the agent enrolls and its job is placed; it applies what
      // the ledger holds before it listens
      starting =
          childFollower
              ? ServerProcess.start(
                  home, passphrase, db.jdbcUrl(), env, poll, logs.resolve(FOLLOWER_LOG))
              : null;
      Credential admin = Credential.load(home.adminDir(), "admin");
      List<X509Certificate> cas = Certificates.read(home.adminDir().resolve("ca.crt"));
      String placed = placeOneJob(FleetClient.of(leaderUrl, () -> admin, cas, TIMEOUT), leaderUrl);
      follower = starting != null ? childFollower(starting) : harnessFollower();
      URI followerUrl = follower.url();
      FleetClient onFollower = FleetClient.of(followerUrl, () -> admin, cas, TIMEOUT);
      FleetClient both = FleetClient.of(List.of(leaderUrl, followerUrl), () -> admin, cas, TIMEOUT);
      decisions = new Decisions(both, followerUrl, acksAfter);
      decisions.thread.start();
      decisions.awaitBefore(settle, leader);
      // the follower tries the lock every poll from its own start, and the harness's steps up to
      // here take about the same time in every run: killing now would catch its poll cycle at the
      // same point each time. Run r of N waits a further (r - 1 + U) / N of a poll (U uniform in
      // [0, 1)), so the N kills fall evenly across the cycle, as a leader's death would.
      long offset = (long) (poll.toNanos() * (run - 1 + random.nextDouble()) / runs);
      TimeUnit.NANOSECONDS.sleep(offset);

      try (LockWatch lock = new LockWatch(db, schema)) {
        int holder = lock.holder();
        if (holder == 0) {
          throw new IllegalStateException("nobody holds the writer's lock while the leader runs");
        }
        follower.watchLeading();
        lock.start(holder, TAKEOVER_LIMIT);

        long killed = System.nanoTime();
        decisions.killedAt = killed;
        leader.kill();

        long statusAt = awaitStatusLeader(onFollower);
        long leadsAt = follower.leadingAt(TAKEOVER_LIMIT);
        lock.await(TAKEOVER_LIMIT);
        decisions.thread.join(AFTER_LIMIT.toMillis());
        if (decisions.thread.isAlive()) {
          throw new IllegalStateException(
              "the new leader acknowledged "
                  + decisions.byNew.get()
                  + " of "
                  + acksAfter
                  + " decisions within 30 s; last error: "
                  + decisions.lastError.get());
        }
        if (decisions.failure.get() != null) {
          throw new IllegalStateException("the decisions failed", decisions.failure.get());
        }
        if (!leader.awaitExit(Duration.ofSeconds(30))) {
          throw new IllegalStateException("the killed leader did not exit within 30 s");
        }
        follower.close();
        follower = null;
        return check(
            leaderUrl,
            followerUrl,
            placed,
            decisions,
            killed,
            at(lock.freedAt(), killed),
            at(lock.takenAt(), killed),
            leadsAt - killed,
            statusAt == NONE ? NONE : statusAt - killed,
            offset);
      }
    } finally {
      leader.kill();
      if (decisions != null) {
        decisions.stop = true;
        decisions.thread.join(AFTER_LIMIT.toMillis());
      }
      if (follower != null) {
        follower.close();
      } else if (starting != null) {
        starting.kill();
      }
    }
  }

  private static long at(long nanoTime, long killed) {
    return nanoTime == 0 ? NONE : nanoTime - killed;
  }

  /** The follower as a {@link FleetServer} in this JVM. */
  private Follower harnessFollower() throws IOException {
    FleetServer server =
        FleetServer.start(
            home,
            passphrase,
            null,
            FleetServerOptions.defaults(0)
                .withBindAddress("127.0.0.1")
                .withLedgerStore(db.jdbcUrl(), poll),
            env);
    if (server.leads()) {
      server.close();
      throw new IllegalStateException("the second server leads: the first holds no ledger");
    }
    return new HarnessFollower(server);
  }

  /** The follower as a {@link FailoverServer} in a JVM of its own, once it listens. */
  private static Follower childFollower(ServerProcess p) throws InterruptedException {
    URI url = p.awaitListening(START_LIMIT);
    if (!"follower".equals(p.role())) {
      throw new IllegalStateException("the second server is a " + p.role() + ", not a follower");
    }
    return new ChildFollower(p, url);
  }

  /**
   * Enrolls an agent with two H100s on the leader, reports them, and places one job on it; returns
   * the job's id.
   */
  private String placeOneJob(FleetClient admin, URI leader) {
    TokenResponse t =
        admin.send(
            "POST",
            "/v1/admin/tokens",
            new TokenRequest(Protocol.VERSION, 600, 1, Map.of("pool", "failover")),
            null,
            TokenResponse.class);
    JoinString join = JoinString.parse(t.join());
    FleetClient pinned = FleetClient.of(join.server(), TlsContexts.pinned(join.caPin()), TIMEOUT);
    SimAgent agent = SimAgent.enroll(0, join, pinned, leader, 2, TIMEOUT, random);
    agent.inventory();
    agent.telemetry();
    JsonNode placed = admin.send("POST", "/v1/admin/jobs", ONE_GPU, null, JsonNode.class);
    if (!placed.path("state").asText().equals("PLACED")) {
      throw new IllegalStateException("the one-GPU job was not placed: " + placed);
    }
    return placed.path("jobId").asText();
  }

  /**
   * Polls the follower's status every {@value #STATUS_POLL_MILLIS} ms (start to start) until it
   * says {@code leader}; returns when that answer arrived, or {@link #NONE} if it did not within
   * the limit.
   */
  private static long awaitStatusLeader(FleetClient onFollower) throws InterruptedException {
    long deadline = System.nanoTime() + TAKEOVER_LIMIT.toNanos();
    for (int i = 0; i < MAX_STATUS_POLLS && System.nanoTime() - deadline < 0; i++) {
      long start = System.nanoTime();
      try {
        JsonNode status = onFollower.send("GET", "/v1/admin/status", null, null, JsonNode.class);
        if (status.path("role").asText().equals("leader")) {
          return System.nanoTime();
        }
      } catch (FleetClientException e) {
        // a follower that cannot answer yet: asked again at the next poll
      }
      long next = start + TimeUnit.MILLISECONDS.toNanos(STATUS_POLL_MILLIS) - System.nanoTime();
      if (next > 0) {
        TimeUnit.NANOSECONDS.sleep(next);
      }
    }
    return NONE;
  }

  /** Reads the ledger and checks it against what was acknowledged. */
  private Row check(
      URI leaderUrl,
      URI followerUrl,
      String placed,
      Decisions decisions,
      long killed,
      long lockFree,
      long lockTaken,
      long leads,
      long statusLeader,
      long offset)
      throws IOException {
    Map<String, Long> submitted = new HashMap<>();
    Map<String, Long> refused = new HashMap<>();
    Map<String, Integer> placedCount = new HashMap<>();
    List<String> leading = new ArrayList<>();
    List<Long> leadingSeq = new ArrayList<>();
    long records;
    try (LedgerStore ledger = LedgerStores.openReadOnly(db.jdbcUrl(), env)) {
      records = ledger.size();
      List<IOException> bad = new ArrayList<>();
      ledger.forEach(
          0,
          records,
          (RecordedEvent e) -> {
            JsonNode p;
            try {
              p = JSON.readTree(e.payloadJson());
            } catch (IOException ex) {
              bad.add(ex);
              return;
            }
            switch (e.type()) {
              case "fleet.job.submitted" -> submitted.put(p.path("jobId").asText(), e.seq());
              case "fleet.job.refused" -> refused.put(p.path("jobId").asText(), e.seq());
              case "fleet.job.placed" ->
                  placedCount.merge(p.path("jobId").asText(), 1, Integer::sum);
              case "fleet.server.leading" -> {
                leading.add(p.path("url").asText());
                leadingSeq.add(e.seq());
              }
              default -> {
                // not what this run checks
              }
            }
          });
      if (!bad.isEmpty()) {
        throw bad.get(0);
      }
    }
    Verification v = LedgerStores.verify(db.jdbcUrl(), env, n -> {});

    List<Decisions.Ack> acks = decisions.acks();
    int lost = 0;
    int ackedBefore = 0;
    int inFlight = 0;
    int byNew = 0;
    int beforeLeadingRecord = 0;
    long firstDecision = NONE;
    long newLeading = leadingSeq.size() >= 2 ? leadingSeq.get(1) : Long.MAX_VALUE;
    for (Decisions.Ack a : acks) {
      if (!submitted.containsKey(a.jobId()) || !refused.containsKey(a.jobId())) {
        lost++;
      }
      if (a.at() - killed < 0) {
        ackedBefore++;
      } else if (!a.byFollower()) {
        inFlight++;
      } else {
        byNew++;
        if (firstDecision == NONE) {
          firstDecision = a.at() - killed;
        }
        if (submitted.getOrDefault(a.jobId(), Long.MAX_VALUE) < newLeading) {
          beforeLeadingRecord++;
        }
      }
    }
    int placements = placedCount.values().stream().mapToInt(Integer::intValue).sum();
    int twice = (int) placedCount.values().stream().filter(n -> n > 1).count();
    Row row =
        new Row(
            poll,
            run,
            offset,
            childFollower,
            leaderUrl.toString(),
            followerUrl.toString(),
            ackedBefore,
            inFlight,
            byNew,
            decisions.unanswered.get(),
            lockFree,
            lockTaken,
            leads,
            statusLeader,
            firstDecision,
            records,
            lost,
            leading,
            placements,
            twice,
            beforeLeadingRecord,
            v.ok());
    List<String> problems = new ArrayList<>();
    if (lost > 0) {
      problems.add(lost + " of " + acks.size() + " acknowledged decisions are not in the ledger");
    }
    if (!v.ok()) {
      problems.add("the ledger does not verify: " + v.reason().orElse("?"));
    }
    if (!leading.equals(List.of(leaderUrl.toString(), followerUrl.toString()))) {
      problems.add(
          "fleet.server.leading names "
              + leading
              + ", not the old leader "
              + leaderUrl
              + " then the new "
              + followerUrl);
    }
    if (twice > 0 || placedCount.getOrDefault(placed, 0) != 1) {
      problems.add("placements by job: " + placedCount + " (the placed job is " + placed + ")");
    }
    if (byNew == 0) {
      problems.add("the new leader acknowledged no decision");
    }
    if (beforeLeadingRecord > 0) {
      // the new leader records fleet.server.leading before it accepts a decision (ADR 0022)
      problems.add(
          beforeLeadingRecord
              + " decisions of the new leader precede its fleet.server.leading record");
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "failover run " + run + " at " + FailoverOptions.text(poll) + ": " + problems);
    }
    return row;
  }

  private static JobSpec job(int gpus) {
    return new JobSpec(
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
        gpus,
        null);
  }

  /** The follower, wherever it runs: its URL and when it led. */
  private interface Follower extends AutoCloseable {
    URI url();

    /** Starts noting when it leads; called just before the kill. */
    void watchLeading();

    /**
     * Waits until it leads.
     *
     * @return {@link System#nanoTime()} when it was seen leading
     * @throws IllegalStateException if it did not within {@code limit}
     */
    long leadingAt(Duration limit) throws InterruptedException;

    @Override
    void close() throws InterruptedException;
  }

  /** In this JVM: it leads when its latch ({@link FleetServer#awaitLeading}) opens. */
  private static final class HarnessFollower implements Follower {
    private final FleetServer server;
    private final AtomicReference<Long> leading = new AtomicReference<>();
    private final Thread latch;

    HarnessFollower(FleetServer server) {
      this.server = server;
      this.latch =
          new Thread(
              () -> {
                try {
                  if (server.awaitLeading(TAKEOVER_LIMIT)) {
                    leading.set(System.nanoTime());
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "failover-leads");
      latch.setDaemon(true);
    }

    @Override
    public URI url() {
      return server.url();
    }

    @Override
    public void watchLeading() {
      latch.start();
    }

    @Override
    public long leadingAt(Duration limit) throws InterruptedException {
      latch.join(limit.toMillis());
      Long at = leading.get();
      if (at == null) {
        throw new IllegalStateException(
            "the follower did not lead within " + limit.toSeconds() + " s");
      }
      return at;
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** In a JVM of its own: it leads when its {@code LEADS} line is read. */
  private static final class ChildFollower implements Follower {
    private final ServerProcess process;
    private final URI url;

    ChildFollower(ServerProcess process, URI url) {
      this.process = process;
      this.url = url;
    }

    @Override
    public URI url() {
      return url;
    }

    @Override
    public void watchLeading() {
      // the process's reader notes the line's arrival itself
    }

    @Override
    public long leadingAt(Duration limit) throws InterruptedException {
      process.awaitLeads(limit);
      return process.leadsAt();
    }

    @Override
    public void close() throws InterruptedException {
      // the new leader is killed too: everything it acknowledged is committed
      process.kill();
      if (!process.awaitExit(Duration.ofSeconds(30))) {
        throw new IllegalStateException("the new leader did not exit within 30 s");
      }
    }
  }

  /**
   * Submits {@link #FITS_NOWHERE} one after another, keeping each acknowledged job's id, when the
   * answer arrived and whether the follower gave it, until the follower has acknowledged {@code
   * acksAfter}, {@link #stop} is set, {@value #MAX_DECISIONS} tries, or 5 minutes.
   */
  private static final class Decisions {
    record Ack(String jobId, long at, boolean byFollower) {}

    final Thread thread;
    final AtomicInteger byNew = new AtomicInteger();
    final AtomicInteger unanswered = new AtomicInteger();
    final AtomicReference<String> lastError = new AtomicReference<>();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Ack> acks = new ArrayList<>();
    volatile long killedAt;
    volatile boolean stop;

    Decisions(FleetClient client, URI follower, int acksAfter) {
      thread =
          new Thread(
              () -> {
                try {
                  submit(client, follower, acksAfter);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (RuntimeException e) { // reported by the run
                  failure.set(e);
                }
              },
              "failover-decisions");
      thread.setDaemon(true);
    }

    private void submit(FleetClient client, URI follower, int acksAfter)
        throws InterruptedException {
      long deadline = System.nanoTime() + DECISIONS_LIMIT.toNanos();
      for (int i = 0; i < MAX_DECISIONS && !stop && System.nanoTime() - deadline < 0; i++) {
        JsonNode answer;
        try {
          answer = client.send("POST", "/v1/admin/jobs", FITS_NOWHERE, null, JsonNode.class);
        } catch (FleetClientException e) {
          // the leader is gone and the follower does not lead yet: not acknowledged, tried again
          lastError.set(e.getMessage());
          if (killedAt != 0) {
            unanswered.incrementAndGet();
          }
          Thread.sleep(RETRY_MILLIS);
          continue;
        }
        long at = System.nanoTime();
        boolean byFollower = client.server().equals(follower);
        String jobId = answer.path("jobId").asText();
        if (jobId.isEmpty() || !answer.path("state").asText().equals("REFUSED")) {
          throw new IllegalStateException("not a refusal: " + answer);
        }
        synchronized (acks) {
          acks.add(new Ack(jobId, at, byFollower));
        }
        if (byFollower && killedAt != 0 && byNew.incrementAndGet() >= acksAfter) {
          return;
        }
      }
    }

    List<Ack> acks() {
      synchronized (acks) {
        return List.copyOf(acks);
      }
    }

    /** Waits for {@value FleetFailover#MIN_ACKS_BEFORE} acknowledgements and {@code settle}. */
    void awaitBefore(Duration settle, ServerProcess leader) throws InterruptedException {
      long deadline = System.nanoTime() + START_LIMIT.toNanos();
      long first = 0;
      while (true) {
        int n;
        synchronized (acks) {
          n = acks.size();
        }
        long now = System.nanoTime();
        if (n > 0 && first == 0) {
          first = now;
        }
        if (n >= FleetFailover.MIN_ACKS_BEFORE && now - first >= settle.toNanos()) {
          return;
        }
        if (!leader.isAlive()) {
          throw new IllegalStateException("the leader exited before the kill; see " + LEADER_LOG);
        }
        if (!thread.isAlive()) {
          throw new IllegalStateException("the decisions stopped before the kill", failure.get());
        }
        if (now - deadline > 0) {
          throw new IllegalStateException(
              "the leader acknowledged "
                  + n
                  + " decisions within 60 s; last error: "
                  + lastError.get());
        }
        Thread.sleep(10);
      }
    }
  }
}
