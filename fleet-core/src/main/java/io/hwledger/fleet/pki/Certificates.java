package io.hwledger.fleet.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/** PEM text of certificates, as the protocol carries them and the fleet's files hold them. */
public final class Certificates {
  private Certificates() {}

  /**
   * One certificate as PEM.
   *
   * @param certificate the certificate
   * @return its PEM text
   */
  public static String toPem(X509Certificate certificate) {
    return Pem.of(certificate);
  }

  /**
   * The certificates in PEM text.
   *
   * @param pem PEM text of one or more certificates
   * @return them in order; empty when the text holds none
   * @throws IllegalArgumentException if the text is not PEM certificates
   */
  public static List<X509Certificate> parse(String pem) {
    return Pem.certificates(pem);
  }

  /**
   * The certificates in a PEM file of at most 64 KiB, not followed through a link.
   *
   * @param file the file
   * @return them in order, at least one
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException naming the file when it is not PEM certificates
   */
  public static List<X509Certificate> read(Path file) throws IOException {
    return Pem.certificates(file);
  }
}
