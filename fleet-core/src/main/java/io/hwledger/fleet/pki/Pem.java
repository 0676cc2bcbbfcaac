package io.hwledger.fleet.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** Small PEM files: certificates and keys, read with a size limit and never through a link. */
final class Pem {
  /** More than any certificate or key the fleet writes. */
  static final int MAX_BYTES = 64 * 1024;

  private Pem() {}

  static String read(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_BYTES) {
      throw new IllegalArgumentException(
          file + ": not a regular file of at most " + MAX_BYTES + " bytes");
    }
    return Files.readString(file, StandardCharsets.US_ASCII);
  }

  static X509Certificate certificate(Path file) throws IOException {
    byte[] pem = read(file).getBytes(StandardCharsets.US_ASCII);
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(pem));
    } catch (CertificateException | ClassCastException e) {
      throw new IllegalArgumentException(file + ": not a PEM X.509 certificate", e);
    }
  }

  /** Every certificate in a PEM file, in order; at least one. */
  static List<X509Certificate> certificates(Path file) throws IOException {
    try {
      List<X509Certificate> out = certificates(read(file));
      if (out.isEmpty()) {
        throw new IllegalArgumentException("holds no certificate");
      }
      return out;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": not PEM X.509 certificates", e);
    }
  }

  /** Certificates from PEM text. */
  static List<X509Certificate> certificates(String pem) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (CertificateException | ClassCastException e) {
      throw new IllegalArgumentException("not PEM X.509 certificates", e);
    }
  }

  static String of(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write PEM", e);
    }
    return out.toString();
  }
}
