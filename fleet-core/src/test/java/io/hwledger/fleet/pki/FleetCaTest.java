package io.hwledger.fleet.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies({"FR-FLEET-001", "FR-FLEET-002"})
class FleetCaTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] PASSPHRASE = "correct horse battery".toCharArray();
  private static final UUID AGENT = UUID.fromString("6f1c2d4e-8a9b-4c3d-9e8f-0123456789ab");

  private final FleetCa ca = FleetCa.create("gpu.example", NOW, Duration.ofDays(3650), RANDOM);

  /** The JDK's own PKIX validation at {@code at}, trusting only {@code anchor}. */
  private static void validate(X509Certificate leaf, X509Certificate anchor, Instant at)
      throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(at));
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
  }

  @Test
  void anIssuedAgentCertificateNamesWhatTheCaAssignsAndValidatesWithTheJdk() throws Exception {
    KeyPair agentKeys = AgentKeys.generate(RANDOM);
    X509Certificate cert =
        ca.issueAgent(AgentKeys.request(agentKeys), AGENT, Duration.ofHours(24), NOW);

    validate(cert, ca.certificate(), NOW.plus(Duration.ofHours(23)));
    assertThat(cert.getPublicKey()).isEqualTo(agentKeys.getPublic());
    assertThat(cert.getSubjectX500Principal())
        .isEqualTo(new X500Principal("CN=6f1c2d4e-8a9b-4c3d-9e8f-0123456789ab"));
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactly(List.of(6, "spiffe://gpu.example/agent/" + AGENT)); // 6: URI
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2"); // clientAuth
    assertThat(cert.getBasicConstraints()).isEqualTo(-1); // not a CA
    // 24 h from now, starting five minutes early for clocks that lag
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(Instant.parse("2026-12-05T11:55:00Z"));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(Instant.parse("2026-12-06T12:00:00Z"));
  }

  @Test
  void anExpiredCertificateOrOneFromAnotherCaDoesNotValidate() throws Exception {
    X509Certificate cert =
        ca.issueAgent(
            AgentKeys.request(AgentKeys.generate(RANDOM)), AGENT, Duration.ofHours(24), NOW);
    assertThatThrownBy(() -> validate(cert, ca.certificate(), NOW.plus(Duration.ofHours(25))))
        .isInstanceOf(CertPathValidatorException.class);
    FleetCa other = FleetCa.create("gpu.example", NOW, Duration.ofDays(3650), RANDOM);
    assertThatThrownBy(() -> validate(cert, other.certificate(), NOW.plus(Duration.ofHours(1))))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void aChainFromACaCreatedJustNowValidatesOnAClockUpToFiveMinutesBehind() throws Exception {
    X509Certificate leaf =
        ca.issueAgent(
            AgentKeys.request(AgentKeys.generate(RANDOM)), AGENT, Duration.ofHours(24), NOW);
    // the chain as a server presents it, its CA included: both start 5 minutes before NOW
    assertThat(ca.certificate().getNotBefore().toInstant())
        .isEqualTo(Instant.parse("2026-12-05T11:55:00Z"));
    List<X509Certificate> chain = List.of(leaf, ca.certificate());
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(Instant.parse("2026-12-05T11:56:00Z"))); // 4 minutes behind
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
    params.setDate(Date.from(Instant.parse("2026-12-05T11:54:00Z"))); // 6 minutes behind
    assertThatThrownBy(
            () ->
                CertPathValidator.getInstance("PKIX")
                    .validate(
                        CertificateFactory.getInstance("X.509").generateCertPath(chain), params))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void theNamesARequestAsksForAreIgnored() throws Exception {
    KeyPair keys = AgentKeys.generate(RANDOM);
    GeneralNames asked =
        new GeneralNames(
            new GeneralName(
                GeneralName.uniformResourceIdentifier,
                "spiffe://gpu.example/agent/00000000-0000-0000-0000-000000000001"));
    byte[] request =
        new JcaPKCS10CertificationRequestBuilder(
                new X500Principal("CN=00000000-0000-0000-0000-000000000001"), keys.getPublic())
            .addAttribute(
                org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
                new org.bouncycastle.asn1.x509.Extensions(
                    new Extension(Extension.subjectAlternativeName, false, asked.getEncoded())))
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
            .getEncoded();
    X509Certificate cert = ca.issueAgent(request, AGENT, Duration.ofHours(1), NOW);
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + AGENT);
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactly(List.of(6, "spiffe://gpu.example/agent/" + AGENT));
  }

  @Test
  void aRequestNotSignedByItsKeyOrWithAnotherKeyTypeIsRefused() throws Exception {
    KeyPair keys = AgentKeys.generate(RANDOM);
    KeyPair thief = AgentKeys.generate(RANDOM);
    byte[] foreign =
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), keys.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(thief.getPrivate()))
            .getEncoded();
    assertThatThrownBy(() -> ca.issueAgent(foreign, AGENT, Duration.ofHours(24), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the certificate request is not signed by its own key (no proof of possession)");

    java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048, RANDOM);
    KeyPair rsaKeys = rsa.generateKeyPair();
    byte[] rsaRequest =
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), rsaKeys.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withRSA").build(rsaKeys.getPrivate()))
            .getEncoded();
    assertThatThrownBy(() -> ca.issueAgent(rsaRequest, AGENT, Duration.ofHours(24), NOW))
        .hasMessage("the certificate request's key must be ECDSA P-256, was RSA");
    assertThatThrownBy(
            () -> ca.issueAgent(new byte[] {0x30, 0x03, 1, 2, 3}, AGENT, Duration.ofHours(24), NOW))
        .hasMessage("not a PKCS#10 certificate request");
  }

  @Test
  void lifetimesOutsideOneHourToSevenDaysOrBeyondTheCaAreRefused() {
    byte[] request = AgentKeys.request(AgentKeys.generate(RANDOM));
    assertThatThrownBy(() -> ca.issueAgent(request, AGENT, Duration.ofMinutes(59), NOW))
        .hasMessage("an agent certificate lives from 1 hour to 7 days, not PT59M");
    assertThatThrownBy(() -> ca.issueAgent(request, AGENT, Duration.ofDays(8), NOW))
        .hasMessage("an agent certificate lives from 1 hour to 7 days, not PT192H");
    FleetCa shortLived = FleetCa.create("gpu.example", NOW, Duration.ofDays(7), RANDOM);
    assertThatThrownBy(
            () ->
                shortLived.issueAgent(
                    request, AGENT, Duration.ofDays(1), NOW.plus(Duration.ofDays(7))))
        .hasMessageContaining("would outlive the CA");
  }

  @Test
  void theCaIsSavedWithItsKeyEncryptedAndLoadsOnlyWithThePassphrase(@TempDir Path dir)
      throws Exception {
    Path caDir = dir.resolve("ca");
    ca.save(caDir, PASSPHRASE);
    String keyText = Files.readString(caDir.resolve(FleetCa.KEY_FILE), StandardCharsets.US_ASCII);
    assertThat(keyText)
        .startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        .doesNotContain("BEGIN PRIVATE KEY");
    assertThat(Files.getPosixFilePermissions(caDir.resolve(FleetCa.KEY_FILE)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    FleetCa loaded = FleetCa.load(caDir, PASSPHRASE, RANDOM);
    assertThat(loaded.certificate()).isEqualTo(ca.certificate());
    assertThat(loaded.fleetId()).isEqualTo("gpu.example");
    // the loaded key issues certificates the saved CA's certificate validates
    X509Certificate cert =
        loaded.issueAgent(
            AgentKeys.request(AgentKeys.generate(RANDOM)), AGENT, Duration.ofHours(2), NOW);
    validate(cert, ca.certificate(), NOW.plus(Duration.ofHours(1)));

    char[] wrong = "incorrect horse battery".toCharArray();
    assertThatThrownBy(() -> FleetCa.load(caDir, wrong, RANDOM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("ca.key: the passphrase does not open this key")
        .hasMessageNotContaining("horse");
    assertThatThrownBy(() -> ca.save(caDir, PASSPHRASE))
        .hasMessageContaining("already holds a CA; it is never overwritten");
    assertThatThrownBy(() -> ca.save(dir.resolve("other"), "short".toCharArray()))
        .hasMessage("the CA passphrase must have at least 12 characters");
  }

  @Test
  void thePinIsWhatOpenSslComputesFromTheCertificate() throws Exception {
    // pinned-ca.crt was made by FleetCa.create; its pin was computed with OpenSSL 3:
    // openssl x509 -in pinned-ca.crt -pubkey -noout | openssl pkey -pubin -outform der | sha256sum
    X509Certificate pinned;
    try (var in = FleetCaTest.class.getResourceAsStream("pinned-ca.crt")) {
      pinned = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    assertThat(FleetCa.pinOf(pinned))
        .isEqualTo("sha256:340709d3cd10fa45daab6444b64c14f9cfec9f2f2e62045e00645e0ee092ee41");
    assertThat(ca.pin())
        .startsWith("sha256:")
        .hasSize(71)
        .isEqualTo(FleetCa.pinOf(ca.certificate()));
    assertThat(ca.toString()).contains(ca.pin()).doesNotContain("PRIVATE");
  }

  @Test
  void fleetIdsAreCheckedForTheirPlaceInAUri() {
    for (String bad : new String[] {"", "Gpu", "gpu/x", "-gpu", "gpu example"}) {
      assertThatThrownBy(() -> FleetCa.create(bad, NOW, Duration.ofDays(3650), RANDOM))
          .hasMessageStartingWith("fleet id must be 1 to 63 lower-case letters");
    }
  }
}
