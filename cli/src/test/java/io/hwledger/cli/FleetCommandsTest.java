package io.hwledger.cli;

import static io.hwledger.cli.InProcessFleet.assertOneLineError;
import static io.hwledger.cli.InProcessFleet.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.fleet.server.FleetServer;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands against a real fleet server on loopback, started in this JVM from a fleet
 * that {@code hwledger fleet init} created.
 */
@Verifies({"FR-CLI-009", "FR-CLI-005"})
class FleetCommandsTest {
  private static final String FLEET_ID = "cli-test.example";
  private static final String PASSPHRASE = "a passphrase for tests only";

  @TempDir static Path home;

  private static FleetServer server;
  private static Path admin;

  @BeforeAll
  static void startServer() throws IOException {
    Path fleet = InProcessFleet.init(home.resolve("fleet"), PASSPHRASE, FLEET_ID);
    server = InProcessFleet.start(fleet, PASSPHRASE);
    admin = fleet.resolve("admin");
  }

  /** Runs {@code hwledger fleet ARGS --admin <the credential>} with an empty environment. */
  private static Cli.Result fleet(String... args) {
    return InProcessFleet.fleet(admin, args);
  }

  @AfterAll
  static void stopServer() {
    InProcessFleet.stop(server);
  }

  private static String caPin() throws IOException, GeneralSecurityException {
    X509Certificate ca;
    try (InputStream in = Files.newInputStream(admin.resolve("ca.crt"))) {
      ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    byte[] spki = ca.getPublicKey().getEncoded();
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
  }

  @Test
  void tokenCreatePrintsOnlyAJoinStringThatNamesTheServerAndTheCaPin() throws Exception {
    Cli.Result r = fleet("token", "create", "--ttl", "30m", "--uses", "3", "--label", "pool=a100");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines()).hasSize(1);
    JoinString join = JoinString.parse(r.out().strip());
    assertThat(join.server()).isEqualTo(server.url());
    assertThat(join.caPin()).isEqualTo(caPin());
    String tokenId = join.token().substring(0, 32);
    // the details go to standard error, the secret never does
    assertThat(r.err()).contains("token " + tokenId).contains("3 uses");
    assertThat(r.err()).doesNotContain(join.token().substring(33));

    Cli.Result list = fleet("token", "list");
    assertThat(list.exitCode()).as(list.err()).isZero();
    String row = list.out().lines().filter(l -> l.startsWith(tokenId)).findFirst().orElseThrow();
    assertThat(row.split("\\s{2,}")[2]).as(row).isEqualTo("3");
    assertThat(row).contains("valid for");
    assertThat(list.out()).doesNotContain(join.token().substring(33));

    JsonNode listed = json(fleet("token", "list", "--json").out());
    JsonNode token = null;
    for (JsonNode t : listed.path("tokens")) {
      if (t.path("tokenId").asText().equals(tokenId)) {
        token = t;
      }
    }
    assertThat(token).isNotNull();
    assertThat(token.path("usesLeft").asInt()).isEqualTo(3);
    assertThat(token.path("revoked").asBoolean()).isFalse();
  }

  @Test
  void tokenRevokeMarksTheTokenRevoked() {
    JoinString join = JoinString.parse(fleet("token", "create").out().strip());
    String tokenId = join.token().substring(0, 32);

    Cli.Result revoke = fleet("token", "revoke", tokenId);

    assertThat(revoke.exitCode()).as(revoke.err()).isZero();
    String row =
        fleet("token", "list")
            .out()
            .lines()
            .filter(l -> l.startsWith(tokenId))
            .findFirst()
            .orElseThrow();
    assertThat(row).endsWith("revoked");
  }

  @Test
  void tokenRevokeOfAJoinTokenRefusesWithoutEchoingItsSecret() {
    JoinString join = JoinString.parse(fleet("token", "create").out().strip());

    Cli.Result r = fleet("token", "revoke", join.token());

    assertOneLineError(r, 2);
    assertThat(r.err()).doesNotContain(join.token().substring(33));
  }

