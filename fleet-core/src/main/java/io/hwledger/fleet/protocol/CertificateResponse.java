package io.hwledger.fleet.protocol;

import java.util.List;

/**
 * The answer to an enrollment or renewal: the agent's certificate and the CAs the fleet trusts.
 *
 * @param v the protocol version
 * @param agentId the agent's identity, a UUID the server assigned
 * @param fleet the fleet's id, as in the certificate's {@code spiffe://} URI
 * @param certificate the agent's certificate, PEM
 * @param trustedCas every CA certificate the fleet trusts, PEM, the issuing one first
 * @param notAfterMillis when the certificate expires
 */
public record CertificateResponse(
    int v,
    String agentId,
    String fleet,
    String certificate,
    List<String> trustedCas,
    long notAfterMillis) {

  /**
   * Validates and copies.
   *
   * @param v the protocol version
   * @param agentId the agent's UUID
   * @param fleet the fleet id
   * @param certificate PEM
   * @param trustedCas PEM certificates, 1 to 8
   * @param notAfterMillis expiry
   * @throws IllegalArgumentException naming what is wrong
   */
  public CertificateResponse {
    Protocol.checkVersion(v);
    Values.text(agentId, "agentId", 36);
    Values.text(fleet, "fleet", 63);
    Values.pem(certificate, "certificate", 16384);
    trustedCas = List.copyOf(Values.list(trustedCas, "trustedCas", 8));
    trustedCas.forEach(ca -> Values.pem(ca, "trustedCas", 16384));
    if (trustedCas.isEmpty()) {
      throw new IllegalArgumentException("trustedCas is empty");
    }
  }
}
