package io.hwledger.fleet.ssh;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command on an open session over a new exec channel: stdout kept up to the limit (past it
 * the channel is closed and {@link SshFailure.Kind#OUTPUT_LIMIT} raised), stderr cut at its limit,
 * the channel closed and {@link SshFailure.Kind#TIMEOUT} raised when the command runs past its
 * timeout. The session stays open for the next command in both cases.
 */
final class Exec {
  private static final Logger LOG = LoggerFactory.getLogger(Exec.class);

  /** How long a closing channel may take before it is dropped without the server's answer. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  /** The session was found closed before the command started; safe to retry on a new one. */
  static final class NotStarted extends Exception {
    private static final long serialVersionUID = 1L;

    NotStarted(String message) {
      super(message, null, false, false);
    }
  }

  private Exec() {}

  /**
   * Runs the command.
   *
   * @param session an authenticated session
   * @param hop the target, for messages
   * @param command the command, as given
   * @param timeout the longest the command may run, channel opening included
   * @param settings the output limits
   * @param started run once the channel is open (the command started)
   * @return what the command wrote and its exit status
   * @throws NotStarted the session closed before the command started
   * @throws SshFailure the command timed out, flooded, or the session closed under it
   */
  static CommandOutput run(
      ClientSession session,
      SshAddress hop,
      String command,
      Duration timeout,
      SshSettings settings,
      Runnable started)
      throws NotStarted, SshFailure {
    long deadline = System.nanoTime() + timeout.toNanos();
    ChannelExec channel;
    try {
      channel = session.createExecChannel(command);
    } catch (IOException | RuntimeException e) {
      throw beforeStart(session, hop, command, e);
    }
    BoundedSink out = new BoundedSink(settings.maxStdoutBytes(), () -> channel.close(false));
    BoundedSink err = new BoundedSink(settings.maxStderrBytes(), () -> {});
    channel.setOut(out);
    channel.setErr(err);
    try {
      channel.open().verify(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
    } catch (IOException | RuntimeException e) {
      channel.close(true);
      if (session.isOpen() && !session.isClosing() && remaining(deadline).isZero()) {
        throw timeout(hop, command, timeout);
      }
      throw beforeStart(session, hop, command, e);
    }
    started.run();
    Set<ClientChannelEvent> events =
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), remaining(deadline));
    if (!events.contains(ClientChannelEvent.CLOSED)) {
      close(channel);
      if (out.overflowed()) {
        throw outputLimit(hop, command, settings);
      }
      throw timeout(hop, command, timeout);
    }
    if (out.overflowed()) {
      throw outputLimit(hop, command, settings);
    }
    Integer status = channel.getExitStatus();
    if (status == null && (!session.isOpen() || session.isClosing())) {
      throw new SshFailure(
          SshFailure.Kind.DISCONNECTED,
          "session to " + hop + " closed while `" + shortened(command) + "` ran");
    }
    int exit = status == null || status < 0 ? CommandOutput.NO_EXIT_STATUS : status;
    return new CommandOutput(exit, out.text(), err.text());
  }

  /** Closes gracefully, then at once if the server does not answer within the grace. */
  private static void close(ChannelExec channel) {
    channel.close(false);
    Set<ClientChannelEvent> closed =
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), CLOSE_GRACE);
    if (!closed.contains(ClientChannelEvent.CLOSED)) {
      LOG.debug("channel did not close within {}; closing it at once", CLOSE_GRACE);
      channel.close(true);
    }
  }

  /** The session is gone (retry on a new one), or it refused this channel. */
  private static SshFailure beforeStart(
      ClientSession session, SshAddress hop, String command, Exception e) throws NotStarted {
    if (!session.isOpen() || session.isClosing()) {
      throw new NotStarted("session to " + hop + " closed before the command started");
    }
    return new SshFailure(
        SshFailure.Kind.DISCONNECTED,
        "cannot open a channel to " + hop + " for `" + shortened(command) + "`: " + e.getMessage());
  }

  private static SshFailure timeout(SshAddress hop, String command, Duration timeout) {
    return new SshFailure(
        SshFailure.Kind.TIMEOUT,
        "`"
            + shortened(command)
            + "` on "
            + hop
            + " ran past its timeout of "
            + timeout.toMillis()
            + " ms");
  }

  private static SshFailure outputLimit(SshAddress hop, String command, SshSettings settings) {
    return new SshFailure(
        SshFailure.Kind.OUTPUT_LIMIT,
        "`"
            + shortened(command)
            + "` on "
            + hop
            + " wrote more than "
            + settings.maxStdoutBytes()
            + " bytes to stdout; stopped");
  }

  private static Duration remaining(long deadline) {
    long left = deadline - System.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  static String shortened(String command) {
    return command.length() <= 80 ? command : command.substring(0, 80) + "…";
  }
}