  @Test
  void tokenCreateRefusesATtlOutsideOneMinuteToThirtyDays() {
    assertOneLineError(fleet("token", "create", "--ttl", "30s"), 2);
    assertOneLineError(fleet("token", "create", "--ttl", "31d"), 2);
    assertOneLineError(fleet("token", "create", "--ttl", "soon"), 2);
    assertOneLineError(fleet("token", "create", "--uses", "0"), 2);
  }

  @Test
  void revokingAnUnknownAgentFailsWithTheServersMessage() {
    String agent = UUID.randomUUID().toString();

    Cli.Result r = fleet("revoke", agent);

    assertOneLineError(r, 1);
    assertThat(r.err()).contains("404").contains("no agent " + agent);
  }

  @Test
  void revokingSomethingThatIsNotAnAgentIdIsAUsageError() {
    Cli.Result r = fleet("revoke", "../tokens");

    assertOneLineError(r, 2);
    assertThat(r.err()).contains("AGENT_ID: '../tokens' is not an agent id");
  }

  @Test
  void submittingAnUnknownModelFailsWithOneLine() {
    Cli.Result r =
        fleet("submit", "--model", "no-such-model-anywhere", "--engine", "vllm", "--context", "4K");

    assertOneLineError(r, 1);
  }

  @Test
  void aJobThatFitsNowhereIsRefusedWithExitOneAndListedAsRefused() {
    // This fleet has no agent, so no GPU: every job fits nowhere.
    Cli.Result r =
        fleet(
            "submit",
            "--model",
            "llama-3.1-8b",
            "--engine",
            "vllm",
            "--context",
            "4K",
            "--users",
            "2",
            "--policy",
            "spread",
            "--json");

    assertOneLineError(r, 1);
    JsonNode answer = json(r.out());
    String jobId = answer.path("jobId").asText();
    assertThat(jobId).isNotEmpty();
    assertThat(answer.path("state").asText()).isEqualTo("REFUSED");
    assertThat(answer.has("agentId")).isFalse();
    assertThat(r.err()).contains("job " + jobId + " was refused");

    JsonNode listed = null;
    for (JsonNode j : json(fleet("jobs", "--json").out()).path("jobs")) {
      if (j.path("jobId").asText().equals(jobId)) {
        listed = j;
      }
    }
    assertThat(listed).isNotNull();
    assertThat(listed.path("state").asText()).isEqualTo("REFUSED");
    assertThat(listed.path("model").asText()).isEqualTo("llama-3.1-8b");
    assertThat(listed.path("engine").asText()).isEqualTo("vllm");
    Cli.Result table = fleet("jobs");
    assertThat(table.out()).contains(jobId);
  }

  @Test
  void submitChecksItsOptionsBeforeCallingTheServer() {
    String[] base = {"submit", "--model", "llama-3.1-8b", "--engine", "vllm", "--context", "4K"};
    assertOneLineError(fleet(append(base, "--policy", "roundrobin")), 2);
    assertOneLineError(fleet(append(base, "--tp", "65")), 2);
    assertOneLineError(fleet(append(base, "--users", "0")), 2);
    // --weights as plan reads it: file types and formats, the same one-line error otherwise
    Cli.Result weights = fleet(append(base, "--weights", "Q4_K_MM"));
    assertOneLineError(weights, 2);
    assertThat(weights.err()).contains("--weights: unknown dtype 'Q4_K_MM'; did you mean ");
    assertOneLineError(fleet("submit", "--model", "llama-3.1-8b", "--context", "4K"), 2);
    assertOneLineError(fleet("submit", "--engine", "vllm", "--context", "4K"), 2);
    assertOneLineError(
        fleet(
            "submit",
            "--config",
            home.resolve("missing.json").toString(),
            "--engine",
            "vllm",
            "--context",
            "4K"),
        2);
  }

