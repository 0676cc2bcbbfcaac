package io.hwledger.testsupport;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition in a test: polled every 20 ms until it holds, or an {@link AssertionError}
 * naming what was awaited once the deadline passes. Tests wait for what they need this way, never
 * for a fixed time, so a loaded machine makes them slower, not red.
 */
public final class Await {
  private static final long POLL_MILLIS = 20;

  private Await() {}

  /**
   * Waits until {@code condition} holds.
   *
   * @param what what is awaited, for the failure's message
   * @param timeout the longest wait
   * @param condition polled until it returns true
   * @throws AssertionError when the timeout passes first, or the thread is interrupted
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition, () -> "");
  }

  /**
   * Waits until {@code condition} holds, adding {@code context} to the failure's message.
   *
   * @param what what is awaited, for the failure's message
   * @param timeout the longest wait
   * @param condition polled until it returns true
   * @param context what helps to understand a failure (a log, say), read only on failure
   * @throws AssertionError when the timeout passes first, or the thread is interrupted
   */
  public static void until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> context) {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(context, "context");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        String more = context.get();
        throw new AssertionError(
            "timed out after "
                + timeout.toSeconds()
                + " s waiting for "
                + what
                + (more.isEmpty() ? "" : "\n" + more));
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
