package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hwledger fleet init}: what it writes, and what it refuses before writing anything. */
@Verifies({"FR-CLI-009", "FR-CLI-005"})
class FleetInitCommandTest {
  private static final String PASSPHRASE = "correct horse battery staple";
  private static final Map<String, String> ENV = Map.of(FleetContext.PASSPHRASE_ENV, PASSPHRASE);

  @TempDir Path tmp;

  private Cli.Result init(Path dir, Map<String, String> env, String... more) {
    List<String> args = new ArrayList<>(List.of("fleet", "init", dir.toString()));
    args.addAll(List.of("--fleet-id", "gpu.example", "--url", "https://fleet.example:8443"));
    args.addAll(List.of(more));
    return Cli.runWithEnv(env, args.toArray(String[]::new));
  }

  /** The first certificate in a PEM file, after any key before it. */
  private static X509Certificate certificate(Path file)
      throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    String certificates = pem.substring(pem.indexOf("-----BEGIN CERTIFICATE-----"));
    try (InputStream in =
        new ByteArrayInputStream(certificates.getBytes(StandardCharsets.US_ASCII))) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** The pin as kubeadm computes it: SHA-256 of the DER SubjectPublicKeyInfo. */
  private static String pin(X509Certificate ca) throws GeneralSecurityException {
    byte[] spki = ca.getPublicKey().getEncoded();
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
  }

  private static String permissions(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  private static List<String> subjectAlternativeNames(X509Certificate cert)
      throws GeneralSecurityException {
    List<String> names = new ArrayList<>();
    for (List<?> san : cert.getSubjectAlternativeNames()) {
      names.add(san.get(0) + ":" + san.get(1)); // 2 = DNS, 7 = IP (RFC 5280 GeneralName tags)
    }
    return names;
  }

  private void assertNothingLeftIn(Path parent) throws IOException {
    try (Stream<Path> entries = Files.list(parent)) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .as("no fleet and no staging directory left behind")
          .noneMatch(name -> name.contains("fleet"));
    }
  }

