package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet as separate processes on loopback, started with the README's commands: a server and two
 * agents (each its own JVM, the fake NVML in fleet mode with two simulated H100s, the fake engine
 * as the allowlisted {@code vllm}). A job is placed and runs; the server is SIGKILLed and comes
 * back with the same state from its ledger; the job's agent is SIGKILLed and the job moves to the
 * other agent; a SIGSTOPped agent is not ready and returns when continued. Every wait is bounded.
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
  private final List<Process> agents = new ArrayList<>();

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

  private void await(String what, java.util.function.BooleanSupplier ok) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after "
                + WAIT.toSeconds()
                + " s waiting for "
                + what
                + "\nserver log:\n"
                + log("server"));
      }
      Thread.sleep(100);
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

  private Process startServer(int port) throws Exception {
    Process p =
        spawn(
            "server",
            Map.of(),
            List.of(),
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
            "3s");
    await(
        "the server listening",
        () -> {
          try {
            if (!p.isAlive()) {
              throw new AssertionError("the server exited:\n" + log("server"));
            }
            return log("server").contains("fleet server listening");
          } catch (IOException e) {
            return false;
          }
        });
    return p;
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

  /** A fleet of {@code hosts} enrolled agents, each started with its extra arguments. */
  private List<String> fleetOf(int port, List<List<String>> extras) throws Exception {
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
    server = startServer(port);
    List<String> agentIds = new ArrayList<>();
    for (int host = 1; host <= extras.size(); host++) {
      Cli.Result token =
          Cli.runWithEnv(
              env, "fleet", "token", "create", "--ttl", "10m", "--uses", "1", "--admin", admin);
      assertThat(token.exitCode()).as(token.err()).isZero();
      Path data = tmp.resolve("agent-" + host);
      Cli.Result join =
          Cli.runWithEnv(env, "agent", "join", token.out().strip(), "--data", data.toString());
      assertThat(join.exitCode()).as(join.err()).isZero();
      agentIds.add(join.out().split(" ")[3]);
      agents.add(startAgent(host, data, extras.get(host - 1).toArray(String[]::new)));
    }
    int gpus = 2 * extras.size();
    await(
        gpus + " GPUs measured",
        () -> {
          int measured = 0;
          for (JsonNode g : view("gpus").path("gpus")) {
            measured += g.has("freeBytes") ? 1 : 0;
          }
          return measured == gpus;
        });
    return agentIds;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void serverAndAgentsSurviveKillsAndTheJobMoves() throws Exception {
    int port = freePort();
    List<String> agentIds = fleetOf(port, List.of(List.of(), List.of()));

    // 0.8 x 85 520 809 984 = 68 416 647 987 B per GPU; the fake H100 has 74 217 160 704 B free
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
    String jobId = JSON.readTree(submit.out()).path("jobId").asText();
    await("the job running", () -> job(jobId).path("state").asText().equals("RUNNING"));
    String first = job(jobId).path("agentId").asText();

    // the server dies without warning in the middle of a stream of placement decisions (each
    // job needs 4 GPUs of one host and is refused with reasons), and comes back with every
    // decision it acknowledged, from its ledger
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    FleetClient client = FleetClient.admin(Path.of(admin), Duration.ofSeconds(5));
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
  @Verifies({"FR-FLEET-013", "FR-CLI-009", "FR-CLI-010"})
  void aJobNamingAModelFileRunsWhereTheFileIs() throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    Path gguf = TinyLlama.gguf(models.resolve("tiny-llama-q4_k_m.gguf"));
    Files.writeString(models.resolve("broken.gguf"), "GGUF, but cut off");
    String path = gguf.toAbsolutePath().normalize().toString();
    int port = freePort();
    List<String> agentIds =
        fleetOf(port, List.of(List.of(), List.of("--models", models.toString())));
    String holder = agentIds.get(1);

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
    // checkpoint is listed again before the agent reports anything new
    server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    server = startServer(port);
    JsonNode after = view("models").path("models");
    assertThat(after).hasSize(2);
    assertThat(after.findValuesAsText("path")).contains(path);
  }
}
