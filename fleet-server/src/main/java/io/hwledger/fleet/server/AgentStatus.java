package io.hwledger.fleet.server;

/** An agent's liveness, as the server judges it from its heartbeats (FLEET.md §2). */
public enum AgentStatus {
  /** Heartbeating; placements go here. */
  READY,
  /** Silent past the not-ready threshold; no new placements, its jobs stay. */
  NOT_READY,
  /** Silent past the lost threshold too; its jobs were placed elsewhere. */
  LOST,
  /** Revoked by an operator; its certificate is refused. */
  REVOKED
}