  private static String[] append(String[] base, String... more) {
    List<String> all = new ArrayList<>(List.of(base));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void cancellingAnUnknownJobFailsWithTheServersMessage() {
    Cli.Result r = fleet("cancel", "job-0000");

    assertOneLineError(r, 1);
    assertThat(r.err()).contains("no job job-0000");
  }

  @Test
  void statusJsonCarriesTheFleetAndItsCounts() {
    Cli.Result r = fleet("status", "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode status = json(r.out());
    assertThat(status.path("fleet").asText()).isEqualTo(FLEET_ID);
    // no agent was enrolled in this fleet
    for (String state : List.of("READY", "NOT_READY", "LOST", "REVOKED")) {
      assertThat(status.path("agents").path(state).asLong()).as(state).isZero();
    }
    assertThat(status.path("gpus").asLong()).isZero();
    assertThat(status.path("jobs").isObject()).isTrue();
    assertThat(status.path("ledgerSize").asLong()).isNotNegative();

    Cli.Result text = fleet("status");
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).contains(FLEET_ID).contains("agents").contains("none");
  }

  @Test
  void theListingsSayWhenThereIsNothingToList() {
    Cli.Result agents = fleet("agents");
    assertThat(agents.exitCode()).as(agents.err()).isZero();
    assertThat(agents.out()).startsWith("No agents enrolled");

    Cli.Result gpus = fleet("gpus");
    assertThat(gpus.exitCode()).as(gpus.err()).isZero();
    assertThat(gpus.out()).startsWith("No GPUs");

    Cli.Result accuracy = fleet("accuracy", "--json");
    assertThat(accuracy.exitCode()).as(accuracy.err()).isZero();
    assertThat(json(accuracy.out()).path("groups").isArray()).isTrue();

    Cli.Result jobs = fleet("jobs", "--json");
    assertThat(jobs.exitCode()).as(jobs.err()).isZero();
    assertThat(json(jobs.out()).path("jobs").isArray()).isTrue();
  }

  @Test
  void watchAndJsonCannotBeCombined() {
    assertOneLineError(fleet("agents", "--watch", "--json"), 2);
  }

  @Test
  void aMissingAdminDirectoryIsAUsageErrorNamingIt() {
    Path missing = home.resolve("no-such-admin");

    Cli.Result r = Cli.runWithEnv(Map.of(), "fleet", "status", "--admin", missing.toString());

    assertOneLineError(r, 2);
    assertThat(r.err()).contains("--admin: no such directory '" + missing + "'");
  }

  @Test
  void theAdminDirectoryComesFromTheEnvironmentWhenNoOptionNamesIt() {
    Path missing = home.resolve("not-here-either");

    Cli.Result r =
        Cli.runWithEnv(Map.of(FleetContext.ADMIN_ENV, missing.toString()), "fleet", "agents");

    assertOneLineError(r, 2);
    assertThat(r.err()).contains("'" + missing + "'").contains(FleetContext.ADMIN_ENV);

    Cli.Result ok =
        Cli.runWithEnv(Map.of(FleetContext.ADMIN_ENV, admin.toString()), "fleet", "status");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
  }

  @Test
  void anAdminDirectoryWithoutACredentialFailsNamingTheMissingFile() throws IOException {
    Path empty = Files.createDirectories(home.resolve("empty-admin"));

    Cli.Result r = Cli.runWithEnv(Map.of(), "fleet", "jobs", "--admin", empty.toString());

    assertOneLineError(r, 1);
    assertThat(r.err()).contains("no operator credential in " + empty).contains("admin.pem");
  }

  @Test
  void aServerThatDoesNotAnswerIsAOneLineFailure() throws IOException {
    Path copy = Files.createDirectories(home.resolve("admin-of-a-stopped-server"));
    for (String file : List.of("admin.pem", "ca.crt")) {
      Files.copy(admin.resolve(file), copy.resolve(file));
    }
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Files.writeString(copy.resolve("server.url"), "https://127.0.0.1:" + closedPort + "\n");

    Cli.Result r = Cli.runWithEnv(Map.of(), "fleet", "status", "--admin", copy.toString());

    assertOneLineError(r, 1);
    assertThat(r.err())
        .contains("no answer from https://127.0.0.1:" + closedPort)
        .contains("connection refused");
  }
}
