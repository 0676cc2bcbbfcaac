package io.hwledger.fleet.ssh;

import java.util.Objects;

/**
 * What a command wrote and how it exited, whatever its exit status: the caller decides what a
 * non-zero status means.
 *
 * @param exitStatus the exit status the server sent, or {@code -1} if it sent none
 * @param stdout standard output, UTF-8 (malformed bytes replaced), at most the stdout limit
 * @param stderr standard error, UTF-8, cut at the stderr limit
 */
public record CommandOutput(int exitStatus, String stdout, String stderr) {

  /** The exit status when the server sent none. */
  public static final int NO_EXIT_STATUS = -1;

  /**
   * Checks the parts.
   *
   * @param exitStatus the exit status, or {@code -1}
   * @param stdout standard output
   * @param stderr standard error
   */
  public CommandOutput {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    if (exitStatus < NO_EXIT_STATUS) {
      throw new IllegalArgumentException("exit status must be -1 or more, was " + exitStatus);
    }
  }
}
