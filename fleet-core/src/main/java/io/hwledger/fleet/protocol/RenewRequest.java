package io.hwledger.fleet.protocol;

/**
 * A certificate renewal: {@code POST /v1/renew} over mutual TLS with the current certificate, for a
 * fresh key.
 *
 * @param v the protocol version
 * @param csr the new key's PKCS#10 certificate request, DER in base64
 */
public record RenewRequest(int v, String csr) {

  /**
   * Validates.
   *
   * @param v the protocol version
   * @param csr base64 DER, 1 to 8192 characters
   * @throws IllegalArgumentException naming what is wrong
   */
  public RenewRequest {
    Protocol.checkVersion(v);
    Values.text(csr, "csr", 8192);
  }
}
