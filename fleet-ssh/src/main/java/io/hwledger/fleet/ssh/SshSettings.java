package io.hwledger.fleet.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits every SSH session and command of {@link SshSessions} keeps.
 *
 * @param connectTimeout the longest wait for each hop's TCP connection
 * @param authTimeout the longest wait for each hop's key exchange and authentication together
 * @param idleTimeout a pooled session unused this long is closed (reopened on its next command)
 * @param maxStdoutBytes a command writing more than this to stdout is stopped ({@link
 *     SshFailure.Kind#OUTPUT_LIMIT}), in bytes
 * @param maxStderrBytes standard error is cut at this many bytes
 */
public record SshSettings(
    Duration connectTimeout,
    Duration authTimeout,
    Duration idleTimeout,
    int maxStdoutBytes,
    int maxStderrBytes) {

  /** The defaults: connect 10 s, authentication 10 s, idle 60 s, stdout 1 MiB, stderr 8 KiB. */
  public static final SshSettings DEFAULTS =
      new SshSettings(
          Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(60), 1 << 20, 8 << 10);

  /** The largest stdout limit, 64 MiB: a probe's answer is kilobytes. */
  public static final int MAX_STDOUT_BYTES = 64 << 20;

  /**
   * Checks the limits.
   *
   * @param connectTimeout positive
   * @param authTimeout positive
   * @param idleTimeout positive
   * @param maxStdoutBytes 1 to {@value #MAX_STDOUT_BYTES}
   * @param maxStderrBytes 0 to {@value #MAX_STDOUT_BYTES}
   * @throws IllegalArgumentException naming the value that is out of range
   */
  public SshSettings {
    positive(connectTimeout, "connect timeout");
    positive(authTimeout, "authentication timeout");
    positive(idleTimeout, "idle timeout");
    if (maxStdoutBytes < 1 || maxStdoutBytes > MAX_STDOUT_BYTES) {
      throw new IllegalArgumentException(
          "stdout limit must be 1 to " + MAX_STDOUT_BYTES + " bytes, was " + maxStdoutBytes);
    }
    if (maxStderrBytes < 0 || maxStderrBytes > MAX_STDOUT_BYTES) {
      throw new IllegalArgumentException(
          "stderr limit must be 0 to " + MAX_STDOUT_BYTES + " bytes, was " + maxStderrBytes);
    }
  }

  /**
   * These settings with another stdout limit.
   *
   * @param bytes the stdout limit
   * @return the new settings
   */
  public SshSettings withMaxStdoutBytes(int bytes) {
    return new SshSettings(connectTimeout, authTimeout, idleTimeout, bytes, maxStderrBytes);
  }

  static void positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + d);
    }
  }
}
