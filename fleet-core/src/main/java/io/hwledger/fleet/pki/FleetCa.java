package io.hwledger.fleet.pki;

import io.hwledger.api.Printable;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A fleet's certificate authority: an ECDSA P-256 key and its self-signed certificate, which issues
 * the agents' short-lived client certificates from their certificate requests (FLEET.md §3). On
 * disk it is {@code ca.crt} (PEM) and {@code ca.key}, PKCS#8 encrypted with a passphrase (PBKDF2
 * and AES-256-CBC), readable by its owner only.
 *
 * <p>An agent's certificate names what the CA decides, never what the request asks: subject {@code
 * CN=<uuid>}, one URI name {@code spiffe://<fleet>/agent/<uuid>}, client authentication only.
 * Instances are immutable and thread-safe.
 */
public final class FleetCa {
  /** The certificate file in a CA directory. */
  public static final String CERTIFICATE_FILE = "ca.crt";

  /** The encrypted key file in a CA directory. */
  public static final String KEY_FILE = "ca.key";

  /** The shortest agent certificate lifetime accepted (FLEET.md §3: 1 h to 7 d). */
  public static final Duration MIN_AGENT_LIFETIME = Duration.ofHours(1);

  /** The longest agent certificate lifetime accepted. */
  public static final Duration MAX_AGENT_LIFETIME = Duration.ofDays(7);

  /** The longest operator certificate lifetime accepted (397 days, the CA/B limit for TLS). */
  public static final Duration MAX_ADMIN_LIFETIME = Duration.ofDays(397);

  /** How far before "now" an issued certificate starts, for clocks that run a little behind. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Pattern ADMIN_NAME = Pattern.compile("[a-z0-9._-]{1,63}");
  private static final Pattern FLEET_ID = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?");

  private final String fleetId;
  private final X509Certificate certificate;
  private final PrivateKey key;
  private final SecureRandom random;

  private FleetCa(
      String fleetId, X509Certificate certificate, PrivateKey key, SecureRandom random) {
    this.fleetId = fleetId;
    this.certificate = certificate;
    this.key = key;
    this.random = random;
  }

  /**
   * Creates a new CA for fleet {@code fleetId}, valid from {@link #CLOCK_SKEW} before {@code now}
   * until {@code now + lifetime}: like the certificates it issues, so a host whose clock lags by up
   * to the margin accepts a CA created just now (it is part of the chain the server presents).
   *
   * @param fleetId the fleet's name in agents' URIs: lower-case letters, digits, {@code .} and
   *     {@code -}, at most 63 characters, e.g. {@code gpu.example}
   * @param now the creation time
   * @param lifetime how long the CA is valid, at least {@link #MAX_AGENT_LIFETIME}
   * @param random the source of the key and serial numbers
   * @return the CA
   * @throws IllegalArgumentException if {@code fleetId} or {@code lifetime} is not valid
   */
  public static FleetCa create(
      String fleetId, Instant now, Duration lifetime, SecureRandom random) {
    checkFleetId(fleetId);
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(random, "random");
    if (lifetime.compareTo(MAX_AGENT_LIFETIME) < 0) {
      throw new IllegalArgumentException(
          "a CA must outlive the certificates it issues: lifetime " + lifetime + " is too short");
    }
    KeyPair keys = Keys.newP256(random);
    X500Name subject = new X500Name("CN=" + fleetId + " fleet CA");
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(random),
                  Date.from(now.minus(CLOCK_SKEW)),
                  Date.from(now.plus(lifetime)),
                  subject,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = sign(builder, keys.getPrivate());
      return new FleetCa(fleetId, cert, keys.getPrivate(), random);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot create the fleet CA: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the CA in {@code dir} ({@value #CERTIFICATE_FILE} and {@value #KEY_FILE}).
   *
   * @param dir the CA directory {@link #save} wrote
   * @param passphrase the passphrase {@code ca.key} was encrypted with; not kept
   * @param random the source of serial numbers for what it issues
   * @return the CA
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException naming the file when it is not a CA file, the key does not
   *     open with {@code passphrase} (the message never repeats it), or key and certificate do not
   *     belong together
   */
  public static FleetCa load(Path dir, char[] passphrase, SecureRandom random) throws IOException {
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(random, "random");
    Path certFile = dir.resolve(CERTIFICATE_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    X509Certificate cert = Pem.certificate(certFile);
    PrivateKey key;
    try (PEMParser parser = new PEMParser(new StringReader(Pem.read(keyFile)))) {
      Object object = parser.readObject();
      if (!(object instanceof PKCS8EncryptedPrivateKeyInfo encrypted)) {
        throw new IllegalArgumentException(
            keyFile + ": not an encrypted PKCS#8 key (BEGIN ENCRYPTED PRIVATE KEY)");
      }
      InputDecryptorProvider decryptor =
          new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(passphrase);
      key = Keys.jdkPrivateKey(encrypted.decryptPrivateKeyInfo(decryptor).getEncoded());
    } catch (PKCSException e) {
      throw new IllegalArgumentException(keyFile + ": the passphrase does not open this key", e);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot decrypt " + keyFile + ": " + e.getMessage(), e);
    }
    String cn = new X500Name(cert.getSubjectX500Principal().getName()).toString();
    String fleetId = cn.replaceFirst("^CN=", "").replaceFirst(" fleet CA$", "");
    if (!FLEET_ID.matcher(fleetId).matches()) {
      throw new IllegalArgumentException(certFile + ": not a fleet CA certificate (" + cn + ")");
    }
    if (!Keys.belongTogether(key, cert.getPublicKey())) {
      throw new IllegalArgumentException(keyFile + ": this key is not the key of " + certFile);
    }
    return new FleetCa(fleetId, cert, key, random);
  }

  /**
   * Writes {@value #CERTIFICATE_FILE} and {@value #KEY_FILE} into {@code dir} (created if needed),
   * the key encrypted with {@code passphrase} and readable by its owner only. Refuses to replace an
   * existing CA.
   *
   * @param dir the CA directory
   * @param passphrase at least 12 characters; not kept
   * @throws IOException if a file cannot be written
   * @throws IllegalArgumentException if the passphrase is too short or a CA is already there
   */
  public void save(Path dir, char[] passphrase) throws IOException {
    if (passphrase.length < 12) {
      throw new IllegalArgumentException("the CA passphrase must have at least 12 characters");
    }
    Files.createDirectories(dir);
    Path keyFile = dir.resolve(KEY_FILE);
    Path certFile = dir.resolve(CERTIFICATE_FILE);
    if (Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)
        || Files.exists(certFile, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(dir + " already holds a CA; it is never overwritten");
    }
    StringWriter keyPem = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(keyPem)) {
      w.writeObject(
          new JcaPKCS8Generator(
              key,
              new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                  .setProvider(Bc.PROVIDER)
                  .setRandom(random)
                  .setPassword(passphrase)
                  .build()));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot encrypt the CA key: " + e.getMessage(), e);
    }
    // created owner-only, so the key is never readable by others, not even for a moment
    Files.createFile(
        keyFile,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(
        keyFile,
        keyPem.toString().getBytes(StandardCharsets.US_ASCII),
        StandardOpenOption.TRUNCATE_EXISTING);
    Files.writeString(
        certFile, Pem.of(certificate), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
  }

  /**
   * The fleet's name, as in its agents' URIs.
   *
   * @return the fleet id given to {@link #create}
   */
  public String fleetId() {
    return fleetId;
  }

  /**
   * The CA's certificate, which agents and the server trust.
   *
   * @return the self-signed certificate
   */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * The pin an agent checks before it sends a join token: {@code sha256:} and the lower-case hex
   * SHA-256 of the CA certificate's DER SubjectPublicKeyInfo.
   *
   * @return the pin, 71 characters
   */
  public String pin() {
    return pinOf(certificate);
  }

  /**
   * The pin of any certificate, as {@link #pin()} computes it.
   *
   * @param certificate a CA certificate
   * @return {@code sha256:<64 hex digits>}
   */
  public static String pinOf(X509Certificate certificate) {
    try {
      byte[] spki = certificate.getPublicKey().getEncoded();
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /**
   * Issues agent {@code agent}'s client certificate for the key in {@code request}, valid from
   * {@link #CLOCK_SKEW} before {@code now} until {@code now + lifetime}. The request proves
   * possession of its key (its signature is checked); its subject and any names it asks for are
   * ignored.
   *
   * @param request a DER PKCS#10 request with an ECDSA P-256 key, as {@link AgentKeys#request}
   *     makes
   * @param agent the identity the server assigned
   * @param lifetime from {@link #MIN_AGENT_LIFETIME} to {@link #MAX_AGENT_LIFETIME}
   * @param now the issuing time
   * @return the certificate
   * @throws IllegalArgumentException if the request is malformed, not signed by its key, not a
   *     P-256 key, or the lifetime is out of range or outlives the CA
   */
  public X509Certificate issueAgent(byte[] request, UUID agent, Duration lifetime, Instant now) {
    Objects.requireNonNull(agent, "agent");
    checkLifetime(lifetime, MAX_AGENT_LIFETIME, "an agent certificate lives from 1 hour to 7 days");
    return issue(
        Keys.p256(verified(request)),
        new X500Principal("CN=" + agent),
        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, agentUri(agent))),
        KeyPurposeId.id_kp_clientAuth,
        lifetime,
        now);
  }

  private X509Certificate issue(
      PublicKey subjectKey,
      X500Principal subject,
      GeneralNames names,
      KeyPurposeId purpose,
      Duration lifetime,
      Instant now) {
    Objects.requireNonNull(now, "now");
    Instant notAfter = now.plus(lifetime);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      throw new IllegalArgumentException(
          "a certificate until " + notAfter + " would outlive the CA; rotate the CA");
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  certificate,
                  serial(random),
                  Date.from(now.minus(CLOCK_SKEW)),
                  Date.from(notAfter),
                  subject,
                  subjectKey)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
              .addExtension(Extension.subjectAlternativeName, true, names)
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(certificate));
      return sign(builder, key);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
    }
  }

  /** A host name of letters, digits and inner hyphens, labels of 1 to 63, 253 characters in all. */
  private static boolean isDnsName(String name) {
    if (name == null || name.isEmpty() || name.length() > 253) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty()
          || label.length() > 63
          || label.charAt(0) == '-'
          || label.charAt(label.length() - 1) == '-') {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(c == '-'
            || (c >= '0' && c <= '9')
            || (c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z'))) {
          return false;
        }
      }
    }
    return true;
  }

  private static void checkLifetime(Duration lifetime, Duration max, String rule) {
    Objects.requireNonNull(lifetime, "lifetime");
    if (lifetime.compareTo(MIN_AGENT_LIFETIME) < 0 || lifetime.compareTo(max) > 0) {
      throw new IllegalArgumentException(rule + ", not " + lifetime);
    }
  }

  /**
   * Issues the fleet server's TLS certificate for {@code serverKey}, naming every DNS name and IP
   * address agents dial, valid from {@link #CLOCK_SKEW} before {@code now} for {@code lifetime}.
   *
   * @param serverKey the server's P-256 public key
   * @param dnsNames host names agents use, e.g. {@code fleet.example.org}, {@code localhost}
   * @param addresses IP addresses agents use, e.g. {@code 127.0.0.1}
   * @param lifetime how long it is valid, at most the CA's remaining life
   * @param now the issuing time
   * @return the certificate: {@code CN=<fleet> server}, server authentication only
   * @throws IllegalArgumentException if no name is given, a DNS name is malformed, or the
   *     certificate would outlive the CA
   */
  public X509Certificate issueServer(
      PublicKey serverKey,
      List<String> dnsNames,
      List<InetAddress> addresses,
      Duration lifetime,
      Instant now) {
    Objects.requireNonNull(serverKey, "serverKey");
    List<GeneralName> names = new ArrayList<>();
    for (String dns : dnsNames) {
      if (!isDnsName(dns)) {
        throw new IllegalArgumentException("not a DNS name: " + dns);
      }
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (InetAddress address : addresses) {
      names.add(new GeneralName(GeneralName.iPAddress, address.getHostAddress()));
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a server certificate needs at least one name");
    }
    return issue(
        serverKey,
        new X500Principal("CN=" + fleetId + " server"),
        new GeneralNames(names.toArray(GeneralName[]::new)),
        KeyPurposeId.id_kp_serverAuth,
        lifetime,
        now);
  }

  /**
   * Issues an operator's certificate from a request, as for agents: the CA assigns the identity
   * ({@code spiffe://<fleet>/admin/<name>}), the request only proves possession of its key.
   *
   * @param request a DER PKCS#10 request with an ECDSA P-256 key
   * @param name the operator's name, 1 to 63 of {@code [a-z0-9._-]}
   * @param lifetime from {@link #MIN_AGENT_LIFETIME} to {@link #MAX_ADMIN_LIFETIME}
   * @param now the issuing time
   * @return the certificate: {@code CN=admin:<name>}, client authentication only
   * @throws IllegalArgumentException if the request, name or lifetime is invalid
   */
  public X509Certificate issueAdmin(byte[] request, String name, Duration lifetime, Instant now) {
    checkAdminName(name);
    checkLifetime(
        lifetime, MAX_ADMIN_LIFETIME, "an admin certificate lives from 1 hour to 397 days");
    return issue(
        Keys.p256(verified(request)),
        new X500Principal("CN=admin:" + name),
        new GeneralNames(
            new GeneralName(
                GeneralName.uniformResourceIdentifier,
                FleetIdentity.uri(fleetId, FleetIdentity.Role.ADMIN, name))),
        KeyPurposeId.id_kp_clientAuth,
        lifetime,
        now);
  }

  /**
   * Checks an operator's name as it goes into {@code spiffe://<fleet>/admin/<name>}: 1 to 63
   * lower-case letters, digits, {@code .}, {@code _} or {@code -}, so it is safe in a URI, a path
   * segment and a file name.
   *
   * @param name the name to check
   * @return {@code name}
   * @throws IllegalArgumentException naming the rule when it is not such a name
   */
  public static String checkAdminName(String name) {
    if (name == null || !ADMIN_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "an admin name is 1 to 63 lower-case letters, digits, '.', '_' or '-', was "
              + (name == null
                  ? null
                  : "'"
                      + Printable.escape(name.length() > 80 ? name.substring(0, 80) + "…" : name)
                      + "'"));
    }
    return name;
  }

  /**
   * The URI an agent's certificate names.
   *
   * @param agent the agent's identity
   * @return {@code spiffe://<fleet id>/agent/<uuid>}
   */
  public String agentUri(UUID agent) {
    return FleetIdentity.uri(fleetId, FleetIdentity.Role.AGENT, agent.toString());
  }

  @Override
  public String toString() {
    return "FleetCa[" + fleetId + ", " + pin() + "]"; // never the key
  }

  private static PKCS10CertificationRequest verified(byte[] der) {
    PKCS10CertificationRequest csr;
    try {
      csr = new PKCS10CertificationRequest(Objects.requireNonNull(der, "request"));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a PKCS#10 certificate request", e);
    }
    try {
      if (!csr.isSignatureValid(
          new JcaContentVerifierProviderBuilder()
              .setProvider(Bc.PROVIDER)
              .build(csr.getSubjectPublicKeyInfo()))) {
        throw new IllegalArgumentException(
            "the certificate request is not signed by its own key (no proof of possession)");
      }
    } catch (OperatorCreationException | PKCSException e) {
      throw new IllegalArgumentException(
          "the certificate request's signature cannot be checked: " + e.getMessage(), e);
    }
    return csr;
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws CertificateException {
    try {
      ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE).build(signer);
      X509CertificateHolder holder = builder.build(contentSigner);
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign with " + SIGNATURE + ": " + e.getMessage(), e);
    }
  }

  /** A positive 127-bit serial number: unpredictable, as CA/B rules ask of public CAs. */
  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static void checkFleetId(String fleetId) {
    if (fleetId == null || !FLEET_ID.matcher(fleetId).matches()) {
      throw new IllegalArgumentException(
          "fleet id must be 1 to 63 lower-case letters, digits, '.' or '-', was " + fleetId);
    }
  }
}
