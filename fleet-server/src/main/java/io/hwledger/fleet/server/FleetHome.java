package io.hwledger.fleet.server;

import io.hwledger.fleet.pki.AgentKeys;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.pki.FleetCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A fleet server's directory, as {@code hwledger fleet init DIR} creates it:
 *
 * <pre>
 * DIR/ca/ca.crt, ca.key      the fleet CA; the key PKCS#8-encrypted under the passphrase
 * DIR/trust/*.crt            more CAs whose certificates are accepted (CA rotation)
 * DIR/server/server.pem      the server's TLS key and certificate chain (ending in the CA)
 * DIR/admin/                 an operator's credential: admin.pem, ca.crt, server.url
 * DIR/ledger/                the fleet's ledger: its audit trail and the source of its state
 * </pre>
 *
 * Keys are owner-only files. The admin directory is what {@code hwledger fleet --admin DIR/admin}
 * commands read; copy it to an operator's machine.
 */
public final class FleetHome {
  /** The server's TLS certificate lifetime {@link #init} issues. */
  public static final Duration SERVER_LIFETIME = Duration.ofDays(397);

  /** The first operator certificate's lifetime. */
  public static final Duration ADMIN_LIFETIME = Duration.ofDays(90);

  /** The CA's lifetime (FLEET.md §3: 5 to 10 years). */
  public static final Duration CA_LIFETIME = Duration.ofDays(3652);

  private final Path dir;

  private FleetHome(Path dir) {
    this.dir = dir;
  }

  /**
   * The fleet directory at {@code dir}, without reading anything yet.
   *
   * @param dir the directory {@link #init} wrote
   * @return the home
   */
  public static FleetHome at(Path dir) {
    return new FleetHome(Objects.requireNonNull(dir, "dir"));
  }

