package io.hwledger.fleet.protocol;

/**
 * An agent's sign of life, sent on its own schedule so slow telemetry never delays it: {@code POST
 * /v1/agents/{id}/heartbeat}.
 *
 * @param v the protocol version
 * @param seq the agent's counter, increasing by one per heartbeat since it started
 * @param sentAtMillis the agent's clock when sent
 */
public record Heartbeat(int v, long seq, long sentAtMillis) {

  /**
   * Validates.
   *
   * @param v the protocol version
   * @param seq at least 0
   * @param sentAtMillis the agent's clock
   * @throws IllegalArgumentException naming what is wrong
   */
  public Heartbeat {
    Protocol.checkVersion(v);
    Values.atLeast(seq, 0, "seq");
  }
}
