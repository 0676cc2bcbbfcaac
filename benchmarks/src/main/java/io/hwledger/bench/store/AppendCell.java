package io.hwledger.bench.store;

import io.hwledger.bench.fleet.Latencies;
import io.hwledger.ledger.LedgerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One cell of the table: N appender threads append to one store as fast as it acknowledges, for a
 * warm-up and then a measured window. Each append's latency is kept with the time it completed; the
 * rate and percentiles are those of the appends completed inside the window.
 */
final class AppendCell {
  /** Appends one thread makes at most, whatever the duration: every loop is bounded. */
  static final long MAX_APPENDS_PER_THREAD = 100_000_000L;

  /** How long the appenders may take to stop after the window closes. */
  private static final Duration STOP_LIMIT = Duration.ofSeconds(60);

  /**
   * What a cell measured.
   *
   * @param store the store's name
   * @param appenders appender threads
   * @param measured appends completed inside the measured window
   * @param perSecond measured ÷ the window's seconds
   * @param p50Nanos median latency of those appends, ns
   * @param p99Nanos 99th percentile, ns
   * @param acked every append acknowledged, warm-up and the tail after the window included
   * @param durable what the store holds after it was closed and reopened
   */
  record Result(
      String store,
      int appenders,
      long measured,
      double perSecond,
      long p50Nanos,
      long p99Nanos,
      long acked,
      long durable) {}

  private AppendCell() {}

  /**
   * Runs a cell and closes the store.
   *
   * @param store the store's name, for the report
   * @param target the store, opened for {@code appenders}
   * @param appenders appender threads
   * @param warmup how long to append before measuring
   * @param window how long to measure
   * @return what it measured
   * @throws Exception if an append failed (the first failure), or the store could not be counted
   */
  static Result run(
      String store, AppendTarget target, int appenders, Duration warmup, Duration window)
      throws Exception {
    Latencies latencies = new Latencies();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    LedgerEvent[][] rings = new LedgerEvent[appenders][];
    for (int a = 0; a < appenders; a++) {
      rings[a] = StoreEvents.ring(a); // before the clock starts: the first cell loads the classes
    }
    long windowStart = warmup.toNanos();
    long windowEnd = windowStart + window.toNanos();
    long origin = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int a = 0; a < appenders; a++) {
      int appender = a;
      LedgerEvent[] ring = rings[a];
      Thread t =
          new Thread(
              () -> {
                try {
                  for (long i = 0; i < MAX_APPENDS_PER_THREAD; i++) {
                    long start = System.nanoTime();
                    if (start - origin >= windowEnd || failure.get() != null) {
                      return;
                    }
                    target.append(appender, ring[(int) (i & StoreEvents.MASK)]);
                    long done = System.nanoTime();
                    latencies.add(done - origin, done - start);
                  }
                } catch (Throwable e) { // the first failure is the cell's result
                  failure.compareAndSet(null, e);
                }
              },
              "store-append-" + store + "-" + appender);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    long stopBy = windowEnd + STOP_LIMIT.toNanos();
    for (Thread t : threads) {
      long left = stopBy - (System.nanoTime() - origin);
      t.join(Math.max(1, left / 1_000_000));
      if (t.isAlive()) {
        throw new IllegalStateException(
            t.getName() + " did not stop within " + STOP_LIMIT.toSeconds() + " s of the window");
      }
    }
    Throwable failed = failure.get();
    if (failed != null) {
      Exception e =
          failed instanceof Exception ex
              ? ex
              : new IllegalStateException(store + ": an appender failed", failed);
      try {
        target.closeAndCount();
      } catch (Exception again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    long durable = target.closeAndCount();
    Latencies.Summary measured = latencies.summary(windowStart, windowEnd);
    long acked = latencies.summary().count();
    if (latencies.dropped() > 0) {
      throw new IllegalStateException(store + ": more appends than latencies kept");
    }
    return new Result(
        store,
        appenders,
        measured.count(),
        measured.count() / (window.toNanos() / 1e9),
        measured.p50(),
        measured.p99(),
        acked,
        durable);
  }
}