  /**
   * Creates a fleet: its CA, the server's certificate for the names agents dial, and a first
   * operator credential {@code admin}. Refuses a directory that already holds a fleet.
   *
   * @param dir the new fleet directory
   * @param fleetId the fleet's id in certificate URIs, e.g. {@code gpu.example}
   * @param passphrase encrypts the CA key, at least 12 characters; not kept
   * @param url the server's URL as agents will dial it, {@code https://host:port}
   * @param dnsNames DNS names for the server's certificate
   * @param addresses IP addresses for the server's certificate
   * @param now the issuing time
   * @param random the source of keys and serials
   * @return the home
   * @throws IOException if a file cannot be written
   * @throws IllegalArgumentException if the directory holds a fleet or an argument is invalid
   */
  public static FleetHome init(
      Path dir,
      String fleetId,
      char[] passphrase,
      URI url,
      List<String> dnsNames,
      List<InetAddress> addresses,
      Instant now,
      SecureRandom random)
      throws IOException {
    FleetHome home = new FleetHome(dir);
    if (Files.exists(home.caDir().resolve(FleetCa.CERTIFICATE_FILE), LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(dir + " already holds a fleet; it is never overwritten");
    }
    FleetCa ca = FleetCa.create(fleetId, now, CA_LIFETIME, random);
    ca.save(home.caDir(), passphrase);
    Files.createDirectories(home.trustDir());
    KeyPair serverKeys = AgentKeys.generate(random);
    X509Certificate serverCert =
        ca.issueServer(serverKeys.getPublic(), dnsNames, addresses, SERVER_LIFETIME, now);
    new Credential(serverKeys.getPrivate(), List.of(serverCert, ca.certificate()))
        .save(home.serverDir(), "server");
    home.issueAdmin(ca, "admin", home.adminDir(), url, ADMIN_LIFETIME, now, random);
    Files.createDirectories(home.ledgerDir());
    return home;
  }

  /**
   * Writes an operator credential into {@code out}: {@code admin.pem} (key and certificate), the CA
   * certificate {@code ca.crt} and the server's URL {@code server.url}.
   *
   * @param ca the fleet CA
   * @param name the operator's name
   * @param out the directory to write
   * @param url the server's URL
   * @param lifetime the certificate's lifetime
   * @param now the issuing time
   * @param random the key's source
   * @throws IOException if a file cannot be written
   */
  public void issueAdmin(
      FleetCa ca,
      String name,
      Path out,
      URI url,
      Duration lifetime,
      Instant now,
      SecureRandom random)
      throws IOException {
    KeyPair keys = AgentKeys.generate(random);
    X509Certificate cert = ca.issueAdmin(AgentKeys.request(keys), name, lifetime, now);
    saveAdmin(
        out, new Credential(keys.getPrivate(), List.of(cert)), List.of(ca.certificate()), url);
  }

  /**
   * Writes an operator credential directory in the layout {@link #issueAdmin} writes: {@code
   * admin.pem} (the key and certificate, owner-only, replaced atomically), {@code ca.crt} and
   * {@code server.url}.
   *
   * @param out the directory, created if missing
   * @param credential the operator's key and certificate
   * @param cas the CA certificates the operator trusts the server by
   * @param url the server's URL
   * @throws IOException if a file cannot be written
   */
  public static void saveAdmin(Path out, Credential credential, List<X509Certificate> cas, URI url)
      throws IOException {
    Objects.requireNonNull(url, "url");
    credential.save(out, "admin");
    StringBuilder pem = new StringBuilder();
    cas.forEach(c -> pem.append(Certificates.toPem(c)));
    Files.writeString(out.resolve("ca.crt"), pem, StandardCharsets.US_ASCII);
    Files.writeString(out.resolve("server.url"), url + "\n", StandardCharsets.US_ASCII);
  }

  /**
   * The operator certificate in {@code DIR/admin/admin.pem}, which the server records at start if
   * its ledger does not know it (the credential {@code fleet init} wrote, or a recovered one).
   *
   * @return the certificate; empty when there is no such file
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file when it is not a credential
   */
  public Optional<X509Certificate> adminCertificate() throws IOException {
    if (!Files.isRegularFile(adminDir().resolve("admin.pem"), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    return Optional.of(Credential.load(adminDir(), "admin").certificate());
  }

  /**
   * Reads the CA.
   *
   * @param passphrase the CA key's passphrase; not kept
   * @param random the source of serial numbers
   * @return the CA
   * @throws IOException if it cannot be read
   */
  public FleetCa ca(char[] passphrase, SecureRandom random) throws IOException {
    return FleetCa.load(caDir(), passphrase, random);
  }

  /**
   * The server's TLS credential.
   *
   * @return its key and chain
   * @throws IOException if it cannot be read
   */
  public Credential serverCredential() throws IOException {
    return Credential.load(serverDir(), "server");
  }

  /**
   * Every CA whose certificates the server accepts: the fleet CA, then each {@code trust/*.crt}.
   *
   * @param ca the fleet CA
   * @return the trusted CA certificates, the fleet CA first
   * @throws IOException if a file cannot be read
   */
  public List<X509Certificate> trusted(FleetCa ca) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    out.add(ca.certificate());
    if (Files.isDirectory(trustDir(), LinkOption.NOFOLLOW_LINKS)) {
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> s = Files.newDirectoryStream(trustDir(), "*.crt")) {
        s.forEach(files::add);
      }
      files.sort(null);
      for (Path f : files) {
        out.addAll(Certificates.read(f));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The directory.
   *
   * @return the fleet directory
   */
  public Path dir() {
    return dir;
  }

  /**
   * The ledger's directory.
   *
   * @return {@code DIR/ledger}
   */
  public Path ledgerDir() {
    return dir.resolve("ledger");
  }

  /**
   * The first operator credential's directory.
   *
   * @return {@code DIR/admin}
   */
  public Path adminDir() {
    return dir.resolve("admin");
  }

  private Path caDir() {
    return dir.resolve("ca");
  }

  private Path trustDir() {
    return dir.resolve("trust");
  }

  private Path serverDir() {
    return dir.resolve("server");
  }
}
