package io.hwledger.bench.fleet;

import java.util.Arrays;

/**
 * The latencies of one kind of request, every sample kept (up to a fixed capacity) with the time it
 * was due, so percentiles are exact and can be taken over any window of the run. Percentiles are
 * nearest-rank on the sorted samples: the q-th is the smallest sample with at least q·n samples at
 * or below it ({@code sorted[ceil(q·n) − 1]}). No histogram library: at most a few million samples
 * per run, 16 bytes each. Thread-safe. Public for the other harnesses ({@code
 * io.hwledger.bench.store}).
 */
public final class Latencies {
  /** Samples kept per kind; a run that would record more counts the rest as dropped. */
  public static final int DEFAULT_CAPACITY = 8 << 20;

  private final int capacity;
  private long[] due = new long[1024];
  private long[] nanos = new long[1024];
  private int size;
  private long dropped;

  Latencies(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  /** Latencies keeping up to {@link #DEFAULT_CAPACITY} samples. */
  public Latencies() {
    this(DEFAULT_CAPACITY);
  }

  /**
   * Records one request.
   *
   * @param dueNanos when it was due, nanoseconds since the run's origin
   * @param latencyNanos how long it took, nanoseconds
   */
  public synchronized void add(long dueNanos, long latencyNanos) {
    if (size == capacity) {
      dropped++;
      return;
    }
    if (size == nanos.length) {
      int grown = (int) Math.min(capacity, 2L * nanos.length);
      due = Arrays.copyOf(due, grown);
      nanos = Arrays.copyOf(nanos, grown);
    }
    due[size] = dueNanos;
    nanos[size] = latencyNanos;
    size++;
  }

  /**
   * Samples dropped because the capacity was reached.
   *
   * @return how many
   */
  public synchronized long dropped() {
    return dropped;
  }

  /**
   * Every sample.
   *
   * @return their count, p50, p99 and maximum
   */
  public Summary summary() {
    return summary(Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /**
   * The samples due in {@code [fromNanos, toNanos)}.
   *
   * @param fromNanos window start, nanoseconds since the origin, inclusive
   * @param toNanos window end, exclusive
   * @return their count, p50, p99 and maximum
   */
  public Summary summary(long fromNanos, long toNanos) {
    return select(fromNanos, toNanos, true);
  }

  /**
   * The samples due outside {@code [fromNanos, toNanos)}.
   *
   * @param fromNanos window start, inclusive
   * @param toNanos window end, exclusive
   * @return their count, p50, p99 and maximum
   */
  Summary summaryOutside(long fromNanos, long toNanos) {
    return select(fromNanos, toNanos, false);
  }

  private Summary select(long fromNanos, long toNanos, boolean inside) {
    long[] selected;
    int n = 0;
    synchronized (this) {
      selected = new long[size];
      for (int i = 0; i < size; i++) {
        if ((due[i] >= fromNanos && due[i] < toNanos) == inside) {
          selected[n++] = nanos[i];
        }
      }
    }
    long[] sorted = Arrays.copyOf(selected, n);
    Arrays.sort(sorted);
    return new Summary(
        n, percentile(sorted, 0.50), percentile(sorted, 0.99), n == 0 ? 0 : sorted[n - 1]);
  }

  /**
   * Nearest-rank percentile of sorted samples; 0 when there are none.
   *
   * @param sorted ascending samples
   * @param q the quantile, 0 (exclusive) to 1
   * @return {@code sorted[ceil(q·n) − 1]}
   */
  public static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  /**
   * Count and percentiles of a set of samples, nanoseconds.
   *
   * @param count samples
   * @param p50 median
   * @param p99 99th percentile
   * @param max largest
   */
  public record Summary(long count, long p50, long p99, long max) {}
}
