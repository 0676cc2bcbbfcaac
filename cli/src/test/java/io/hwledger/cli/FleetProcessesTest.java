package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.ssh.HostProbe;
import io.hwledger.fleet.ssh.fixtures.KeyFiles;
import io.hwledger.fleet.ssh.fixtures.RecordedHosts;
import io.hwledger.fleet.ssh.fixtures.RecordedSshServer;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.LedgerStores;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.testpostgres.TestDatabase;
import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.Await;
import io.hwledger.testsupport.LoopbackProxy;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet as separate processes on loopback, started with the README's commands: a server and two
 * agents (each its own JVM, the fake NVML in fleet mode with two simulated H100s, the fake engine
 * as the allowlisted {@code vllm}). A job is placed and runs; the server is SIGKILLed and comes
 * back with the same state from its ledger; the job's agent is SIGKILLed and the job moves to the
 * other agent; a SIGSTOPped agent is not ready and returns when continued. An agent cut off behind
 * a proxy whose connections survive is lost, its job moves, and when it returns it stops its copy
 * after its orphan grace. Every wait is bounded.
 */
@Verifies({"FR-FLEET-008", "FR-FLEET-009", "FR-CLI-010"})
class FleetProcessesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSPHRASE = "processes test passphrase";
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Bytes the fake engine holds on its GPU. */
  private static final long HOLD = 60_000_000_000L;

  @TempDir Path tmp;
  private final List<Process> children = new ArrayList<>();
  private Map<String, String> env;
  private Path fleet;
  private String admin;
  private Process server;

  @AfterEach
  void stop() {
    for (Process p : children) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private Process spawn(String name, Map<String, String> extraEnv, List<String> jvm, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx256m");
    command.addAll(jvm);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder b =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve(name + ".log").toFile());
    b.environment().put("HWLEDGER_FLEET_PASSPHRASE", PASSPHRASE);
    b.environment().putAll(extraEnv);
    Process p = b.start();
    children.add(p);
    return p;
  }

  private String log(String name) throws IOException {
    return Files.readString(tmp.resolve(name + ".log"), StandardCharsets.UTF_8);
  }

  private void await(String what, java.util.function.BooleanSupplier ok) {
    Await.until(what, WAIT, ok, () -> "server log:\n" + logOrWhy("server"));
  }

  private String logOrWhy(String name) {
    try {
      return log(name);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private JsonNode view(String what) {
    Cli.Result r = Cli.runWithEnv(env, "fleet", what, "--json", "--admin", admin);
    if (r.exitCode() != 0) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(r.out());
    } catch (IOException e) {
      throw new AssertionError(r.out(), e);
    }
  }

  private JsonNode job(String jobId) {
    for (JsonNode j : view("jobs").path("jobs")) {
      if (j.path("jobId").asText().equals(jobId)) {
        return j;
      }
    }
    return JSON.createObjectNode();
  }

  private String agentStatus(String agentId) {
    for (JsonNode a : view("agents").path("agents")) {
      if (a.path("agentId").asText().equals(agentId)) {
        return a.path("status").asText();
      }
    }
    return "";
  }

  private Process startServer(int port, String... extra) throws Exception {
    return startServer("server", Map.of(), port, extra);
  }

  /** Spawns a server whose log is {@code name}.log and waits until it listens. */
  private Process startServer(String name, Map<String, String> extraEnv, int port, String... extra)
      throws Exception {
    Process p = spawnServer(name, extraEnv, port, extra);
    await(
        name + " listening",
        () -> {
          try {
            if (!p.isAlive()) {
              throw new AssertionError(name + " exited:\n" + log(name));
            }
            return log(name).contains("fleet server listening");
          } catch (IOException e) {
            return false;
          }
        });
    return p;
  }

  private Process spawnServer(String name, Map<String, String> extraEnv, int port, String... extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "fleet",
                "server",
                fleet.toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--not-ready-after",
                "3s",
                "--lost-after",
                "3s"));
    args.addAll(List.of(extra));
    return spawn(name, extraEnv, List.of(), args.toArray(String[]::new));
  }

  private Process startAgent(int host, Path data, String... extra) throws Exception {
    Path nvml = Files.createDirectories(tmp.resolve("nvml-" + host));
    Map<String, String> agentEnv = new HashMap<>();
    agentEnv.put("HWLEDGER_FAKE_NVML_DIR", nvml.toString());
    agentEnv.put("HWLEDGER_FAKE_NVML_GPUS", "2");
    agentEnv.put("HWLEDGER_FAKE_NVML_HOST", Integer.toString(host));
    Path allowlist = tmp.resolve("allowlist");
    String fake = System.getProperty("hwledger.test.fakeEngine");
    Files.writeString(
        allowlist,
        "# the fake engine stands in for vLLM and llama.cpp\nvllm="
            + fake
            + "\nllama-server="
            + fake
            + "\n");
    List<String> args =
        new ArrayList<>(
            List.of(
                "agent",
                "run",
                "--data",
                data.toString(),
                "--allowlist",
                allowlist.toString(),
                "--heartbeat",
                "500ms",
                "--telemetry",
                "500ms",
                "--orphan-grace",
                "2s",
                "--job-env",
                "FAKE_ENGINE_HOLD_BYTES=" + HOLD));
    args.addAll(List.of(extra));
    return spawn(
        "agent-" + host,
        agentEnv,
        List.of(
            "-Dhwledger.nvml.library=" + System.getProperty("hwledger.nvml.library"),
            "-Dhwledger.backends=nvml",
            "-Djna.tmpdir=" + tmp.resolve("jna")),
        args.toArray(String[]::new));
  }

  /** Initialises the fleet directory for a server on a free port, and returns the port. */
  private int initFleet() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    env = Map.of("HWLEDGER_FLEET_PASSPHRASE", PASSPHRASE);
    fleet = tmp.resolve("fleet");
    admin = fleet.resolve("admin").toString();
    Cli.Result init =
        Cli.runWithEnv(
            env,
            "fleet",
            "init",
            fleet.toString(),
            "--fleet-id",
            "proc.test",
            "--url",
            "https://127.0.0.1:" + port);
    assertThat(init.exitCode()).as(init.err()).isZero();
    return port;
  }

  /**
   * Joins an agent into {@code data} with a fresh token whose server URL {@code route} may change
   * (to dial through a proxy); returns its id.
   */
  private String join(Path data, UnaryOperator<String> route) {
    Cli.Result token =
        Cli.runWithEnv(
            env, "fleet", "token", "create", "--ttl", "10m", "--uses", "1", "--admin", admin);
    assertThat(token.exitCode()).as(token.err()).isZero();
    Cli.Result join =
        Cli.runWithEnv(
            env, "agent", "join", route.apply(token.out().strip()), "--data", data.toString());
    assertThat(join.exitCode()).as(join.err()).isZero();
    return join.out().split(" ")[3];
  }

  private void awaitMeasuredGpus(int count) throws Exception {
    await(
        count + " GPUs measured",
        () -> {
          JsonNode gpus = view("gpus").path("gpus");
          int measured = 0;
          for (JsonNode g : gpus) {
            measured += g.has("freeBytes") ? 1 : 0;
          }
          return measured == count;
        });
  }

  /**
   * Submits llama-3.1-8b on vLLM at 0.8 of a GPU: 0.8 x 85 520 809 984 = 68 416 647 987 B, which
   * one fake H100 (74 217 160 704 B free) takes; returns the job's id once it is placed.
   */
  private String submit() throws Exception {
    Cli.Result submit =
        Cli.runWithEnv(
            env,
            "fleet",
            "submit",
            "--model",
            "llama-3.1-8b",
            "--engine",
            "vllm",
            "--set",
            "gpu-memory-utilization=0.8",
            "--context",
            "8192",
            "--users",
            "1",
            "--json",
            "--admin",
            admin);
    assertThat(submit.exitCode()).as(submit.err() + submit.out()).isZero();
    return JSON.readTree(submit.out()).path("jobId").asText();
  }

  /**
   * Starts a stream of placement decisions, each refused with reasons (a job that needs 4 GPUs of
   * one host), adding the id of each one the server acknowledged to {@code acknowledged} until the
   * server is gone (at most 100,000).
   */
  private Thread refusedDecisions(List<String> acknowledged) throws Exception {
    return refusedDecisions(acknowledged, FleetClient.admin(Path.of(admin), Duration.ofSeconds(5)));
  }

  /** Submits jobs that fit nowhere through {@code client}, keeping the ids acknowledged. */
  private static Thread refusedDecisions(List<String> acknowledged, FleetClient client) {
    JobSpec tooWide =
        new JobSpec(
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
            4,
            null);
    Thread burst =
        new Thread(
            () -> {
              for (int i = 0; i < 100_000; i++) {
                try {
                  JsonNode r = client.send("POST", "/v1/admin/jobs", tooWide, null, JsonNode.class);
                  acknowledged.add(r.path("jobId").asText());
                } catch (FleetClientException e) {
                  return; // the server is gone: this one was not acknowledged
                }
              }
            });
    burst.start();
    return burst;
  }

  private void awaitRunning(String jobId) throws Exception {
    await("the job running", () -> job(jobId).path("state").asText().equals("RUNNING"));
  }

  @Test
  void serverAndAgentsSurviveKillsAndTheJobMoves() throws Exception {
    int port = initFleet();
    server = startServer(port);

    List<String> agentIds = new ArrayList<>();
    List<Process> agents = new ArrayList<>();
    for (int host = 1; host <= 2; host++) {
      Path data = tmp.resolve("agent-" + host);
      agentIds.add(join(data, UnaryOperator.identity()));
      agents.add(startAgent(host, data));
    }
    awaitMeasuredGpus(4);
    String jobId = submit();
    awaitRunning(jobId);
    String first = job(jobId).path("agentId").asText();

    // the server dies without warning in the middle of a stream of placement decisions (each
    // job needs 4 GPUs of one host and is refused with reasons), and comes back with every
    // decision it acknowledged, from its ledger
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    Thread burst = refusedDecisions(acknowledged);
    await("twenty acknowledged decisions", () -> acknowledged.size() >= 20);
    server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    burst.join(Duration.ofSeconds(30).toMillis());
    server = startServer(port);
    Map<String, String> states = new HashMap<>();
    for (JsonNode j : view("jobs").path("jobs")) {
      states.put(j.path("jobId").asText(), j.path("state").asText());
    }
    for (String id : acknowledged) {
      assertThat(states).as("acknowledged job " + id).containsEntry(id, "REFUSED");
    }
    assertThat(job(jobId).path("agentId").asText()).isEqualTo(first);
    assertThat(job(jobId).path("state").asText()).isEqualTo("RUNNING");

    // the job's agent dies; after 3 s not ready and 3 s more lost, the job moves to the other
    int firstHost = agentIds.indexOf(first) + 1;
    Process dead = agents.get(firstHost - 1);
    dead.descendants().forEach(ProcessHandle::destroyForcibly);
    dead.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    String second = agentIds.get(2 - firstHost);
    await(
        "the job placed on the other agent and running",
        () -> {
          JsonNode j = job(jobId);
          return j.path("agentId").asText().equals(second)
              && j.path("state").asText().equals("RUNNING");
        });
    assertThat(agentStatus(first)).isEqualTo("LOST");

    // an agent stopped (SIGSTOP) is not ready; continued, it is ready again and keeps its job
    Process alive = agents.get(2 - firstHost);
    new ProcessBuilder("kill", "-STOP", Long.toString(alive.pid())).start().waitFor();
    await("the stopped agent not ready", () -> agentStatus(second).equals("NOT_READY"));
    new ProcessBuilder("kill", "-CONT", Long.toString(alive.pid())).start().waitFor();
    await("the continued agent ready", () -> agentStatus(second).equals("READY"));
    assertThat(job(jobId).path("agentId").asText()).isEqualTo(second);

    Cli.Result verify = Cli.runWithEnv(env, "ledger", "verify", fleet.resolve("ledger").toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    Predicate<String> noSecret = text -> !text.contains(PASSPHRASE);
    assertThat(noSecret.test(log("server"))).isTrue();
  }

  @Test
  @Verifies({"FR-STORE-009", "FR-STORE-014"})
  void twoServersOnOneDatabaseTakeTurnsAndAFailoverLosesNoDecision() throws Exception {
    int port = initFleet();
    TestDatabase db = TestPostgres.newDatabase();
    Map<String, String> dbEnv =
        Map.of("HWLEDGER_DB_USER", db.user(), "HWLEDGER_DB_PASSWORD", db.password());
    String[] shared = {"--store", db.jdbcUrl(), "--standby-poll", "100ms"};
    server = startServer("server", dbEnv, port, shared);
    int followerPort;
    try (ServerSocket s = new ServerSocket(0)) {
      followerPort = s.getLocalPort();
    }
    URI leaderUrl = URI.create("https://127.0.0.1:" + port);
    URI followerUrl = URI.create("https://127.0.0.1:" + followerPort);
    Process follower = startServer("follower", dbEnv, followerPort, shared);
    assertThat(logOrWhy("follower"))
        .contains("fleet server standing by: ledger " + db.jdbcUrl())
        .contains("following the server that holds the ledger");
    // operators and the agent know both servers, the leader first
    Files.writeString(
        Path.of(admin, "server.url"),
        leaderUrl + "\n" + followerUrl + "\n",
        StandardCharsets.US_ASCII);

    Path data = tmp.resolve("agent-1");
    String agentId = join(data, UnaryOperator.identity());
    startAgent(1, data, "--server", followerUrl.toString());
    awaitMeasuredGpus(2);
    String jobId = submit();
    awaitRunning(jobId);

    // the follower serves reads from the ledger it follows, and names the leader
    Path followerAdmin = tmp.resolve("admin-follower");
    Files.createDirectories(followerAdmin);
    try (var files = Files.list(Path.of(admin))) {
      for (Path f : files.toList()) {
        Files.copy(
            f,
            followerAdmin.resolve(f.getFileName()),
            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    Files.writeString(
        followerAdmin.resolve("server.url"), followerUrl + "\n", StandardCharsets.US_ASCII);
    FleetClient onFollower = FleetClient.admin(followerAdmin, Duration.ofSeconds(5));
    JsonNode status = onFollower.send("GET", "/v1/admin/status", null, null, JsonNode.class);
    assertThat(status.path("role").asText()).isEqualTo("follower");
    assertThat(status.path("leader").asText()).isEqualTo(leaderUrl.toString());
    await(
        "the follower showing the job running",
        () ->
            onFollower
                .send("GET", "/v1/admin/jobs", null, null, JsonNode.class)
                .toString()
                .contains(jobId + "\",\"state\":\"RUNNING"));

    // the leader dies without warning in the middle of a stream of acknowledged decisions, made
    // through the follower, which redirects each to the leader
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    Thread burst = refusedDecisions(acknowledged, onFollower);
    await("ten acknowledged decisions", () -> acknowledged.size() >= 10);
    long killed = System.nanoTime();
    server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    burst.join(Duration.ofSeconds(30).toMillis());
    await("the follower leading", () -> logOrWhy("follower").contains("fleet server leads"));
    long takeover = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    System.out.println("failover: the follower led " + takeover + " ms after the kill");
    // a warm follower: it applied the leader's commits as they landed, so taking over applied
    // only the records since its last wake-up
    Matcher followed =
        Pattern.compile("takes over .* after standing by for \\d+ ms, (\\d+) records followed")
            .matcher(logOrWhy("follower"));
    assertThat(followed.find()).as(logOrWhy("follower")).isTrue();
    assertThat(Long.parseLong(followed.group(1))).isPositive();

    Map<String, String> states = new HashMap<>();
    for (JsonNode j : view("jobs").path("jobs")) {
      states.put(j.path("jobId").asText(), j.path("state").asText());
    }
    for (String id : acknowledged) {
      assertThat(states).as("acknowledged job " + id).containsEntry(id, "REFUSED");
    }
    // the agent moved on to the server it was also given, which now leads
    await("the agent ready on the new leader", () -> agentStatus(agentId).equals("READY"));
    assertThat(job(jobId).path("state").asText()).isEqualTo("RUNNING");
    assertThat(job(jobId).path("agentId").asText()).isEqualTo(agentId);
    // placed once, by the first leader: the new one applied the placement, it did not redo it;
    // each server recorded that it led, in turn
    List<RecordedEvent> records;
    try (LedgerStore ledger = LedgerStores.openReadOnly(db.jdbcUrl(), dbEnv)) {
      records = ledger.read(0, 100_000);
    }
    long placements =
        records.stream()
            .filter(e -> e.type().equals("fleet.job.placed"))
            .filter(e -> e.payloadJson().contains(jobId))
            .count();
    assertThat(placements).isEqualTo(1);
    assertThat(
            records.stream()
                .filter(e -> e.type().equals("fleet.server.leading"))
                .map(e -> e.payloadJson().replaceFirst(".*\"url\":\"([^\"]*)\".*", "$1"))
                .toList())
        .containsExactly(leaderUrl.toString(), followerUrl.toString());
    assertThat(LedgerStores.verify(db.jdbcUrl(), dbEnv, n -> {}).ok()).isTrue();
    assertThat(logOrWhy("server") + logOrWhy("follower")).doesNotContain(db.password());
    follower.destroy();
  }

  /** The pid the fake engine printed first into a job's log under an agent's data directory. */
  private static long enginePid(Path data, String jobId) {
    Path log = data.resolve("jobs").resolve(jobId + ".log");
    String text;
    try {
      text = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return -1;
    }
    Matcher m = Pattern.compile("fake-engine pid (\\d+)\n").matcher(text);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  @Verifies("FR-FLEET-021")
  void aReturningAgentsOrphanIsStoppedAfterItsGraceAndTheJobStaysMoved() throws Exception {
    int port = initFleet();
    server = startServer(port);
    String first;
    String second;
    String jobId;
    // agent 1 reaches the server only through a proxy that can hold its traffic: a partition
    // its TCP connections survive, its watch stream included
    try (LoopbackProxy proxy = LoopbackProxy.start(port)) {
      Path data1 = tmp.resolve("agent-1");
      first =
          join(
              data1,
              text ->
                  text.replace("https://127.0.0.1:" + port, "https://127.0.0.1:" + proxy.port()));
      Path data2 = tmp.resolve("agent-2");
      second = join(data2, UnaryOperator.identity());
      startAgent(1, data1);
      awaitMeasuredGpus(2);
      // placed at once on agent 1, the only one with GPUs yet; agent 2 starts meanwhile
      jobId = submit();
      assertThat(job(jobId).path("agentId").asText()).isEqualTo(first);
      startAgent(2, data2);
      awaitRunning(jobId);
      String placed = jobId;
      await("the engine's pid in its log", () -> enginePid(data1, placed) > 0);
      long orphan = enginePid(data1, jobId);
      awaitMeasuredGpus(4);

      // 3 s without a heartbeat: not ready; 3 s more: lost, and the job moves to agent 2
      proxy.pause();
      String moving = jobId;
      String target = second;
      await(
          "the job placed on agent 2 and running",
          () -> {
            JsonNode j = job(moving);
            return j.path("agentId").asText().equals(target)
                && j.path("state").asText().equals("RUNNING");
          });
      assertThat(agentStatus(first)).isEqualTo("LOST");
      assertThat(alive(orphan)).as("agent 1's copy runs on while it is cut off").isTrue();

      // agent 1 is back: ready again, its copy of the job stopped after its 2 s orphan grace
      proxy.up();
      String returning = first;
      await("agent 1 ready again", () -> agentStatus(returning).equals("READY"));
      await("agent 1's orphan stopped", () -> !alive(orphan));
      // the agent logs why after it signals the job, so the line may land just after it exits
      await(
          "agent 1's reason for stopping it",
          () -> logOrWhy("agent-1").contains("no longer assigned to this agent"));
      JsonNode moved = job(jobId);
      assertThat(moved.path("agentId").asText()).isEqualTo(second);
      assertThat(moved.path("state").asText()).isEqualTo("RUNNING");
    }

    // the ledger: after the job moved, every state it records comes from agent 2
    server.destroy();
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> events = new ArrayList<>();
    try (Ledger ledger = Ledger.openReadOnly(fleet.resolve("ledger"))) {
      ledger.forEach(
          0,
          ledger.size(),
          (RecordedEvent e) -> {
            if (e.type().startsWith("fleet.job.")) {
              JsonNode p;
              try {
                p = JSON.readTree(e.payload());
              } catch (IOException ex) {
                throw new AssertionError(e.type(), ex);
              }
              events.add((e.type() + " " + p.path("agentId").asText()).strip());
            }
          });
    }
    // agent 1's RUNNING and CANCELLED reports for its orphan were refused, not recorded
    assertThat(events)
        .containsExactly(
            "fleet.job.submitted",
            "fleet.job.placed " + first,
            "fleet.job.state " + first,
            "fleet.job.unplaced " + first,
            "fleet.job.placed " + second,
            "fleet.job.state " + second);
    Cli.Result verify = Cli.runWithEnv(env, "ledger", "verify", fleet.resolve("ledger").toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
  }

  @Test
  @Verifies({"FR-FLEET-013", "FR-CLI-009", "FR-CLI-010"})
  void aJobNamingAModelFileRunsWhereTheFileIs() throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    Path gguf = TinyLlama.gguf(models.resolve("tiny-llama-q4_k_m.gguf"));
    Files.writeString(models.resolve("broken.gguf"), "GGUF, but cut off");
    String path = gguf.toAbsolutePath().normalize().toString();
    int port = initFleet();
    server = startServer(port);
    Path without = tmp.resolve("agent-1");
    join(without, UnaryOperator.identity());
    startAgent(1, without);
    Path with = tmp.resolve("agent-2");
    String holder = join(with, UnaryOperator.identity());
    startAgent(2, with, "--models", models.toString());
    awaitMeasuredGpus(4);

    await("the agent's model checkpoints listed", () -> view("models").path("models").size() == 2);
    JsonNode listed = null;
    for (JsonNode m : view("models").path("models")) {
      if (m.path("path").asText().equals(path)) {
        listed = m;
      } else {
        assertThat(m.path("error").asText()).isNotEmpty();
      }
    }
    assertThat(listed).as("the GGUF file listed").isNotNull();
    assertThat(listed.path("agentId").asText()).isEqualTo(holder);
    // TinyLlama's tensor bytes worked out by hand: 1,107,152 B, 2 layers
    assertThat(listed.path("weightsBytes").asLong()).isEqualTo(TinyLlama.GGUF_BYTES);
    assertThat(listed.path("layers").asLong()).isEqualTo(TinyLlama.LAYERS);

    Cli.Result submit =
        Cli.runWithEnv(
            env,
            "fleet",
            "submit",
            "--model-file",
            path,
            "--engine",
            "llama.cpp",
            "--context",
            "2048",
            "--json",
            "--admin",
            admin);
    assertThat(submit.exitCode()).as(submit.err() + submit.out()).isZero();
    JsonNode placed = JSON.readTree(submit.out());
    assertThat(placed.path("agentId").asText()).isEqualTo(holder);
    String jobId = placed.path("jobId").asText();
    await(
        "the file's job running with its file",
        () -> job(jobId).path("logTail").asText().contains("ready"));
    assertThat(job(jobId).path("logTail").asText()).contains("argv[1]=-m\nargv[2]=" + path + "\n");

    // no agent reports this path: every GPU says why, and nothing runs
    Cli.Result refused =
        Cli.runWithEnv(
            env,
            "fleet",
            "submit",
            "--model-file",
            "/models/elsewhere.gguf",
            "--engine",
            "llama.cpp",
            "--context",
            "2048",
            "--json",
            "--admin",
            admin);
    assertThat(refused.exitCode()).isEqualTo(1);
    JsonNode reasons = JSON.readTree(refused.out()).path("reasons");
    assertThat(reasons).hasSize(4);
    reasons.forEach(
        r -> assertThat(r.asText()).contains("reports no model file /models/elsewhere.gguf"));

    // the server's projection keeps what the agents reported: after a SIGKILL and a restart the
    // checkpoints are listed again before the agent reports anything new
    server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    server = startServer(port);
    JsonNode after = view("models").path("models");
    assertThat(after).hasSize(2);
    assertThat(after.findValuesAsText("path")).contains(path);
  }

  private long sshGpus() {
    long n = 0;
    for (JsonNode g : view("gpus").path("gpus")) {
      if (g.path("source").asText().equals("ssh") && g.has("usedBytes")) {
        n++;
      }
    }
    return n;
  }

  @Test
  @Verifies({"FR-FLEET-044", "FR-FLEET-045"})
  void anSshHostIsReadByTheServerProcessAndStillAfterItIsKilled() throws Exception {
    int port = initFleet();
    server = startServer(port, "--ssh-interval", "500ms");
    KeyPair client = KeyFiles.ed25519();
    Path key = KeyFiles.writeOpenSsh(client, tmp.resolve("id_fleet"));
    try (RecordedSshServer lab = RecordedSshServer.start(client.getPublic())) {
      RecordedHosts.linux(lab, "lab-3");
      RecordedHosts.nvidia(lab, "h100-a100.csv");
      String address = "me@127.0.0.1:" + lab.port();
      Cli.Result added =
          Cli.runWithEnv(
              env,
              "fleet",
              "ssh",
              "add",
              address,
              "--key",
              key.toString(),
              "--accept-new",
              "--admin",
              admin);
      assertThat(added.exitCode()).as(added.err()).isZero();
      await("the SSH host's GPUs with readings", () -> sshGpus() == 2);

      // killed without warning, the server comes back with the host and the key it learned
      server.destroyForcibly().waitFor();
      server = startServer(port, "--ssh-interval", "500ms");
      lab.answer(
          HostProbe.NVIDIA_GPUS,
          "0, GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f, NVIDIA H100 80GB HBM3, 81559, 4, 81000,"
              + " 0, 30, 70.00\n",
          0);
      await("the host read again by the new server", () -> sshGpus() == 1);
      assertThat(lab.sessionsOpened()).as("one session per server process").isEqualTo(2);
      Cli.Result list = Cli.runWithEnv(env, "fleet", "ssh", "list", "--admin", admin);
      assertThat(list.out()).contains(address, "accept-new", "lab-3", "ok");
    }
  }
}