  @Test
  void createsTheFleetWithOwnerOnlyKeysAndPrintsThePin() throws Exception {
    Path dir = tmp.resolve("fleet");
    Cli.Result r = init(dir, ENV);

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    for (String file :
        List.of(
            "ca/ca.crt",
            "ca/ca.key",
            "server/server.pem",
            "admin/admin.pem",
            "admin/ca.crt",
            "admin/server.url")) {
      assertThat(dir.resolve(file)).as(file).isRegularFile();
    }
    assertThat(dir.resolve("ledger")).isDirectory();
    assertThat(dir.resolve("trust")).isDirectory();
    for (String key : List.of("ca/ca.key", "server/server.pem", "admin/admin.pem")) {
      assertThat(permissions(dir.resolve(key))).as(key).isEqualTo("rw-------");
    }
    assertThat(Files.readString(dir.resolve("ca/ca.key"), StandardCharsets.US_ASCII))
        .as("the CA key is encrypted at rest")
        .contains("BEGIN ENCRYPTED PRIVATE KEY");
    assertThat(Files.readString(dir.resolve("admin/server.url"), StandardCharsets.US_ASCII).strip())
        .isEqualTo("https://fleet.example:8443");

    // The operator's key is unencrypted PKCS#8, as the JDK itself reads it.
    String pem = Files.readString(dir.resolve("admin/admin.pem"), StandardCharsets.US_ASCII);
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    String base64 =
        pem.substring(
            "-----BEGIN PRIVATE KEY-----".length(), pem.indexOf("-----END PRIVATE KEY-----"));
    byte[] der = Base64.getMimeDecoder().decode(base64.strip());
    assertThat(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der)))
        .isNotNull();

    X509Certificate ca = certificate(dir.resolve("ca/ca.crt"));
    assertThat(r.out()).contains(pin(ca));
    assertThat(r.out()).contains(dir.resolve("admin").toString());
    assertThat(r.out()).contains("hwledger fleet server " + dir);
    assertThat(r.out()).doesNotContain(PASSPHRASE);
    // The URL's host, and the loopback names because neither --dns nor --ip was given.
    assertThat(subjectAlternativeNames(certificate(dir.resolve("server/server.pem"))))
        .containsExactlyInAnyOrder("2:fleet.example", "2:localhost", "7:127.0.0.1");
  }

  @Test
  void anIpUrlAndExplicitNamesMakeTheCertificateNamesWithoutTheLoopbackDefaults() throws Exception {
    Path dir = tmp.resolve("fleet");
    Cli.Result r =
        Cli.runWithEnv(
            ENV,
            "fleet",
            "init",
            dir.toString(),
            "--fleet-id",
            "lab",
            "--url",
            "https://10.0.0.5:8443",
            "--dns",
            "gpu-fleet.lab.example",
            "--ip",
            "192.168.7.1");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(subjectAlternativeNames(certificate(dir.resolve("server/server.pem"))))
        .containsExactlyInAnyOrder("7:10.0.0.5", "2:gpu-fleet.lab.example", "7:192.168.7.1");
  }

  @Test
  void readsThePassphraseFromTheFirstLineOfAFile() throws Exception {
    Path file = tmp.resolve("passphrase");
    Files.writeString(file, PASSPHRASE + "\nsecond line is ignored\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Path dir = tmp.resolve("fleet");

    Cli.Result r = init(dir, Map.of(), "--passphrase-file", file.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(dir.resolve("ca/ca.key")).isRegularFile();
  }

  @Test
  void warnsWhenThePassphraseFileCanBeReadByOthers() throws Exception {
    Path file = tmp.resolve("passphrase");
    Files.writeString(file, PASSPHRASE + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    Cli.Result r = init(tmp.resolve("fleet"), Map.of(), "--passphrase-file", file.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).startsWith("hwledger: warning: ").contains("chmod 600");
    assertThat(r.err()).doesNotContain(PASSPHRASE);
  }

  @Test
  void refusesASecondInitAndLeavesTheFleetAsItWas() throws Exception {
    Path dir = tmp.resolve("fleet");
    assertThat(init(dir, ENV).exitCode()).isZero();
    byte[] ca = Files.readAllBytes(dir.resolve("ca/ca.crt"));
    byte[] key = Files.readAllBytes(dir.resolve("ca/ca.key"));

    Cli.Result again = init(dir, ENV);

    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.out()).isEmpty();
    assertThat(again.err().lines()).hasSize(1);
    assertThat(again.err()).startsWith("hwledger: ").contains("already holds a fleet");
    assertThat(Files.readAllBytes(dir.resolve("ca/ca.crt"))).isEqualTo(ca);
    assertThat(Files.readAllBytes(dir.resolve("ca/ca.key"))).isEqualTo(key);
  }

  @Test
  void refusesAShortPassphraseWithoutPrintingItOrWritingAnything() throws Exception {
    Cli.Result r = init(tmp.resolve("fleet"), Map.of(FleetContext.PASSPHRASE_ENV, "hunter2"));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("at least 12").contains("7 characters").doesNotContain("hunter2");
    assertNothingLeftIn(tmp);
  }

  @Test
  void refusesToRunWithoutAPassphrase() throws Exception {
    Cli.Result r = init(tmp.resolve("fleet"), Map.of());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err())
        .contains("--passphrase-file")
        .contains(FleetContext.PASSPHRASE_ENV)
        .contains("(try 'hwledger fleet init --help')");
    assertNothingLeftIn(tmp);
  }

  @Test
  void aBadFleetIdIsAUsageErrorAndLeavesNoStagingDirectory() throws Exception {
    Cli.Result r =
        Cli.runWithEnv(
            ENV,
            "fleet",
            "init",
            tmp.resolve("fleet").toString(),
            "--fleet-id",
            "Not A Fleet",
            "--url",
            "https://fleet.example:8443");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("fleet id");
    assertNothingLeftIn(tmp);
  }

  @Test
  void refusesAUrlThatIsNotHttpsHostPort() {
    for (String url :
        List.of("http://fleet.example:8443", "https://fleet.example:8443/api", "fleet.example")) {
      Cli.Result r =
          Cli.runWithEnv(
              ENV,
              "fleet",
              "init",
              tmp.resolve("fleet").toString(),
              "--fleet-id",
              "lab",
              "--url",
              url);

      assertThat(r.exitCode()).as(url).isEqualTo(2);
      assertThat(r.err()).as(url).startsWith("hwledger: --url: ");
    }
    assertThat(tmp.resolve("fleet")).doesNotExist();
  }

  @Test
  void refusesANonEmptyDirectoryThatHoldsNoFleet() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("fleet"));
    Files.writeString(dir.resolve("notes.txt"), "mine");

    Cli.Result r = init(dir, ENV);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("not empty");
    try (Stream<Path> entries = Files.list(dir)) {
      assertThat(entries).containsExactly(dir.resolve("notes.txt"));
    }
  }

  @Test
  void anIpThatIsNotAnAddressIsAUsageError() {
    Cli.Result r = init(tmp.resolve("fleet"), ENV, "--ip", "gpu.example");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--ip: 'gpu.example' is not an IPv4 or IPv6 address");
  }
}
