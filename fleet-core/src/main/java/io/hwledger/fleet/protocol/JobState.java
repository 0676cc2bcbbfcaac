package io.hwledger.fleet.protocol;

/** Where a job is in its life. */
public enum JobState {
  /** Placed on an agent's GPUs; the agent has not reported it yet. */
  PLACED,
  /** The agent started its process. */
  RUNNING,
  /** The process ended with exit status 0. */
  EXITED,
  /** The process ended otherwise, or could not start. */
  FAILED,
  /** The agent refused it: its executable is not on the agent's allowlist. */
  REFUSED,
  /** An operator cancelled it and the agent stopped it. */
  CANCELLED,
  /** The placement was given up (its agent was lost) and the job waits to be placed again. */
  PENDING;

  /**
   * Whether the job has ended for good.
   *
   * @return true for {@link #EXITED}, {@link #FAILED}, {@link #REFUSED} and {@link #CANCELLED}
   */
  public boolean terminal() {
    return this == EXITED || this == FAILED || this == REFUSED || this == CANCELLED;
  }
}
