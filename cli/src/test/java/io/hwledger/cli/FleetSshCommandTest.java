package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.fleet.server.FleetServer;
import io.hwledger.fleet.ssh.fixtures.KeyFiles;
import io.hwledger.fleet.ssh.fixtures.RecordedHosts;
import io.hwledger.fleet.ssh.fixtures.RecordedSshServer;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hwledger fleet ssh} against a fleet server in this JVM and real loopback SSH hosts. */
@Verifies("FR-FLEET-044")
class FleetSshCommandTest {
  private static final String PASSPHRASE = "a passphrase for tests only";

  @TempDir static Path home;

  private static FleetServer server;
  private static Path admin;
  private static RecordedSshServer lab;
  private static RecordedSshServer stranger;
  private static Path key;
  private static Path knownHosts;

  @BeforeAll
  static void start() throws IOException {
    Path fleet = InProcessFleet.init(home.resolve("fleet"), PASSPHRASE, "ssh-test.example");
    server = InProcessFleet.start(fleet, PASSPHRASE);
    admin = fleet.resolve("admin");
    KeyPair client = KeyFiles.ed25519();
    key = KeyFiles.writeOpenSsh(client, home.resolve("id_fleet"));
    lab = RecordedSshServer.start(client.getPublic());
    RecordedHosts.linux(lab, "lab-3");
    RecordedHosts.nvidia(lab, "h100-a100.csv");
    stranger = RecordedSshServer.start(client.getPublic());
    RecordedHosts.linux(stranger, "stranger");
    knownHosts = home.resolve("known_hosts");
    Files.writeString(knownHosts, lab.knownHostsLine() + "\n"); // not the stranger's key
  }

  @AfterAll
  static void stop() throws IOException {
    InProcessFleet.stop(server);
    lab.close();
    stranger.close();
  }

  private static Cli.Result fleet(String... args) {
    return InProcessFleet.fleet(admin, args);
  }

  private static Cli.Result add(RecordedSshServer host) {
    return fleet(
        "ssh",
        "add",
        "me@127.0.0.1:" + host.port(),
        "--key",
        key.toString(),
        "--known-hosts",
        knownHosts.toString());
  }

  @Test
  void addPollsTheHostAndItsGpusJoinTheFleet() {
    String address = "me@127.0.0.1:" + lab.port();

    Cli.Result added = add(lab);

    assertThat(added.exitCode()).as(added.err()).isZero();
    assertThat(added.out())
        .contains("added SSH host " + address + "; polling it now")
        .contains(address + ": lab-3 (linux x86_64, 64 CPUs, ")
        .contains("NVIDIA H100 80GB HBM3", "GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f", "nvidia-smi")
        .contains("NVIDIA A100-SXM4-40GB");

    Cli.Result list = fleet("ssh", "list");
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out()).contains(address, "strict", "lab-3", "ok");

    Cli.Result gpus = fleet("gpus");
    assertThat(gpus.out()).contains("lab-3", "ssh", "NVIDIA A100-SXM4-40GB");

    Cli.Result json = fleet("ssh", "test", address, "--json");
    assertThat(InProcessFleet.json(json.out()).path("gpus")).hasSize(2);
  }

  @Test
  void aHostWhoseKeyIsNotKnownStaysButItsTestFailsInOneLine() {
    String address = "me@127.0.0.1:" + stranger.port();
    Cli.Result added = add(stranger);
    assertThat(added.exitCode()).as(added.err()).isZero();
    assertThat(added.out()).contains(address + ": cannot be polled: ");
    assertThat(added.err()).contains("the host stays in the fleet");

    Cli.Result test = fleet("ssh", "test", address);

    InProcessFleet.assertOneLineError(test, 1);
    assertThat(test.err())
        .startsWith("hwledger: ssh " + address + ": ")
        .endsWith("(UNKNOWN_HOST_KEY)\n");

    Cli.Result removed = fleet("ssh", "remove", address);
    assertThat(removed.exitCode()).as(removed.err()).isZero();
    InProcessFleet.assertOneLineError(fleet("ssh", "remove", address), 1);
  }

  @Test
  void badArgumentsAreUsageErrors() {
    // after "--", so that it reaches the address check rather than picocli's option parser
    Cli.Result badAddress =
        Cli.runWithEnv(
            java.util.Map.of(),
            "fleet",
            "ssh",
            "add",
            "--admin",
            admin.toString(),
            "--",
            "-oProxyCommand=sh@host");
    InProcessFleet.assertOneLineError(badAddress, 2);
    assertThat(badAddress.err()).contains("not a valid user name");

    Cli.Result relativeKey = fleet("ssh", "add", "me@gpu-1", "--key", "id_ed25519");
    InProcessFleet.assertOneLineError(relativeKey, 2);
    assertThat(relativeKey.err()).contains("--key: 'id_ed25519' must be an absolute");

    Cli.Result both =
        fleet("ssh", "add", "me@gpu-1", "--known-hosts", "/etc/ssh/known", "--accept-new");
    InProcessFleet.assertOneLineError(both, 2);
    assertThat(both.err()).contains("mutually exclusive");

    InProcessFleet.assertOneLineError(fleet("ssh", "add", "me@gpu-1", "--jump", "x@"), 2);
    InProcessFleet.assertOneLineError(fleet("ssh"), 2);
  }
}
