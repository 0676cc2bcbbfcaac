package io.hwledger.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A lookup that is kept once it succeeds and repeated, at most every {@code retryAfter}, while it
 * fails: how a backend finds its native library, so that a driver installed after the JVM started
 * is found by a later {@link GpuBackendProvider#isAvailable()} (and {@link GpuBackends#host()}'s
 * re-probe) without a restart, and a host without one does not try {@code dlopen} on every call.
 *
 * <p>Thread-safe: one lookup runs at a time; callers in between get the latest outcome.
 *
 * @param <T> the lookup's outcome, found or not
 */
public final class RetryingLookup<T> implements Supplier<T> {
  private final Supplier<T> lookup;
  private final Predicate<T> found;
  private final long retryNanos;
  private final LongSupplier nanoTime;
  private T latest;
  private long latestAtNanos;

  /**
   * A lookup repeated at most every {@code retryAfter} until it succeeds.
   *
   * @param lookup looks up once; its outcome says whether it found what it looked for
   * @param found whether an outcome is a success, kept from then on
   * @param retryAfter the least time between two failed lookups, at least 0
   */
  public RetryingLookup(Supplier<T> lookup, Predicate<T> found, Duration retryAfter) {
    this(lookup, found, retryAfter, System::nanoTime);
  }

  RetryingLookup(Supplier<T> lookup, Predicate<T> found, Duration retryAfter, LongSupplier nanos) {
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.found = Objects.requireNonNull(found, "found");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
    }
    this.retryNanos = retryAfter.toNanos();
    this.nanoTime = Objects.requireNonNull(nanos, "nanos");
  }

  /**
   * The kept success; else the latest failure while it is younger than the retry interval; else the
   * outcome of a new lookup.
   *
   * @return the outcome
   */
  @Override
  public synchronized T get() {
    long now = nanoTime.getAsLong();
    if (latest != null && (found.test(latest) || now - latestAtNanos < retryNanos)) {
      return latest;
    }
    latest = Objects.requireNonNull(lookup.get(), "the lookup's outcome");
    latestAtNanos = now;
    return latest;
  }
}
