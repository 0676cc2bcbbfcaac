package io.hwledger.fleet.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.fleet.ssh.fixtures.InMemoryHostKeyStore;
import io.hwledger.fleet.ssh.fixtures.KeyFiles;
import io.hwledger.fleet.ssh.fixtures.RecordedSshServer;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies("FR-FLEET-042")
class SessionPoolTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String SMI =
      "nvidia-smi --query-gpu=index,uuid,name,memory.total --format=csv,noheader,nounits";
  private static final String SMI_OUT = "0, GPU-5d8c, NVIDIA H100 80GB HBM3, 81559\n";
  private static final int STDOUT_LIMIT = 64 << 10;

  @TempDir Path dir;
  private KeyPair client;
  private Path keyFile;
  private Path knownHosts;
  private final InMemoryHostKeyStore store = new InMemoryHostKeyStore();
  private SshSessions sessions;
  private RecordedSshServer server;
  private SshTarget target;

  @BeforeEach
  void start() throws Exception {
    client = KeyFiles.ed25519();
    keyFile = KeyFiles.writeOpenSsh(client, dir.resolve("id_test"));
    knownHosts = dir.resolve("known_hosts");
    sessions =
        new SshSessions(
            SshSettings.DEFAULTS.withMaxStdoutBytes(STDOUT_LIMIT),
            store,
            Files.createDirectories(dir.resolve("ssh")));
    server = RecordedSshServer.start(client.getPublic());
    server.answer(SMI, SMI_OUT, 0);
    Files.writeString(knownHosts, server.knownHostsLine() + "\n");
    target = target(server.address("gpu"), List.of());
  }

  @AfterEach
  void stop() throws Exception {
    sessions.close();
    server.close();
  }

  private SshTarget target(SshAddress address, List<SshAddress> jumps) {
    return new SshTarget(address, keyFile, jumps, HostKeyPolicy.STRICT, knownHosts);
  }

  @Test
  void twentyCommandsOnOneTargetShareOneSession() throws Exception {
    server.answer("false", "", 1);
    for (int i = 0; i < 18; i++) {
      assertThat(sessions.run(target, SMI, TIMEOUT)).isEqualTo(new CommandOutput(0, SMI_OUT, ""));
    }
    assertThat(sessions.run(target, "false", TIMEOUT)).isEqualTo(new CommandOutput(1, "", ""));
    assertThat(sessions.run(target, "rocm-smi --json", TIMEOUT))
        .as("an unknown command answers like sh")
        .isEqualTo(new CommandOutput(127, "", "sh: 1: rocm-smi: not found\n"));

    assertThat(server.sessionsOpened()).isEqualTo(1);
    assertThat(server.commandsRun()).isEqualTo(20);
    assertThat(sessions.stats()).isEqualTo(new SshSessions.Stats(1, 20, 0));
  }

  @Test
  void eightThreadsOnOneTargetShareItsSession() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<CommandOutput>> results = new ArrayList<>();
      for (int i = 0; i < 8 * 5; i++) {
        results.add(pool.submit(() -> sessions.run(target, SMI, TIMEOUT)));
      }
      for (Future<CommandOutput> r : results) {
        assertThat(r.get(60, TimeUnit.SECONDS).stdout()).isEqualTo(SMI_OUT);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.sessionsOpened()).isEqualTo(1);
    assertThat(sessions.stats()).isEqualTo(new SshSessions.Stats(1, 40, 0));
  }

  @Test
  void aHangingCommandTimesOutAndTheSessionServesTheNextCommand() throws Exception {
    server.hang("nvidia-smi -q");
    assertThatThrownBy(() -> sessions.run(target, "nvidia-smi -q", Duration.ofMillis(500)))
        .isInstanceOfSatisfying(
            SshFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(SshFailure.Kind.TIMEOUT);
              assertThat(f.getMessage()).contains("nvidia-smi -q").contains("500 ms");
            });
    assertThat(sessions.run(target, SMI, TIMEOUT).stdout()).isEqualTo(SMI_OUT);
    assertThat(server.sessionsOpened()).isEqualTo(1);
  }

  @Test
  void stdoutUpToTheLimitIsReadAndOneByteMoreStopsTheCommand() throws Exception {
    server.answer("exact", "y".repeat(STDOUT_LIMIT), 0);
    server.answer("over", "y".repeat(STDOUT_LIMIT + 1), 0);
    server.answer("noisy", "", "e".repeat(20_000), 3);
    assertThat(sessions.run(target, "exact", TIMEOUT).stdout()).hasSize(STDOUT_LIMIT);
    assertThatThrownBy(() -> sessions.run(target, "over", TIMEOUT))
        .isInstanceOfSatisfying(
            SshFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(SshFailure.Kind.OUTPUT_LIMIT);
              assertThat(f.getMessage()).contains(String.valueOf(STDOUT_LIMIT));
            });
    CommandOutput noisy = sessions.run(target, "noisy", TIMEOUT);
    assertThat(noisy.exitStatus()).isEqualTo(3);
    assertThat(noisy.stderr()).isEqualTo("e".repeat(8 << 10)); // the default 8 KiB stderr limit
  }

  @Test
  void aFloodingCommandIsStoppedAtTheLimitAndTheSessionGoesOn() throws Exception {
    server.flood("cat /dev/zero");
    assertThatThrownBy(() -> sessions.run(target, "cat /dev/zero", TIMEOUT))
        .isInstanceOfSatisfying(
            SshFailure.class, f -> assertThat(f.kind()).isEqualTo(SshFailure.Kind.OUTPUT_LIMIT));
    assertThat(sessions.run(target, SMI, TIMEOUT).stdout()).isEqualTo(SMI_OUT);
    assertThat(server.sessionsOpened()).isEqualTo(1);
  }

  @Test
  void aSessionDroppedMidCommandFailsThatCommandAndTheNextRunReopens() throws Exception {
    server.dropAfter("amd-smi metric --json");
    assertThatThrownBy(() -> sessions.run(target, "amd-smi metric --json", TIMEOUT))
        .isInstanceOfSatisfying(
            SshFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(SshFailure.Kind.DISCONNECTED);
              assertThat(f.getMessage()).contains("gpu@127.0.0.1:" + server.port());
            });
    assertThat(sessions.run(target, SMI, TIMEOUT).stdout()).isEqualTo(SMI_OUT);
    assertThat(server.sessionsOpened()).isEqualTo(2);
    assertThat(sessions.stats().sessionsReopened()).isEqualTo(1);
  }

  @Test
  void aPooledSessionFoundDeadIsReopenedOnceAndTheCommandRuns() throws Exception {
    assertThat(sessions.run(target, SMI, TIMEOUT).stdout()).isEqualTo(SMI_OUT);
    server.dropSessions();
    assertThat(sessions.run(target, SMI, TIMEOUT).stdout()).isEqualTo(SMI_OUT);
    assertThat(server.sessionsOpened()).isEqualTo(2);
    assertThat(sessions.stats()).isEqualTo(new SshSessions.Stats(2, 2, 1));
  }

  @Test
  void forgetClosesTheSessionAndTheNextRunOpensANewOne() throws Exception {
    sessions.run(target, SMI, TIMEOUT);
    sessions.forget(target);
    sessions.run(target, SMI, TIMEOUT);
    assertThat(server.sessionsOpened()).isEqualTo(2);
    assertThat(sessions.stats()).isEqualTo(new SshSessions.Stats(2, 2, 0));
  }

  @Test
  void aJumpChainChecksEveryHopsHostKey() throws Exception {
    try (RecordedSshServer bastion =
            RecordedSshServer.builder().authorize(client.getPublic()).forwarding().start();
        RecordedSshServer inner =
            RecordedSshServer.builder().authorize(client.getPublic()).forwarding().start()) {
      SshTarget twoHops = target(server.address("gpu"), List.of(bastion.address("ops")));
      SshTarget threeHops =
          target(server.address("gpu"), List.of(bastion.address("ops"), inner.address("ops")));

      // the bastion's key is unknown: refused there, nothing reaches the target
      assertThatThrownBy(() -> sessions.run(twoHops, SMI, TIMEOUT))
          .isInstanceOfSatisfying(
              SshFailure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(SshFailure.Kind.UNKNOWN_HOST_KEY);
                assertThat(f.getMessage()).contains("ops@127.0.0.1:" + bastion.port());
              });
      assertThat(server.sessionsOpened()).isZero();
      assertThat(store.refusals())
          .extracting(c -> c.hostPort())
          .containsExactly("127.0.0.1:" + bastion.port());

      Files.writeString(
          knownHosts,
          server.knownHostsLine()
              + "\n"
              + bastion.knownHostsLine()
              + "\n"
              + inner.knownHostsLine()
              + "\n");
      assertThat(sessions.run(twoHops, SMI, TIMEOUT).stdout()).isEqualTo(SMI_OUT);
      assertThat(sessions.run(twoHops, SMI, TIMEOUT).stdout()).isEqualTo(SMI_OUT);
      assertThat(sessions.run(threeHops, SMI, TIMEOUT).stdout()).isEqualTo(SMI_OUT);
      // the refused attempt, then one per chain
      assertThat(bastion.sessionsOpened()).isEqualTo(3);
      assertThat(inner.sessionsOpened()).isEqualTo(1);
      assertThat(server.sessionsOpened()).isEqualTo(2);
      assertThat(server.commandsRun()).isEqualTo(3);
      assertThat(bastion.commandsRun()).isZero();

      // the target behind the bastion presents another key: refused as changed
      server.replaceHostKeys(KeyFiles.ed25519());
      sessions.forget(twoHops);
      assertThatThrownBy(() -> sessions.run(twoHops, SMI, TIMEOUT))
          .isInstanceOfSatisfying(
              SshFailure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(SshFailure.Kind.CHANGED_HOST_KEY);
                assertThat(f.getMessage()).contains("gpu@127.0.0.1:" + server.port());
              });
    }
  }

  @Test
  void aJumpHostWithoutForwardingIsAConnectFailure() throws Exception {
    try (RecordedSshServer bastion = RecordedSshServer.start(client.getPublic())) {
      Files.writeString(
          knownHosts, server.knownHostsLine() + "\n" + bastion.knownHostsLine() + "\n");
      SshTarget viaBastion = target(server.address("gpu"), List.of(bastion.address("ops")));
      assertThatThrownBy(() -> sessions.run(viaBastion, SMI, TIMEOUT))
          .isInstanceOfSatisfying(
              SshFailure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(SshFailure.Kind.CONNECT);
                assertThat(f.getMessage()).contains("gpu@127.0.0.1:" + server.port());
              });
      assertThat(server.sessionsOpened()).isZero();
    }
  }

  @Test
  void aClosedPortIsAConnectFailure() throws Exception {
    int port = server.port();
    server.close();
    SshTarget gone = target(new SshAddress("gpu", "127.0.0.1", port), List.of());
    assertThatThrownBy(() -> sessions.run(gone, SMI, TIMEOUT))
        .isInstanceOfSatisfying(
            SshFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(SshFailure.Kind.CONNECT);
              assertThat(f.getMessage()).contains("gpu@127.0.0.1:" + port).doesNotContain("\n");
            });
  }

  @Test
  void settingsAndArgumentsAreValidated() {
    assertThatThrownBy(
            () ->
                new SshSettings(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 0))
        .hasMessageContaining("connect timeout");
    assertThatThrownBy(() -> SshSettings.DEFAULTS.withMaxStdoutBytes(0))
        .hasMessageContaining("stdout limit");
    assertThat(SshSettings.DEFAULTS.maxStdoutBytes()).isEqualTo(1024 * 1024);
    assertThat(SshSettings.DEFAULTS.maxStderrBytes()).isEqualTo(8 * 1024);
    assertThatThrownBy(() -> sessions.run(target, " ", TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class);
    sessions.close();
    assertThatThrownBy(() -> sessions.run(target, SMI, TIMEOUT))
        .isInstanceOf(IllegalStateException.class);
  }
}
