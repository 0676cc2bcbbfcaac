package io.hwledger.fleet.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.fleet.ssh.fixtures.InMemoryHostKeyStore;
import io.hwledger.fleet.ssh.fixtures.KeyFiles;
import io.hwledger.fleet.ssh.fixtures.RecordedSshServer;
import io.hwledger.testsupport.Verifies;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies("FR-FLEET-041")
class ClientAuthenticationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private Path sshDir;
  private final InMemoryHostKeyStore store = new InMemoryHostKeyStore();
  private SshSessions sessions;

  @BeforeEach
  void start() throws Exception {
    sshDir = Files.createDirectories(dir.resolve("ssh"));
    sessions = new SshSessions(SshSettings.DEFAULTS, store, sshDir);
  }

  @AfterEach
  void stop() {
    sessions.close();
  }

  private SshTarget target(RecordedSshServer server, Path keyFile) throws Exception {
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, server.knownHostsLine() + "\n");
    return new SshTarget(
        server.address("gpu"), keyFile, List.of(), HostKeyPolicy.STRICT, knownHosts);
  }

  @Test
  void ed25519ClientAndHostKeysWorkWithBouncyCastleOnTheClassPath() throws Exception {
    assertThat(SecurityUtils.isBouncyCastleRegistered()).isTrue();
    assertThat(SecurityUtils.isEDDSACurveSupported()).isTrue();
    // MINA 2.20.1 has no Ed25519 of its own (nor the JDK's): it is BouncyCastle's, else none
    assertThat(SecurityUtils.getEdDSASupport())
        .hasValueSatisfying(s -> assertThat(s.getClass().getName()).contains(".bouncycastle."));
    KeyPair client = KeyFiles.ed25519();
    try (RecordedSshServer server = RecordedSshServer.start(client.getPublic())) {
      server.answer("hostname", "gpu-7\n", 0);
      Path key = KeyFiles.writeOpenSsh(client, dir.resolve("id_ed25519"));
      assertThat(sessions.run(target(server, key), "hostname", TIMEOUT))
          .isEqualTo(new CommandOutput(0, "gpu-7\n", ""));
    }
  }

  @Test
  void aPemRsaKeyAndAnOpenSshEcdsaKeyAreRead() throws Exception {
    KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
    rsaGen.initialize(2048);
    KeyPair rsa = rsaGen.generateKeyPair();
    KeyPair ecdsa = RecordedSshServer.generate("ecdsa-sha2-nistp256", 256);
    Path pem = dir.resolve("id_rsa");
    Files.createFile(
        pem, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (Writer w = Files.newBufferedWriter(pem);
        JcaPEMWriter pemWriter = new JcaPEMWriter(w)) {
      pemWriter.writeObject(rsa);
    }
    assertThat(Files.readString(pem)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    Path openSsh = KeyFiles.writeOpenSsh(ecdsa, dir.resolve("id_ecdsa"));
    try (RecordedSshServer server = RecordedSshServer.start(rsa.getPublic(), ecdsa.getPublic())) {
      server.answer("true", "", 0);
      assertThat(sessions.run(target(server, pem), "true", TIMEOUT).exitStatus()).isZero();
      assertThat(sessions.run(target(server, openSsh), "true", TIMEOUT).exitStatus()).isZero();
    }
  }

  @Test
  void withoutAKeyFileTheDefaultIdentitiesAreUsed() throws Exception {
    KeyPair client = KeyFiles.ed25519();
    KeyFiles.writeOpenSsh(client, sshDir.resolve("id_ecdsa")); // any default name is tried
    try (RecordedSshServer server = RecordedSshServer.start(client.getPublic())) {
      server.answer("true", "", 0);
      assertThat(sessions.run(target(server, null), "true", TIMEOUT).exitStatus()).isZero();
    }
  }

  @Test
  void aWrongClientKeyIsRefused() throws Exception {
    KeyPair allowed = KeyFiles.ed25519();
    Path other = KeyFiles.writeOpenSsh(KeyFiles.ed25519(), dir.resolve("id_other"));
    try (RecordedSshServer server = RecordedSshServer.start(allowed.getPublic())) {
      SshTarget target = target(server, other);
      assertThatThrownBy(() -> sessions.run(target, "true", TIMEOUT))
          .isInstanceOfSatisfying(
              SshFailure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(SshFailure.Kind.AUTHENTICATION);
                assertThat(f.getMessage()).contains("gpu@127.0.0.1:" + server.port());
              });
      assertThat(server.commandsRun()).isZero();
    }
  }

  @Test
  void aServerOfferingOnlyPasswordsIsRefusedWithoutSendingOne() throws Exception {
    KeyPair client = KeyFiles.ed25519();
    Path key = KeyFiles.writeOpenSsh(client, dir.resolve("id_test"));
    try (RecordedSshServer server =
        RecordedSshServer.builder().authorize(client.getPublic()).passwordOnly().start()) {
      SshTarget target = target(server, key);
      assertThatThrownBy(() -> sessions.run(target, "true", TIMEOUT))
          .isInstanceOfSatisfying(
              SshFailure.class,
              f -> assertThat(f.kind()).isEqualTo(SshFailure.Kind.AUTHENTICATION));
      assertThat(server.authAttempts()).as("no password was tried").isZero();
    }
  }

  @Test
  void aKeyFileReadableByOthersIsRefusedBeforeConnecting() throws Exception {
    KeyPair client = KeyFiles.ed25519();
    Path key = KeyFiles.writeOpenSsh(client, dir.resolve("id_test"));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    try (RecordedSshServer server = RecordedSshServer.start(client.getPublic())) {
      SshTarget target = target(server, key);
      assertThatThrownBy(() -> sessions.run(target, "true", TIMEOUT))
          .isInstanceOfSatisfying(
              SshFailure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(SshFailure.Kind.KEY_FILE);
                assertThat(f.getMessage()).contains(key.toString()).contains("rw-r--r--");
              });
      assertThat(server.sessionsOpened()).isZero();
    }
  }

  @Test
  void aPassphraseProtectedKeyIsRefusedNamingTheFile() throws Exception {
    KeyPair client = KeyFiles.ed25519();
    Path key = dir.resolve("id_encrypted");
    Files.createFile(
        key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    OpenSSHKeyEncryptionContext encryption = new OpenSSHKeyEncryptionContext();
    encryption.setPassword("correct horse battery staple");
    encryption.setCipherName("AES");
    encryption.setCipherMode("CTR");
    encryption.setCipherType("256");
    try (OutputStream out = Files.newOutputStream(key)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(client, "test", encryption, out);
    }
    try (RecordedSshServer server = RecordedSshServer.start(client.getPublic())) {
      SshTarget target = target(server, key);
      assertThatThrownBy(() -> sessions.run(target, "true", TIMEOUT))
          .isInstanceOfSatisfying(
              SshFailure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(SshFailure.Kind.KEY_FILE);
                assertThat(f.getMessage())
                    .contains(key.toString())
                    .contains("passphrase-protected keys are not supported")
                    .doesNotContain("correct horse");
              });
      assertThat(server.sessionsOpened()).isZero();
    }
  }

  @Test
  void aMissingOrUnreadableKeyFileIsRefused() throws Exception {
    Path missing = dir.resolve("nope");
    Path garbage = dir.resolve("garbage");
    Files.createFile(
        garbage,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(garbage, "not a key\n");
    try (RecordedSshServer server = RecordedSshServer.start(KeyFiles.ed25519().getPublic())) {
      for (Path key : List.of(missing, garbage)) {
        SshTarget target = target(server, key);
        assertThatThrownBy(() -> sessions.run(target, "true", TIMEOUT))
            .isInstanceOfSatisfying(
                SshFailure.class,
                f -> {
                  assertThat(f.kind()).isEqualTo(SshFailure.Kind.KEY_FILE);
                  assertThat(f.getMessage()).contains(key.toString());
                });
      }
      SshTarget noDefaults = target(server, null);
      assertThatThrownBy(() -> sessions.run(noDefaults, "true", TIMEOUT))
          .isInstanceOfSatisfying(
              SshFailure.class,
              f -> assertThat(f.getMessage()).contains("id_ed25519, id_ecdsa, id_rsa"));
    }
  }

  @Test
  void targetsAreValidated() {
    SshAddress a = SshAddress.parse("gpu@a.example");
    SshAddress b = SshAddress.parse("ops@bastion.example");
    assertThatThrownBy(() -> SshTarget.strict(a, Path.of("relative/key")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> new SshTarget(a, null, List.of(b, a), HostKeyPolicy.STRICT, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gpu@a.example:22");
    assertThatThrownBy(() -> new SshTarget(a, null, List.of(b, b), HostKeyPolicy.STRICT, null))
        .hasMessageContaining("twice");
    List<SshAddress> nine =
        java.util.stream.IntStream.rangeClosed(1, 9)
            .mapToObj(i -> SshAddress.parse("j@jump" + i + ".example"))
            .toList();
    assertThatThrownBy(() -> new SshTarget(a, null, nine, HostKeyPolicy.STRICT, null))
        .hasMessageContaining("at most 8");
    assertThat(SshTarget.strict(a, Path.of("/keys/../keys/id")).keyFile())
        .isEqualTo(Path.of("/keys/id"));
  }
}
