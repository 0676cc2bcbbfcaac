package io.hwledger.fleet.protocol;

/**
 * The answer to an {@link OperatorRequest}: the operator's certificate, as the server recorded it.
 *
 * @param v the protocol version
 * @param name the operator's name, as in the certificate's {@code spiffe://<fleet>/admin/<name>}
 * @param fleet the fleet's id
 * @param serial the certificate's serial number, lower-case hex, as the server checks it
 * @param certificate the operator's certificate, PEM
 * @param notAfterMillis when the certificate expires, epoch milliseconds
 */
public record OperatorResponse(
    int v, String name, String fleet, String serial, String certificate, long notAfterMillis) {

  /**
   * Validates.
   *
   * @param v the protocol version
   * @param name 1 to 63 characters
   * @param fleet the fleet id
   * @param serial 1 to 64 characters
   * @param certificate PEM
   * @param notAfterMillis expiry
   * @throws IllegalArgumentException naming what is wrong
   */
  public OperatorResponse {
    Protocol.checkVersion(v);
    Values.text(name, "name", 63);
    Values.text(fleet, "fleet", 63);
    Values.text(serial, "serial", 64);
    Values.pem(certificate, "certificate", 16384);
  }
}
