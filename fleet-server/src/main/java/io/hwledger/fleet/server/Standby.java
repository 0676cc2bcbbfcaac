package io.hwledger.fleet.server;

import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerFollower;
import io.hwledger.ledger.LedgerHeldException;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.LedgerStores;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower's loop (ADR 0022): applies the leader's commits to the fleet as they land, woken by
 * the store's notifications where it has them, and tries to take the ledger over every poll
 * interval; the leader's death or exit releases it (ADR 0021). On success it hands the writable
 * ledger to {@code onLeading} and ends.
 */
final class Standby implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Standby.class);

  private final String store;
  private final Map<String, String> env;
  private final Fleet fleet;
  private final LedgerFollower follower;
  private final Thread thread = new Thread(this::run, "fleet-standby");
  private long pollNanos;
  private Consumer<LedgerStore> onLeading = l -> {};
  private volatile boolean closed;

  private Standby(String store, Map<String, String> env, Fleet fleet, LedgerFollower follower) {
    this.store = store;
    this.env = env;
    this.fleet = fleet;
    this.follower = follower;
    thread.setDaemon(true);
  }

  /**
   * Follows {@code store} into {@code fleet}, applying what is there already before it returns.
   *
   * @throws LedgerException if the store cannot be followed
   */
  static Standby follow(String store, Map<String, String> env, Fleet fleet) {
    LedgerFollower follower = LedgerStores.follow(store, env);
    try {
      fleet.follow(follower, follower.size());
    } catch (RuntimeException e) {
      follower.close();
      throw e;
    }
    return new Standby(store, env, fleet, follower);
  }

  /**
   * Goes on following in a thread of its own, and tries to take the ledger over every {@code poll};
   * hands it to {@code onLeading} when it can.
   */
  void start(Duration poll, Consumer<LedgerStore> onLeading) {
    this.pollNanos = poll.toNanos();
    this.onLeading = onLeading;
    thread.start();
  }

  private void run() {
    long since = System.nanoTime();
    long nextTry = since + pollNanos;
    try {
      while (!closed) {
        try {
          long wait = Math.max(1, nextTry - System.nanoTime());
          long known = fleet.applied();
          long seen = follower.awaitGrowth(known, Duration.ofNanos(wait));
          if (seen > known) {
            fleet.follow(follower, seen);
          }
        } catch (LedgerException e) {
          // the database restarting, a connection cut: keep standing by, try again next poll
          LOG.warn("following {}: {}", follower.location(), e.getMessage());
          Thread.sleep(TimeUnit.NANOSECONDS.toMillis(pollNanos));
        }
        if (!closed && System.nanoTime() - nextTry >= 0) {
          LedgerStore ledger = tryTakeOver();
          if (ledger != null) {
            LOG.info(
                "fleet server takes over {} after standing by for {} ms, {} records followed",
                ledger.location(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since),
                fleet.applied());
            onLeading.accept(ledger);
            return;
          }
          nextTry = System.nanoTime() + pollNanos;
        }
      }
    } catch (InterruptedException stop) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("the standby loop failed; this server keeps following no more", e);
    } finally {
      follower.close();
    }
  }

  /** The ledger, writable, if this server could take it; null while another holds it. */
  private LedgerStore tryTakeOver() {
    try {
      return LedgerStores.open(store, LedgerOptions.defaults(), env);
    } catch (LedgerHeldException e) {
      return null;
    } catch (LedgerException e) {
      LOG.warn("cannot take {} over yet: {}", LedgerStores.redact(store), e.getMessage());
      return null;
    }
  }

  /** Stops following and trying; a ledger already handed over is not this object's to close. */
  @Override
  public void close() {
    closed = true;
    if (!thread.isAlive()) {
      follower.close(); // never started, or ended: closing again is harmless
      return;
    }
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
