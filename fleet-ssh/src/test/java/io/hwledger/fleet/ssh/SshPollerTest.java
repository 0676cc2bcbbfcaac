package io.hwledger.fleet.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.ssh.fixtures.InMemoryHostKeyStore;
import io.hwledger.fleet.ssh.fixtures.KeyFiles;
import io.hwledger.fleet.ssh.fixtures.RecordedHosts;
import io.hwledger.fleet.ssh.fixtures.RecordedSshServer;
import io.hwledger.testsupport.ManualClock;
import io.hwledger.testsupport.Verifies;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The poller against real loopback SSH servers, its rounds driven by hand on a hand-set clock. */
@Verifies("FR-FLEET-045")
class SshPollerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final SshPolling POLLING =
      new SshPolling(Duration.ofSeconds(10), 2, Duration.ofSeconds(10), Duration.ofSeconds(60));

  /** What the poller reported, in order. */
  static final class Seen implements SshPoller.Listener {
    final List<String> events = new ArrayList<>();

    @Override
    public synchronized void polled(SshTarget target, ProbeResult result) {
      events.add(
          target.address().host() + " ok " + result.gpus().stream().map(GpuInfo::name).toList());
    }

    @Override
    public synchronized void failed(
        SshTarget target, SshFailure failure, int failures, Instant next) {
      events.add(
          target.address() + " failed " + failure.kind() + " x" + failures + " next " + next);
    }

    synchronized List<String> drain() {
      List<String> out = List.copyOf(events);
      events.clear();
      return out;
    }
  }

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T10:00:00Z"));
  private final Seen seen = new Seen();
  private final List<RecordedSshServer> servers = new ArrayList<>();
  private KeyPair client;
  private Path keyFile;
  private Path knownHosts;
  private SshSessions sessions;
  private SshPoller poller;

  @BeforeEach
  void start() throws Exception {
    client = KeyFiles.ed25519();
    keyFile = KeyFiles.writeOpenSsh(client, dir.resolve("id_test"));
    knownHosts = dir.resolve("known_hosts");
    sessions =
        new SshSessions(
            SshSettings.DEFAULTS,
            new InMemoryHostKeyStore(),
            Files.createDirectories(dir.resolve("ssh")));
    poller = new SshPoller(sessions, new HostProbe(clock), POLLING, clock, seen);
  }

  @AfterEach
  void stop() throws Exception {
    poller.close();
    sessions.close();
    for (RecordedSshServer s : servers) {
      s.close();
    }
  }

  private SshTarget host(String hostname, String nvidiaSmi) throws Exception {
    RecordedSshServer server = RecordedSshServer.start(client.getPublic());
    servers.add(server);
    RecordedHosts.linux(server, hostname);
    RecordedHosts.nvidia(server, nvidiaSmi);
    Files.writeString(
        knownHosts,
        server.knownHostsLine() + "\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    return target(server.address("gpu"));
  }

  private SshTarget target(SshAddress address) {
    return new SshTarget(address, keyFile, List.of(), HostKeyPolicy.STRICT, knownHosts);
  }

  @Test
  void everyHostIsPolledOncePerIntervalThroughOneSessionForAllRounds() throws Exception {
    SshTarget a = host("gpu-a", "h100-a100.csv");
    SshTarget b = host("gpu-b", "geforce-power-na.csv");
    SshTarget c = host("gpu-c", "h100-a100.csv");
    poller.put(a);
    poller.put(b);
    poller.put(c);

    for (int round = 0; round < 4; round++) {
      SshPoller.Round r = poller.round(DEADLINE);
      assertThat(r.polled()).isEqualTo(3);
      assertThat(r.failed()).isZero();
      assertThat(poller.round(DEADLINE).polled())
          .as("none is due again before the interval")
          .isZero();
      clock.advance(POLLING.interval());
    }

    assertThat(seen.drain())
        .hasSize(12)
        .contains(
            "127.0.0.1 ok [NVIDIA H100 80GB HBM3, NVIDIA A100-SXM4-40GB]",
            "127.0.0.1 ok [NVIDIA GeForce GTX 1660 Ti]");
    assertThat(servers).allSatisfy(s -> assertThat(s.sessionsOpened()).isEqualTo(1));
    assertThat(sessions.stats().sessionsOpened()).isEqualTo(3);
    // each poll of these hosts: uname, getconf, meminfo, nvidia-smi GPUs, compute apps, rocm-smi
    assertThat(servers).allSatisfy(s -> assertThat(s.commandsRun()).isEqualTo(4 * 6));
  }

  @Test
  void anUnreachableHostWaitsTwiceAsLongAfterEachFailureAndIsBackOnTheIntervalOnceItAnswers()
      throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    SshTarget down = target(new SshAddress("gpu", "127.0.0.1", port));
    poller.put(down);
    Instant t0 = clock.instant();

    // failure n waits interval × 2^(n−1), at most 60 s: 10, 20, 40, 60, 60 s
    long[] waits = {10, 20, 40, 60, 60};
    for (int n = 1; n <= waits.length; n++) {
      assertThat(poller.round(DEADLINE).failed()).isEqualTo(1);
      Instant next = clock.instant().plusSeconds(waits[n - 1]);
      assertThat(seen.drain())
          .containsExactly(down.address() + " failed CONNECT x" + n + " next " + next);
      clock.advance(Duration.ofSeconds(waits[n - 1] - 1));
      assertThat(poller.round(DEADLINE).polled() + poller.round(DEADLINE).failed())
          .as("not due a second early")
          .isZero();
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(clock.instant()).isEqualTo(t0.plusSeconds(10 + 20 + 40 + 60 + 60));

    // the host comes up on that port: the next round polls it, then the interval applies again
    RecordedSshServer server =
        RecordedSshServer.builder().port(port).authorize(client.getPublic()).start();
    servers.add(server);
    RecordedHosts.linux(server, "back");
    Files.writeString(knownHosts, server.knownHostsLine() + "\n");
    assertThat(poller.round(DEADLINE).polled()).isEqualTo(1);
    clock.advance(POLLING.interval().minusSeconds(1));
    assertThat(poller.round(DEADLINE).polled()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(poller.round(DEADLINE).polled()).isEqualTo(1);
  }

  @Test
  void aRemovedHostIsNotPolledAndItsSessionCloses() throws Exception {
    SshTarget a = host("gpu-a", "h100-a100.csv");
    poller.put(a);
    assertThat(poller.round(DEADLINE).polled()).isEqualTo(1);

    poller.remove(a.address());
    clock.advance(POLLING.interval());

    assertThat(poller.round(DEADLINE).polled()).isZero();
    seen.drain();
    // the session was closed: polling it now opens a second one
    poller.pollNow(a);
    assertThat(servers.get(0).sessionsOpened()).isEqualTo(2);
  }
}
