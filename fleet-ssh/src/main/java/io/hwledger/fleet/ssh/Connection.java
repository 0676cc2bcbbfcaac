package io.hwledger.fleet.ssh;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One target's authenticated session and the jump sessions under it. Each hop is reached through
 * the one before it (a loopback port forwarded by the previous hop's session, as MINA's own
 * ProxyJump does), and each hop's host key is checked by its own {@link HostKeyCheck} before it
 * authenticates. Thread-safe: sessions are MINA's.
 */
final class Connection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

  private final List<ClientSession> sessions;
  private final List<ExplicitPortForwardingTracker> tunnels;

  private Connection(List<ClientSession> sessions, List<ExplicitPortForwardingTracker> tunnels) {
    this.sessions = List.copyOf(sessions);
    this.tunnels = List.copyOf(tunnels);
  }

  /**
   * Opens and authenticates every hop to the target.
   *
   * @param client the started client
   * @param target where to go
   * @param settings the connect and authentication timeouts
   * @param store the learned host keys
   * @param sshDir the user's {@code ~/.ssh}: default identities and {@code known_hosts}
   * @return the connection
   * @throws SshFailure naming the hop that failed and why
   */
  static Connection open(
      SshClient client, SshTarget target, SshSettings settings, HostKeyStore store, Path sshDir)
      throws SshFailure {
    List<KeyPair> keys = ClientKeys.load(target.keyFile(), sshDir);
    Path knownHosts =
        target.knownHosts() != null ? target.knownHosts() : sshDir.resolve("known_hosts");
    List<SshAddress> hops = new ArrayList<>(target.jumps());
    hops.add(target.address());
    List<ClientSession> sessions = new ArrayList<>();
    List<ExplicitPortForwardingTracker> tunnels = new ArrayList<>();
    try {
      for (SshAddress hop : hops) {
        HostKeyCheck check = new HostKeyCheck(hop, target.hostKeys(), knownHosts, store);
        check.trustedKeyTypes(); // reads the store and known_hosts here, not on an I/O thread
        ClientSession previous = sessions.isEmpty() ? null : sessions.get(sessions.size() - 1);
        ClientSession session = connect(client, hop, previous, check, settings, tunnels);
        sessions.add(session);
        keys.forEach(session::addPublicKeyIdentity);
        authenticate(session, check, previous != null, settings.authTimeout());
        if (previous != null) {
          // the hop's connection is through: stop listening, so no other local process can
          // use the forwarded port while the pooled session lives
          tunnels.get(tunnels.size() - 1).close();
        }
      }
    } catch (IOException e) {
      new Connection(sessions, tunnels).close();
      throw new SshFailure(
          SshFailure.Kind.CONNECT, "cannot close the forwarded port to " + target.address());
    } catch (SshFailure | RuntimeException e) {
      new Connection(sessions, tunnels).close();
      throw e;
    }
    return new Connection(sessions, tunnels);
  }

  /** The target's session. */
  ClientSession target() {
    return sessions.get(sessions.size() - 1);
  }

  /** Whether every hop's session is still open. */
  boolean isOpen() {
    return sessions.stream().allMatch(s -> s.isOpen() && !s.isClosing());
  }

  /** Closes the target's session, then the jump sessions, nearest first. */
  @Override
  public void close() {
    for (int i = sessions.size() - 1; i >= 0; i--) {
      sessions.get(i).close(true);
    }
    for (ExplicitPortForwardingTracker tunnel : tunnels) {
      try {
        tunnel.close();
      } catch (IOException e) {
        LOG.debug("closing a forwarded port: {}", e.toString());
      }
    }
  }

  private static ClientSession connect(
      SshClient client,
      SshAddress hop,
      @Nullable ClientSession previous,
      HostKeyCheck check,
      SshSettings settings,
      List<ExplicitPortForwardingTracker> tunnels)
      throws SshFailure {
    AttributeRepository context = AttributeRepository.ofKeyValuePair(HostKeyCheck.KEY, check);
    Duration timeout = settings.connectTimeout();
    try {
      ConnectFuture future;
      if (previous == null) {
        future = client.connect(hop.user(), hop.host(), hop.port(), context, null);
      } else {
        ExplicitPortForwardingTracker tunnel =
            previous.createLocalPortForwardingTracker(
                SshdSocketAddress.LOCALHOST_ADDRESS, new SshdSocketAddress(hop.host(), hop.port()));
        tunnels.add(tunnel);
        future =
            client.connect(
                hop.user(), tunnel.getBoundAddress().toInetSocketAddress(), context, null);
      }
      if (!future.await(timeout)) {
        future.cancel();
        throw new SshFailure(
            SshFailure.Kind.CONNECT,
            "no connection to " + hop + " within " + timeout.toMillis() + " ms");
      }
      Throwable failure = future.getException();
      if (failure != null || future.getSession() == null) {
        throw new SshFailure(
            SshFailure.Kind.CONNECT, "cannot connect to " + hop + ": " + describe(failure));
      }
      return future.getSession();
    } catch (IOException e) {
      throw new SshFailure(
          SshFailure.Kind.CONNECT, "cannot connect to " + hop + ": " + describe(e));
    }
  }

  private static void authenticate(
      ClientSession session, HostKeyCheck check, boolean tunnelled, Duration timeout)
      throws SshFailure {
    SshAddress hop = check.hop();
    AuthFuture auth;
    boolean done;
    try {
      auth = session.auth();
      done = auth.await(timeout);
    } catch (IOException e) {
      throw refusalOr(check, afterConnect(check, tunnelled, e));
    }
    if (done && auth.isSuccess()) {
      return;
    }
    if (!done) {
      throw refusalOr(
          check,
          new SshFailure(
              SshFailure.Kind.TIMEOUT,
              "key exchange and authentication with "
                  + hop
                  + " did not finish within "
                  + timeout.toMillis()
                  + " ms"));
    }
    throw refusalOr(check, afterConnect(check, tunnelled, auth.getException()));
  }

  /** Why a connected hop did not authenticate, once its host key was not refused. */
  private static SshFailure afterConnect(
      HostKeyCheck check, boolean tunnelled, @Nullable Throwable e) {
    SshAddress hop = check.hop();
    if (check.accepted()) {
      return new SshFailure(
          SshFailure.Kind.AUTHENTICATION,
          hop
              + " accepted none of the client's keys (public-key authentication only): "
              + describe(e));
    }
    return new SshFailure(
        SshFailure.Kind.CONNECT,
        hop
            + " closed the connection before the key exchange"
            + (tunnelled ? " (does the jump host before it allow TCP forwarding?)" : "")
            + ": "
            + describe(e));
  }

  private static SshFailure refusalOr(HostKeyCheck check, SshFailure otherwise) {
    SshFailure refusal = check.refusal();
    return refusal != null ? refusal : otherwise;
  }

  /** The innermost message in one line, or the exception's type; never a stack trace. */
  static String describe(@Nullable Throwable e) {
    String message = null;
    String type = "unknown error";
    Throwable t = e;
    for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
      type = t.getClass().getSimpleName();
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    String text = message != null ? message : type;
    text = text.replaceAll("\\s+", " ").strip();
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }
}
