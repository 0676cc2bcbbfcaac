package io.hwledger.fleet.protocol;

import java.util.Map;

/**
 * An operator's request for a join token: {@code POST /v1/admin/tokens}.
 *
 * @param v the protocol version
 * @param ttlSeconds how long the token can be used, 60 s to 30 days
 * @param uses how many agents can join with it, 1 to 1000
 * @param labels labels every agent that joins with it gets
 */
public record TokenRequest(int v, long ttlSeconds, int uses, Map<String, String> labels) {

  /**
   * Validates and copies.
   *
   * @param v the protocol version
   * @param ttlSeconds 60 to 2,592,000
   * @param uses 1 to 1000
   * @param labels at most 64; null means none
   * @throws IllegalArgumentException naming what is wrong
   */
  public TokenRequest {
    Protocol.checkVersion(v);
    if (ttlSeconds < 60 || ttlSeconds > 30L * 24 * 3600) {
      throw new IllegalArgumentException(
          "ttl must be 1 minute to 30 days, was " + ttlSeconds + " s");
    }
    if (uses < 1 || uses > 1000) {
      throw new IllegalArgumentException("uses must be 1 to 1000, was " + uses);
    }
    labels = Map.copyOf(Values.labels(labels, "labels"));
  }
}
