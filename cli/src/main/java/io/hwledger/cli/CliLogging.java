package io.hwledger.cli;

import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the libraries log, as the command line shows it during one run. SLF4J (ledger, backends)
 * reaches {@code java.util.logging} through {@code slf4j-jdk14}, as the JDK's {@code System.Logger}
 * (hwledger-api) does by itself; this replaces the root handlers for the run:
 *
 * <ul>
 *   <li>normally, a warning is one line {@code hwledger: warning: <message>} on standard error
 *       (something done on the user's behalf that is not a failure, such as a torn tail moved
 *       aside); errors are not shown, because every library error also reaches the command as an
 *       exception, which is its one {@code hwledger:} line; information and debug messages are not
 *       shown;
 *   <li>with {@code --debug}, every message from debug up, with its level, logger and stack trace.
 * </ul>
 *
 * <p>Messages are printed on one line with control characters escaped ({@link
 * ErrorHandler#oneLine}). Closing restores the handlers and level the root logger had.
 */
final class CliLogging implements AutoCloseable {
  private static final Logger ROOT = Logger.getLogger("");

  /**
   * Apache MINA SSHD warns of every failed SSH session (a refused host key, each backed-off retry
   * of an unreachable host); the fleet server reports each SSH host's failure itself, once per
   * change, so MINA's own messages show with {@code --debug} only.
   */
  private static final Logger SSHD = Logger.getLogger("org.apache.sshd");

  private final Handler[] saved;
  private final Level savedLevel;
  private final Level savedSshdLevel;
  private final Handler handler;

  private CliLogging(Handler handler) {
    this.saved = ROOT.getHandlers();
    this.savedLevel = ROOT.getLevel();
    this.savedSshdLevel = SSHD.getLevel();
    this.handler = handler;
  }

  /** Routes logging to {@code io}'s standard error until {@link #close()}. */
  static CliLogging install(Streams io, boolean debug) {
    CliLogging logging = new CliLogging(lines(io, debug, Level.WARNING, Level.WARNING));
    for (Handler h : logging.saved) {
      ROOT.removeHandler(h);
    }
    ROOT.addHandler(logging.handler);
    ROOT.setLevel(debug ? Level.FINE : Level.WARNING);
    SSHD.setLevel(debug ? null : Level.SEVERE);
    return logging;
  }

  @Override
  public void close() {
    ROOT.removeHandler(handler);
    for (Handler h : saved) {
      ROOT.addHandler(h);
    }
    ROOT.setLevel(savedLevel);
    SSHD.setLevel(savedSshdLevel);
  }

  /**
   * A handler printing records as {@code hwledger: LEVEL: message} lines on {@code io}'s standard
   * error ({@code error} for SEVERE), those from {@code lowest} to {@code highest} only; with
   * {@code debug}, every record with its logger and stack trace.
   */
  static Handler lines(Streams io, boolean debug, Level lowest, Level highest) {
    return new LineHandler(io, debug, lowest, highest);
  }

  /** Prints records as {@code hwledger:} lines. */
  private static final class LineHandler extends Handler {
    private final Streams io;
    private final boolean debug;
    private final Level lowest;
    private final Level highest;
    private final Formatter messages =
        new Formatter() {
          @Override
          public String format(LogRecord record) {
            return formatMessage(record);
          }
        };

    LineHandler(Streams io, boolean debug, Level lowest, Level highest) {
      this.io = io;
      this.debug = debug;
      this.lowest = lowest;
      this.highest = highest;
    }

    @Override
    public void publish(LogRecord record) {
      Level level = record.getLevel();
      String text = messages.format(record);
      Throwable thrown = record.getThrown();
      String message =
          text == null || text.isBlank()
              ? String.valueOf(thrown)
              : ErrorHandler.oneLine(text + (thrown == null ? "" : ": " + thrown), thrown);
      if (debug) {
        synchronized (io.err()) {
          io.err()
              .println(
                  "hwledger: "
                      + level.getName().toLowerCase(Locale.ROOT)
                      + " ["
                      + record.getLoggerName()
                      + "]: "
                      + message);
          if (thrown != null) {
            thrown.printStackTrace(io.err());
          }
        }
      } else if (level.intValue() >= lowest.intValue() && level.intValue() <= highest.intValue()) {
        String name = level == Level.SEVERE ? "error" : level.getName().toLowerCase(Locale.ROOT);
        io.err().println("hwledger: " + name + ": " + message);
      }
    }

    @Override
    public void flush() {
      io.err().flush();
    }

    @Override
    public void close() {
      flush();
    }
  }
}
