package io.hwledger.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

@Verifies("FR-TELEMETRY-009")
class SessionGuardTest {

  @Test
  void callsRunWhileOpen() {
    SessionGuard releasing = SessionGuard.releasing("NVML session", () -> {});
    SessionGuard stateless = SessionGuard.stateless("nvidia-smi session");
    assertThat(releasing.call(() -> 42)).isEqualTo(42);
    assertThat(stateless.call(() -> "ok")).isEqualTo("ok");
  }

  @Test
  void closeIsIdempotentAndReleasesOnce() {
    AtomicInteger releases = new AtomicInteger();
    SessionGuard guard = SessionGuard.releasing("NVML session", releases::incrementAndGet);
    guard.close();
    guard.close();
    guard.close();
    assertThat(releases).hasValue(1);
  }

  @Test
  void callsAfterCloseFailNamingTheSession() {
    SessionGuard releasing = SessionGuard.releasing("NVML session", () -> {});
    SessionGuard stateless = SessionGuard.stateless("backend amdgpu-sysfs");
    releasing.close();
    stateless.close();
    stateless.close();
    AtomicBoolean ran = new AtomicBoolean();
    assertThatThrownBy(() -> releasing.call(() -> ran.getAndSet(true)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("NVML session is closed");
    assertThatThrownBy(() -> stateless.call(() -> ran.getAndSet(true)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("backend amdgpu-sysfs is closed");
    assertThat(ran).isFalse();
  }

  @Test
  void releaseWaitsForTheCallInFlight() throws Exception {
    AtomicReference<HeldCall> held = new AtomicReference<>();
    AtomicBoolean releasedUnderTheCall = new AtomicBoolean();
    SessionGuard guard =
        SessionGuard.releasing(
            "ROCm SMI session", () -> releasedUnderTheCall.set(!held.get().finished()));
    ExecutorService closing = Executors.newSingleThreadExecutor();
    try (HeldCall call = new HeldCall(guard)) {
      held.set(call);
      AtomicReference<Thread> closer = new AtomicReference<>();
      Future<?> close =
          closing.submit(
              () -> {
                closer.set(Thread.currentThread());
                guard.close();
              });
      // The closer must be parked on the lock before the call may finish, or nothing is shown.
      waitUntilParked(closer);
      assertThat(close.isDone()).as("close() returned with a call in flight").isFalse();
      assertThat(call.finish()).isEqualTo("finished");
      close.get(10, TimeUnit.SECONDS);
      assertThat(releasedUnderTheCall).as("released under a call in flight").isFalse();
    } finally {
      closing.shutdownNow();
    }
  }

  @Test
  void statelessCloseDoesNotWaitForACallInFlight() throws Exception {
    SessionGuard guard = SessionGuard.stateless("the macmon backend");
    try (HeldCall call = new HeldCall(guard)) {
      guard.close(); // returns on this thread while the call is still held
      assertThatThrownBy(() -> guard.call(() -> "late"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the macmon backend is closed");
      assertThat(call.finish()).isEqualTo("finished");
    }
  }

  @Test
  void aReleaseThatThrowsStillClosesTheSession() {
    AtomicInteger releases = new AtomicInteger();
    SessionGuard guard =
        SessionGuard.releasing(
            "NVML session",
            () -> {
              releases.incrementAndGet();
              throw new IllegalStateException("nvmlShutdown failed");
            });
    assertThatThrownBy(guard::close).hasMessage("nvmlShutdown failed");
    guard.close();
    assertThat(releases).hasValue(1);
    assertThatThrownBy(() -> guard.call(() -> 1)).hasMessage("NVML session is closed");
  }

  @Test
  void underConcurrentCallsAndClosesNoCallOverlapsTheRelease() throws Exception {
    int threads = 8;
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger overlapping = new AtomicInteger(-1);
    AtomicInteger releases = new AtomicInteger();
    SessionGuard guard =
        SessionGuard.releasing(
            "ROCm SMI session",
            () -> {
              releases.incrementAndGet();
              overlapping.set(inFlight.get());
            });
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> callers = new ArrayList<>();
      for (int t = 0; t < threads - 2; t++) {
        callers.add(
            pool.submit(
                () -> {
                  start.await();
                  int calls = 0;
                  while (true) {
                    try {
                      guard.call(
                          () -> {
                            inFlight.incrementAndGet();
                            Thread.onSpinWait();
                            return inFlight.decrementAndGet();
                          });
                      calls++;
                    } catch (IllegalStateException closed) {
                      return calls;
                    }
                  }
                }));
      }
      List<Future<?>> closers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        closers.add(
            pool.submit(
                () -> {
                  start.await();
                  guard.close();
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> closer : closers) {
        closer.get(30, TimeUnit.SECONDS);
      }
      for (Future<Integer> caller : callers) {
        caller.get(30, TimeUnit.SECONDS); // every caller ends on "is closed"
      }
      assertThat(releases).hasValue(1);
      assertThat(overlapping).as("calls in flight when the release ran").hasValue(0);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void argumentsAreValidated() {
    assertThatThrownBy(() -> SessionGuard.stateless(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("session");
    assertThatThrownBy(() -> SessionGuard.stateless(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SessionGuard.releasing("NVML session", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("release");
    assertThatThrownBy(() -> SessionGuard.stateless("s").call(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("call");
  }

  /** A call started on its own thread and held inside the guard until {@link #finish()}. */
  private static final class HeldCall implements AutoCloseable {
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch proceed = new CountDownLatch(1);
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Future<String> result;

    HeldCall(SessionGuard guard) throws InterruptedException {
      result =
          pool.submit(
              () ->
                  guard.call(
                      () -> {
                        entered.countDown();
                        awaitUninterruptibly(proceed);
                        finished.set(true);
                        return "finished";
                      }));
      if (!entered.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the call never entered the guard");
      }
    }

    boolean finished() {
      return finished.get();
    }

    /** Lets the call return; its result. */
    String finish() throws Exception {
      proceed.countDown();
      return result.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      proceed.countDown();
      pool.shutdownNow();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
      try {
        if (!latch.await(30, TimeUnit.SECONDS)) {
          throw new AssertionError("never let go");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Spins until the thread in {@code holder} is parked (waiting on the write lock). */
  private static void waitUntilParked(AtomicReference<Thread> holder) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Thread t = holder.get();
      if (t != null && t.getState() == Thread.State.WAITING) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("close() never blocked on the call in flight");
  }
}
