package io.hwledger.fleet.protocol;

import java.util.Map;

/**
 * An agent's enrollment: {@code POST /v1/enroll} with the join token as bearer credential. The
 * server assigns the agent's identity itself; whatever names the CSR asks for are ignored.
 *
 * @param v the protocol version
 * @param csr the agent's PKCS#10 certificate request, DER in base64
 * @param host the agent's host
 * @param labels pool labels for the agent's record (never put in its certificate)
 */
public record EnrollRequest(int v, String csr, HostFacts host, Map<String, String> labels) {

  /**
   * Validates and copies.
   *
   * @param v the protocol version
   * @param csr base64 DER, 1 to 8192 characters
   * @param host the host, not null
   * @param labels at most 64 labels; null means none
   * @throws IllegalArgumentException naming what is wrong
   */
  public EnrollRequest {
    Protocol.checkVersion(v);
    Values.text(csr, "csr", 8192);
    if (host == null) {
      throw new IllegalArgumentException("host is missing");
    }
    labels = Map.copyOf(Values.labels(labels, "labels"));
  }
}
