package io.hwledger.cli;

import static io.hwledger.cli.InProcessFleet.assertOneLineError;
import static io.hwledger.cli.InProcessFleet.fleet;
import static io.hwledger.cli.InProcessFleet.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.pki.FleetIdentity;
import io.hwledger.fleet.server.FleetServer;
import io.hwledger.spi.GpuBackends;
import io.hwledger.testsupport.Verifies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwledger fleet admin} against a real fleet server on loopback, started in this JVM from a
 * fleet {@code hwledger fleet init} created; a fresh fleet per test, since revocations last.
 */
@Verifies({"FR-CLI-009", "FR-FLEET-015", "FR-CLI-005"})
class FleetAdminCommandTest {
  private static final String PASSPHRASE = "a passphrase for tests only";

  @TempDir Path home;
  Path fleetDir;
  Path admin;
  FleetServer server;

  @BeforeEach
  void startServer() throws IOException {
    fleetDir = InProcessFleet.init(home.resolve("fleet"), PASSPHRASE, "admin-test.example");
    admin = fleetDir.resolve("admin");
    start();
  }

  private void start() throws IOException {
    server = InProcessFleet.start(fleetDir, PASSPHRASE);
  }

  @AfterEach
  void stopServer() {
    InProcessFleet.stop(server);
  }

  private Path issue(String name, String... more) {
    Path out = home.resolve(name + "-credential");
    List<String> args = new ArrayList<>(List.of("admin", "issue", name, "--out", out.toString()));
    args.addAll(List.of(more));
    Cli.Result r = fleet(admin, args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return out;
  }

  private JsonNode operator(String name) {
    for (JsonNode o : json(fleet(admin, "admin", "list", "--json").out()).path("operators")) {
      if (o.path("name").asText().equals(name)) {
        return o;
      }
    }
    return null;
  }

  @Test
  void issueWritesAnOwnerOnlyCredentialInFleetInitsLayoutThatWorks() throws IOException {
    Path out = home.resolve("alice");

    Cli.Result r = fleet(admin, "admin", "issue", "alice", "--out", out.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("issued operator alice: serial ").contains("(in 90d)");
    try (var files = Files.list(out)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("admin.pem", "ca.crt", "server.url");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("admin.pem"))))
        .isEqualTo("rw-------");
    assertThat(Files.readString(out.resolve("ca.crt")))
        .isEqualTo(Files.readString(admin.resolve("ca.crt")));
    assertThat(Files.readString(out.resolve("server.url")).strip())
        .isEqualTo(server.url().toString());
    X509Certificate cert = Credential.load(out, "admin").certificate();
    FleetIdentity id = FleetIdentity.of(cert).orElseThrow();
    assertThat(id.name()).isEqualTo("alice");
    // the default lifetime, 90 days, from 5 minutes before now (the CA's skew allowance)
    assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(90).plusMinutes(5));

    Cli.Result status = fleet(out, "status", "--json");
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(json(status.out()).path("fleet").asText()).isEqualTo("admin-test.example");

