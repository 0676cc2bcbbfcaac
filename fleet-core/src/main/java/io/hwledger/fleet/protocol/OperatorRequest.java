package io.hwledger.fleet.protocol;

/**
 * An operator's request for another operator's certificate: {@code POST /v1/admin/operators}. The
 * key was made where the request was made and never travels: {@code csr} carries only its public
 * half, signed by it. The server assigns the certificate's identity from {@code name}.
 *
 * @param v the protocol version
 * @param name the operator's name, 1 to 63 lower-case letters, digits, {@code .}, {@code _} or
 *     {@code -} (the server checks the characters)
 * @param csr the key's PKCS#10 certificate request, DER in base64
 * @param lifetimeSeconds the certificate's lifetime, seconds (the server accepts 1 hour to 397
 *     days)
 */
public record OperatorRequest(int v, String name, String csr, long lifetimeSeconds) {

  /**
   * Validates.
   *
   * @param v the protocol version
   * @param name 1 to 63 characters, no control character
   * @param csr base64 DER, 1 to 8192 characters
   * @param lifetimeSeconds at least 1
   * @throws IllegalArgumentException naming what is wrong
   */
  public OperatorRequest {
    Protocol.checkVersion(v);
    Values.text(name, "name", 63);
    Values.text(csr, "csr", 8192);
    Values.atLeast(lifetimeSeconds, 1, "lifetimeSeconds");
  }
}
