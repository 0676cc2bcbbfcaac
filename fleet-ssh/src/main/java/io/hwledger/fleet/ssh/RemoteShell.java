package io.hwledger.fleet.ssh;

/**
 * Runs one of the probe's fixed commands on a host; an SSH session, or recorded replies in tests.
 */
@FunctionalInterface
public interface RemoteShell {

  /**
   * Runs {@code command}, a fixed string of {@link HostProbe}'s (never built from input).
   *
   * @param command the command line
   * @return its output and exit status, whatever the status
   * @throws SshFailure if the host cannot be reached or the command cannot be run to its end
   */
  CommandOutput run(String command) throws SshFailure;
}