    JsonNode listed = operator("alice");
    assertThat(listed.path("serial").asText()).isEqualTo(id.serialHex());
    assertThat(listed.path("notAfterMillis").asLong()).isEqualTo(cert.getNotAfter().getTime());
    assertThat(listed.path("revoked").asBoolean()).isFalse();
    String row =
        fleet(admin, "admin", "list")
            .out()
            .lines()
            .filter(l -> l.startsWith("alice "))
            .findFirst()
            .orElseThrow();
    assertThat(row.split("\\s{2,}")[1]).isEqualTo(id.serialHex());
    assertThat(row).contains("valid for 89d 23h");
  }

  @Test
  void revokeRefusesTheOperatorsNextRequestAndEndsAWatchItHolds() throws Exception {
    Path alice = issue("alice", "--lifetime", "7d");
    CountDownLatch drawn = new CountDownLatch(1);
    ByteArrayOutputStream watchOut = new ByteArrayOutputStream();
    ByteArrayOutputStream watchErr = new ByteArrayOutputStream();
    AtomicInteger exit = new AtomicInteger(-1);
    OutputStream signalling =
        new OutputStream() {
          @Override
          public void write(int b) {
            watchOut.write(b);
            drawn.countDown();
          }
        };
    Thread watch =
        new Thread(
            () -> {
              try (PrintStream o = new PrintStream(signalling, true, StandardCharsets.UTF_8);
                  PrintStream e = new PrintStream(watchErr, true, StandardCharsets.UTF_8)) {
                exit.set(
                    Main.run(
                        new Streams(o, e, true),
                        GpuBackends::discover,
                        Map.of(),
                        "fleet",
                        "status",
                        "--watch",
                        "--interval",
                        "100ms",
                        "--admin",
                        alice.toString()));
              }
            },
            "fleet-status-watch");
    watch.setDaemon(true);
    watch.start();
    assertThat(drawn.await(30, TimeUnit.SECONDS)).as("the watch drew the status once").isTrue();

    Cli.Result revoke = fleet(admin, "admin", "revoke", "alice");

    assertThat(revoke.exitCode()).as(revoke.err()).isZero();
    assertThat(revoke.out()).startsWith("revoked operator alice");
    watch.join(30_000);
    assertThat(watch.isAlive()).as("the watch ended").isFalse();
    String err = watchErr.toString(StandardCharsets.UTF_8);
    assertThat(exit.get()).as(err).isEqualTo(1);
    assertThat(err).contains("403").contains("operator alice is revoked");
    assertThat(watchOut.toString(StandardCharsets.UTF_8)).contains("admin-test.example");

    Cli.Result after = fleet(alice, "agents");
    assertOneLineError(after, 1);
    assertThat(after.err()).contains("GET /v1/admin/agents: 403 operator alice is revoked");
    assertThat(fleet(admin, "admin", "list").out().lines().filter(l -> l.startsWith("alice ")))
        .singleElement()
        .satisfies(l -> assertThat(l).endsWith("revoked"));
  }

  @Test
  void theLastActiveOperatorCannotBeRevoked() {
    Cli.Result r = fleet(admin, "admin", "revoke", "admin");

    assertOneLineError(r, 1);
    assertThat(r.err()).contains("operator admin is the last active operator");
    assertThat(operator("admin").path("revoked").asBoolean()).isFalse();
    assertThat(fleet(admin, "status").exitCode()).isZero();
  }

  @Test
  void namesLifetimesAndOutputDirectoriesAreCheckedBeforeTheServerIsCalled() throws IOException {
    Path out = home.resolve("never-created");
    for (String name : List.of("Alice", "../admin", "a b", "x".repeat(64))) {
      Cli.Result r = fleet(admin, "admin", "issue", name, "--out", out.toString());
      assertOneLineError(r, 2);
      assertThat(r.err()).contains("NAME: an admin name is 1 to 63 lower-case letters");
    }
    assertOneLineError(
        fleet(admin, "admin", "issue", "bob", "--out", out.toString(), "--lifetime", "398d"), 2);
    assertOneLineError(
        fleet(admin, "admin", "issue", "bob", "--out", out.toString(), "--lifetime", "59m"), 2);
    assertOneLineError(
        fleet(admin, "admin", "issue", "bob", "--out", out.toString(), "--lifetime", "soon"), 2);
    assertOneLineError(fleet(admin, "admin", "revoke", "../tokens"), 2);
    assertThat(out).doesNotExist();

    // a credential is never overwritten, the caller's own least of all
    Cli.Result own = fleet(admin, "admin", "issue", "admin", "--out", admin.toString());
    assertOneLineError(own, 2);
    assertThat(own.err()).contains("already holds an operator credential");
    assertThat(json(fleet(admin, "admin", "list", "--json").out()).path("operators")).hasSize(1);
  }

  @Test
  void theCaHolderRecoversWhenNoOperatorCredentialWorks() throws IOException {
    Path alice = issue("alice");
    assertThat(fleet(alice, "admin", "revoke", "admin").exitCode()).isZero();
    // alice's credential is lost: nobody can call the admin API now
    assertThat(fleet(admin, "status").exitCode()).isEqualTo(1);

    Cli.Result recover =
        Cli.runWithEnv(
            Map.of(FleetContext.PASSPHRASE_ENV, PASSPHRASE),
            "fleet",
            "admin",
            "recover",
            fleetDir.toString(),
            "--lifetime",
            "1d");
    assertThat(recover.exitCode()).as(recover.err()).isZero();
    assertThat(recover.out())
        .startsWith("wrote a credential for operator admin to " + admin)
        .contains("restart 'hwledger fleet server'");
    server.close();
    start();

    Cli.Result status = fleet(admin, "status");
    assertThat(status.exitCode()).as(status.err()).isZero();
    JsonNode recovered = operator("admin");
    assertThat(recovered.path("revoked").asBoolean()).isFalse();
    assertThat(recovered.path("serial").asText())
        .isEqualTo(Credential.load(admin, "admin").certificate().getSerialNumber().toString(16));

    Cli.Result wrong =
        Cli.runWithEnv(
            Map.of(FleetContext.PASSPHRASE_ENV, "not the passphrase at all"),
            "fleet",
            "admin",
            "recover",
            fleetDir.toString());
    assertOneLineError(wrong, 1);
    assertThat(wrong.err())
        .contains("the passphrase does not open this key")
        .doesNotContain("not the passphrase");
  }
}
