package io.hwledger.fleet.ssh;

import java.util.Objects;

/**
 * An SSH command that could not run, or whose result could not be read in full. The message is one
 * line naming the hop ({@code user@host:port}) and, for host keys, the presented and expected
 * fingerprints; never a key, a passphrase or a stack trace.
 */
public final class SshFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why it failed. */
  public enum Kind {
    /**
     * A host key neither learned nor in {@code known_hosts}, under {@link HostKeyPolicy#STRICT}.
     */
    UNKNOWN_HOST_KEY,
    /** A host key that differs from the learned or {@code known_hosts} one (or is revoked). */
    CHANGED_HOST_KEY,
    /** The server accepted none of the client's keys, or offers no public-key authentication. */
    AUTHENTICATION,
    /** No connection: refused, unreachable, an unknown name, or no answer before the timeout. */
    CONNECT,
    /** The key exchange, authentication or the command did not finish in time. */
    TIMEOUT,
    /** The command wrote more to stdout than the limit. */
    OUTPUT_LIMIT,
    /** The session closed while the command ran. */
    DISCONNECTED,
    /** The client key file is missing, unreadable, passphrase-protected or readable by others. */
    KEY_FILE,
    /**
     * A command the probe needs failed or printed what cannot be read, or the host runs an OS the
     * probe does not read ({@link HostProbe}).
     */
    COMMAND
  }

  /** Why it failed. */
  private final Kind kind;

  /**
   * Creates one.
   *
   * @param kind why it failed
   * @param message one line
   */
  public SshFailure(Kind kind, String message) {
    super(oneLine(message));
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /**
   * Why it failed.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  private static String oneLine(String message) {
    return Objects.requireNonNull(message, "message").replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
