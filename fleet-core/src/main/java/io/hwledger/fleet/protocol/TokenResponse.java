package io.hwledger.fleet.protocol;

/**
 * A new join token: the one time the secret leaves the server.
 *
 * @param v the protocol version
 * @param tokenId the token's public id, for {@code fleet token revoke}
 * @param join the join string for {@code hwledger agent join}; holds the secret
 * @param expiresAtMillis when the token stops working
 * @param uses how many agents can join with it
 */
public record TokenResponse(int v, String tokenId, String join, long expiresAtMillis, int uses) {

  /**
   * Validates.
   *
   * @param v the protocol version
   * @param tokenId 32 hex digits
   * @param join a join string
   * @param expiresAtMillis expiry
   * @param uses at least 1
   * @throws IllegalArgumentException naming what is wrong
   */
  public TokenResponse {
    Protocol.checkVersion(v);
    Values.text(tokenId, "tokenId", 32);
    JoinString.parse(join);
    Values.atLeast(uses, 1, "uses");
  }

  @Override
  public String toString() {
    return "TokenResponse[" + tokenId + ", expires " + expiresAtMillis + ", uses " + uses + "]";
  }
}
