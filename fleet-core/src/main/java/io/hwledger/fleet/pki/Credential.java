package io.hwledger.fleet.pki;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * A private key with its certificate chain: the server's TLS identity, an agent's or an operator's.
 * On disk it is one file, {@code <name>.pem}: the unencrypted PKCS#8 key, then the chain, leaf
 * first; readable by its owner only, like a kubeconfig or an SSH key. One file, replaced by one
 * rename, so a renewal interrupted at any point leaves the old pair or the new one, never a key
 * with another key's certificate.
 *
 * @param key the private key
 * @param chain the certificate chain, leaf first, at least one certificate
 */
public record Credential(PrivateKey key, List<X509Certificate> chain) {

  /**
   * Checks and copies.
   *
   * @param key the private key, matching the leaf's public key
   * @param chain leaf first, not empty
   * @throws IllegalArgumentException if the chain is empty or the key does not match the leaf
   */
  public Credential {
    Objects.requireNonNull(key, "key");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a credential needs a certificate");
    }
    if (!Keys.belongTogether(key, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException("the key does not belong to the certificate");
    }
  }

  /**
   * The leaf certificate.
   *
   * @return the first certificate of the chain
   */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /**
   * Writes {@code <name>.pem} in {@code dir}, replacing an earlier one atomically (renewal): the
   * file is written beside its target, owner-only from creation, and renamed over it.
   *
   * @param dir the directory, created if missing
   * @param name the file names' stem, e.g. {@code server}
   * @throws IOException if a file cannot be written
   */
  public void save(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    StringBuilder pem = new StringBuilder();
    try {
      // PKCS#8 "PRIVATE KEY", as OpenSSL writes it (not BouncyCastle's default SEC1 for EC keys)
      pem.append(Pem.of(new JcaPKCS8Generator(key, null)));
    } catch (PemGenerationException e) {
      throw new IllegalStateException("cannot encode the key: " + e.getMessage(), e);
    }
    for (X509Certificate c : chain) {
      pem.append(Pem.of(c));
    }
    replace(dir, name + ".pem", pem.toString());
  }

  /**
   * Reads what {@link #save} wrote.
   *
   * @param dir the directory
   * @param name the file names' stem
   * @return the credential
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if a file is not what it should be, naming it
   */
  public static Credential load(Path dir, String name) throws IOException {
    Path file = dir.resolve(name + ".pem");
    String pem = Pem.read(file);
    PrivateKey key;
    List<X509Certificate> chain = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (!(o instanceof PrivateKeyInfo info)) {
        throw new IllegalArgumentException(
            file + ": does not start with an unencrypted PKCS#8 private key");
      }
      key = Keys.jdkPrivateKey(info.getEncoded());
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      while ((o = parser.readObject()) != null) {
        if (!(o instanceof X509CertificateHolder holder)) {
          throw new IllegalArgumentException(file + ": holds something other than certificates");
        }
        chain.add(converter.getCertificate(holder));
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + ": a certificate cannot be read", e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(file + ": holds no certificate after the key");
    }
    try {
      return new Credential(key, chain);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static void replace(Path dir, String file, String text) throws IOException {
    Path target = dir.resolve(file);
    Path temp = dir.resolve("." + file + ".tmp");
    Files.deleteIfExists(temp);
    Files.createFile(
        temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temp, text, StandardCharsets.US_ASCII);
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public String toString() {
    return "Credential[" + certificate().getSubjectX500Principal().getName() + "]"; // never the key
  }
}
