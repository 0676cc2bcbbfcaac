package io.hwledger.fleet.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on SSH targets for the fleet: one SSH client, one pooled session per target (reused
 * across commands, a new exec channel per command), public-key authentication only, every hop's
 * host key checked before it authenticates. A pooled session found dead is reopened once and the
 * command retried once, only when it had not started. Thread-safe; close it to end every session.
 *
 * <p>Commands are run exactly as given: callers pass fixed strings, never text built from input.
 */
public final class SshSessions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SshSessions.class);

  /**
   * What the sessions have done since they were created.
   *
   * @param sessionsOpened target sessions opened (a jump chain counts once), reopens included
   * @param commandsRun commands whose channel opened, whatever their outcome
   * @param sessionsReopened sessions opened again because a pooled one was found dead
   */
  public record Stats(long sessionsOpened, long commandsRun, long sessionsReopened) {}

  private final SshClient client;
  private final SshSettings settings;
  private final HostKeyStore store;
  private final Path sshDir;
  private final Map<PoolKey, Slot> slots = new ConcurrentHashMap<>();
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong commands = new AtomicLong();
  private final AtomicLong reopened = new AtomicLong();
  private volatile boolean closed;

  /**
   * Starts the client, with the user's {@code ~/.ssh} for default identities and {@code
   * known_hosts}.
   *
   * @param settings the timeouts and output limits
   * @param store the learned host keys (the fleet server's ledger)
   */
  public SshSessions(SshSettings settings, HostKeyStore store) {
    this(settings, store, Path.of(System.getProperty("user.home"), ".ssh"));
  }

  /**
   * Starts the client.
   *
   * @param settings the timeouts and output limits
   * @param store the learned host keys (the fleet server's ledger)
   * @param sshDir where the default identities and {@code known_hosts} are, absolute
   */
  public SshSessions(SshSettings settings, HostKeyStore store, Path sshDir) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.store = Objects.requireNonNull(store, "store");
    Objects.requireNonNull(sshDir, "sshDir");
    if (!sshDir.isAbsolute()) {
      throw new IllegalArgumentException("ssh directory must be an absolute path, was " + sshDir);
    }
    this.sshDir = sshDir.normalize();
    this.client = newClient(settings);
    client.start();
  }

  /**
   * Runs one command on the target over its pooled session, opening it when needed.
   *
   * @param target where to run it
   * @param command the command, used as given
   * @param timeout the longest the command may run (opening a session is bounded by the settings)
   * @return what the command wrote and its exit status, whatever that status is
   * @throws SshFailure naming the hop and what failed
   * @throws IllegalStateException once closed
   */
  public CommandOutput run(SshTarget target, String command, Duration timeout) throws SshFailure {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(command, "command");
    SshSettings.positive(timeout, "command timeout");
    if (command.isBlank() || command.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("command must be non-blank text without NUL");
    }
    ensureOpen();
    Slot slot = slots.computeIfAbsent(PoolKey.of(target), k -> new Slot());
    Connection connection = slot.connection(target);
    try {
      return exec(connection, target, command, timeout);
    } catch (Exec.NotStarted first) {
      LOG.debug("{}; reopening once", first.getMessage());
      Connection fresh = slot.replace(connection, target);
      try {
        return exec(fresh, target, command, timeout);
      } catch (Exec.NotStarted second) {
        throw new SshFailure(SshFailure.Kind.DISCONNECTED, second.getMessage());
      }
    }
  }

  /**
   * Closes the target's pooled session, if it has one; the next command opens a new one.
   *
   * @param target the target
   */
  public void forget(SshTarget target) {
    Objects.requireNonNull(target, "target");
    Slot slot = slots.remove(PoolKey.of(target));
    if (slot != null) {
      slot.close();
    }
  }

  /**
   * What the sessions have done so far.
   *
   * @return the counts
   */
  public Stats stats() {
    return new Stats(opened.get(), commands.get(), reopened.get());
  }

  /** Closes every session and stops the client. */
  @Override
  public void close() {
    closed = true;
    List<Slot> all = new ArrayList<>(slots.values());
    slots.clear();
    all.forEach(Slot::close);
    client.stop();
  }

  private CommandOutput exec(
      Connection connection, SshTarget target, String command, Duration timeout)
      throws Exec.NotStarted, SshFailure {
    if (!connection.isOpen()) {
      throw new Exec.NotStarted("session to " + target.address() + " was closed");
    }
    return Exec.run(
        connection.target(),
        target.address(),
        command,
        timeout,
        settings,
        commands::incrementAndGet);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("SSH sessions are closed");
    }
  }

  private static SshClient newClient(SshSettings settings) {
    SshClient client = SshClient.setUpDefaultClient();
    // public-key authentication only: no password, keyboard-interactive or host-based
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    // keys come from the target's key file only, never from an agent or ~/.ssh/config
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setAgentFactory(null);
    client.setServerKeyVerifier(
        (session, remote, key) -> {
          HostKeyCheck check =
              session.getConnectionContext() == null
                  ? null
                  : session.getConnectionContext().getAttribute(HostKeyCheck.KEY);
          // a session opened without a check (none is, here) is never trusted
          return check != null && check.verify(key);
        });
    client.addSessionListener(new HostKeyOrder());
    CoreModuleProperties.AUTH_TIMEOUT.set(client, settings.authTimeout());
    CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, settings.connectTimeout());
    CoreModuleProperties.IDLE_TIMEOUT.set(client, settings.idleTimeout());
    // each command is a few small packets each way: without TCP_NODELAY, Nagle's algorithm and
    // delayed ACKs add about 40 ms per exchange (benchmarks/README.md, "SSH polling")
    CoreModuleProperties.TCP_NODELAY.set(client, true);
    return client;
  }

  /** Sessions are shared by targets with the same address, jump chain and key file. */
  private record PoolKey(SshAddress address, List<SshAddress> jumps, @Nullable Path keyFile) {
    static PoolKey of(SshTarget target) {
      return new PoolKey(target.address(), target.jumps(), target.keyFile());
    }
  }

  /** One target's pooled connection; opening is done by one thread while the others wait. */
  private final class Slot {
    private @Nullable Connection connection;

    /** The open connection, opened (or reopened when found dead) first if needed. */
    synchronized Connection connection(SshTarget target) throws SshFailure {
      if (connection != null && connection.isOpen()) {
        return connection;
      }
      boolean again = connection != null;
      if (connection != null) {
        connection.close();
        connection = null;
      }
      return open(target, again);
    }

    /** A new connection in place of {@code dead}, unless another thread replaced it already. */
    synchronized Connection replace(Connection dead, SshTarget target) throws SshFailure {
      if (connection != null && connection != dead && connection.isOpen()) {
        return connection;
      }
      dead.close();
      connection = null;
      return open(target, true);
    }

    synchronized void close() {
      if (connection != null) {
        connection.close();
        connection = null;
      }
    }

    private Connection open(SshTarget target, boolean again) throws SshFailure {
      ensureOpen();
      Connection fresh = Connection.open(client, target, settings, store, sshDir);
      opened.incrementAndGet();
      if (again) {
        reopened.incrementAndGet();
        LOG.info("reopened the SSH session to {}", target.address());
      }
      connection = fresh;
      return fresh;
    }
  }
}
