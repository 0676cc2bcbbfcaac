package io.hwledger.fleet.protocol;

/**
 * GPU memory one process holds on one device.
 *
 * @param pid the process id on the agent's host
 * @param usedBytes device memory it holds, bytes
 */
public record ProcessUsage(long pid, long usedBytes) {

  /**
   * Validates.
   *
   * @param pid at least 1
   * @param usedBytes at least 0
   * @throws IllegalArgumentException naming what is wrong
   */
  public ProcessUsage {
    Values.atLeast(pid, 1, "pid");
    Values.atLeast(usedBytes, 0, "usedBytes");
  }
}
