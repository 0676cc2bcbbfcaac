package io.hwledger.cli;

import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What {@code fleet server} and {@code agent run} share as long-running commands: the fleet's log
 * at INFO and above printed as {@code hwledger: LEVEL: message} lines on standard error (restored
 * on {@link #close()}), and running a service until SIGINT/SIGTERM or, in-process, an interrupt.
 */
final class FleetForeground implements AutoCloseable {
  /**
   * The fleet's loggers' parent, held here: java.util.logging keeps loggers weakly, and a level or
   * handler set on one that is collected would be lost.
   */
  private static final Logger FLEET_LOG = Logger.getLogger("io.hwledger.fleet");

  private final Handler lines;
  private final Level savedLevel;

  private FleetForeground(Handler lines, Level savedLevel) {
    this.lines = lines;
    this.savedLevel = savedLevel;
  }

  /** Prints the fleet's log on {@code io}'s standard error, unless {@code --debug} prints all. */
  static FleetForeground logTo(Streams io, boolean debug) {
    Level saved = FLEET_LOG.getLevel();
    if (debug) {
      return new FleetForeground(null, saved);
    }
    Handler lines = CliLogging.lines(io, false, Level.INFO, Level.SEVERE);
    FLEET_LOG.setUseParentHandlers(false);
    FLEET_LOG.addHandler(lines);
    FLEET_LOG.setLevel(Level.INFO);
    return new FleetForeground(lines, saved);
  }

  @Override
  public void close() {
    if (lines != null) {
      FLEET_LOG.removeHandler(lines);
      FLEET_LOG.setUseParentHandlers(true);
      FLEET_LOG.setLevel(savedLevel);
    }
  }

  /** Blocks until a shutdown hook or an interrupt closes {@code service}. */
  static int runUntilStopped(AutoCloseable service, String hookName) {
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              closeQuietly(service);
              closed.countDown();
            },
            hookName);
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      closed.await();
    } catch (InterruptedException e) {
      // run in-process (tests): the caller interrupts this thread to stop the service
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        return ErrorHandler.ExitCodes.OK; // the hook closes it
      }
      closeQuietly(service);
      Thread.currentThread().interrupt();
    }
    return ErrorHandler.ExitCodes.OK;
  }

  private static void closeQuietly(AutoCloseable service) {
    try {
      service.close();
    } catch (Exception e) {
      FLEET_LOG.log(Level.WARNING, "stopping: " + e.getMessage());
    }
  }
}
