package io.hwledger.fleet.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.fleet.ssh.fixtures.InMemoryHostKeyStore;
import io.hwledger.fleet.ssh.fixtures.KeyFiles;
import io.hwledger.fleet.ssh.fixtures.RecordedSshServer;
import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies("FR-FLEET-040")
class HostKeyVerificationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private KeyPair client;
  private Path keyFile;
  private Path knownHosts;
  private final InMemoryHostKeyStore store = new InMemoryHostKeyStore();
  private SshSessions sessions;
  private RecordedSshServer server;

  @BeforeEach
  void start() throws Exception {
    client = KeyFiles.ed25519();
    keyFile = KeyFiles.writeOpenSsh(client, dir.resolve("id_test"));
    knownHosts = dir.resolve("known_hosts");
    Files.createDirectories(dir.resolve("ssh"));
    sessions = new SshSessions(SshSettings.DEFAULTS, store, dir.resolve("ssh"));
    server = RecordedSshServer.start(client.getPublic());
    server.answer("uname -s", "Linux\n", 0);
  }

  @AfterEach
  void stop() throws Exception {
    sessions.close();
    server.close();
  }

  private SshTarget target(HostKeyPolicy policy) {
    return new SshTarget(server.address("gpu"), keyFile, List.of(), policy, knownHosts);
  }

  @Test
  void anUnknownHostKeyIsRefusedUnderStrictBeforeAuthenticatingAndRecorded() {
    assertThatThrownBy(() -> sessions.run(target(HostKeyPolicy.STRICT), "uname -s", TIMEOUT))
        .isInstanceOfSatisfying(
            SshFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(SshFailure.Kind.UNKNOWN_HOST_KEY);
              assertThat(f.getMessage())
                  .contains("gpu@127.0.0.1:" + server.port())
                  .contains(openSshFingerprint(server.hostKey()))
                  .doesNotContain("\n");
            });
    assertThat(store.refusals()).hasSize(1);
    assertThat(store.refusals().get(0).hostPort()).isEqualTo("127.0.0.1:" + server.port());
    assertThat(KeyUtils.compareKeys(store.refusals().get(0).key(), server.hostKey())).isTrue();
    assertThat(store.learnCalls()).isEmpty();
    assertThat(server.authAttempts()).as("no authentication after a refused host key").isZero();
    assertThat(server.commandsRun()).isZero();
  }

  @Test
  void acceptNewLearnsTheFirstKeyOnceAndRefusesAChangedOneLater() throws Exception {
    SshTarget target = target(HostKeyPolicy.ACCEPT_NEW);
    assertThat(sessions.run(target, "uname -s", TIMEOUT).stdout()).isEqualTo("Linux\n");
    sessions.forget(target);
    assertThat(sessions.run(target, "uname -s", TIMEOUT).stdout()).isEqualTo("Linux\n");
    assertThat(store.learnCalls()).hasSize(1);
    assertThat(store.learnCalls().get(0).hostPort()).isEqualTo("127.0.0.1:" + server.port());
    assertThat(KeyUtils.compareKeys(store.learnCalls().get(0).key(), server.hostKey())).isTrue();

    PublicKey learned = server.hostKey();
    server.replaceHostKeys(KeyFiles.ed25519());
    sessions.forget(target);
    assertThatThrownBy(() -> sessions.run(target, "uname -s", TIMEOUT))
        .isInstanceOfSatisfying(
            SshFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(SshFailure.Kind.CHANGED_HOST_KEY);
              assertThat(f.getMessage())
                  .contains(openSshFingerprint(server.hostKey()))
                  .contains(openSshFingerprint(learned));
            });
    assertThat(store.learnCalls()).hasSize(1);
    assertThat(store.refusals()).hasSize(1);
    assertThat(KeyUtils.compareKeys(store.refusals().get(0).key(), server.hostKey())).isTrue();
    assertThat(store.refusals().get(0).reason()).contains(openSshFingerprint(learned));
  }

  @Test
  void aKeyInKnownHostsIsAcceptedAndADifferentOneRefusedEvenWithAcceptNew() throws Exception {
    Files.writeString(knownHosts, server.knownHostsLine() + "\n");
    assertThat(sessions.run(target(HostKeyPolicy.STRICT), "uname -s", TIMEOUT).exitStatus())
        .isZero();
    assertThat(store.learnCalls()).isEmpty();

    PublicKey other = KeyFiles.ed25519().getPublic();
    Files.writeString(knownHosts, server.knownHostsLine(other) + "\n");
    sessions.forget(target(HostKeyPolicy.ACCEPT_NEW));
    assertThatThrownBy(() -> sessions.run(target(HostKeyPolicy.ACCEPT_NEW), "uname -s", TIMEOUT))
        .isInstanceOfSatisfying(
            SshFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(SshFailure.Kind.CHANGED_HOST_KEY);
              assertThat(f.getMessage())
                  .contains(openSshFingerprint(server.hostKey()))
                  .contains(openSshFingerprint(other));
            });
    assertThat(store.learnCalls()).isEmpty();
    assertThat(store.refusals()).hasSize(1);
  }

  @Test
  void aHashedKnownHostsEntryForTheHostAndPortIsAccepted() throws Exception {
    // OpenSSH's HashKnownHosts: |1|base64(salt)|base64(HMAC-SHA1(salt, "[host]:port"))
    byte[] salt = new byte[20];
    for (int i = 0; i < salt.length; i++) {
      salt[i] = (byte) (i * 7 + 3);
    }
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(salt, "HmacSHA1"));
    byte[] hash = mac.doFinal(("[127.0.0.1]:" + server.port()).getBytes(StandardCharsets.UTF_8));
    Base64.Encoder b64 = Base64.getEncoder();
    String line =
        "|1|"
            + b64.encodeToString(salt)
            + "|"
            + b64.encodeToString(hash)
            + " "
            + PublicKeyEntry.toString(server.hostKey());
    Files.writeString(knownHosts, "# hashed\n" + line + "\n");

    assertThat(sessions.run(target(HostKeyPolicy.STRICT), "uname -s", TIMEOUT).stdout())
        .isEqualTo("Linux\n");
  }

  @Test
  void anEntryForAnotherPortDoesNotVouchForThisOne() throws Exception {
    Files.writeString(knownHosts, "127.0.0.1 " + PublicKeyEntry.toString(server.hostKey()) + "\n");
    assertThatThrownBy(() -> sessions.run(target(HostKeyPolicy.STRICT), "uname -s", TIMEOUT))
        .isInstanceOfSatisfying(
            SshFailure.class,
            f -> assertThat(f.kind()).isEqualTo(SshFailure.Kind.UNKNOWN_HOST_KEY));
  }

  @Test
  void aLearnedKeyWinsOverKnownHosts() throws Exception {
    Files.writeString(knownHosts, server.knownHostsLine() + "\n");
    PublicKey pinned = KeyFiles.ed25519().getPublic();
    store.pin("127.0.0.1:" + server.port(), pinned);
    assertThatThrownBy(() -> sessions.run(target(HostKeyPolicy.STRICT), "uname -s", TIMEOUT))
        .isInstanceOfSatisfying(
            SshFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(SshFailure.Kind.CHANGED_HOST_KEY);
              assertThat(f.getMessage()).contains(openSshFingerprint(pinned));
            });
  }

  @Test
  void aHostWithSeveralKeysIsAskedForTheTypeAlreadyKnown() throws Exception {
    KeyPair ecdsa = RecordedSshServer.generate(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
    KeyPair ed25519 = KeyFiles.ed25519();
    KeyPair rsa = RecordedSshServer.generate(KeyPairProvider.SSH_RSA, 2048);
    server.replaceHostKeys(ecdsa, ed25519, rsa);
    for (KeyPair known : List.of(ecdsa, ed25519, rsa)) {
      Files.writeString(knownHosts, server.knownHostsLine(known.getPublic()) + "\n");
      SshTarget target = target(HostKeyPolicy.STRICT);
      sessions.forget(target);
      assertThat(sessions.run(target, "uname -s", TIMEOUT).stdout())
          .as("known_hosts holds only the %s key", KeyUtils.getKeyType(known))
          .isEqualTo("Linux\n");
    }
    assertThat(store.refusals()).isEmpty();
  }

  /** OpenSSH's SHA256 fingerprint, computed here from the key's wire blob: SHA256:base64. */
  static String openSshFingerprint(PublicKey key) {
    String blob = PublicKeyEntry.toString(key).split(" ", -1)[1];
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(blob));
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
