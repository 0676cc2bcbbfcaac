package io.hwledger.spi;

import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The lifecycle every {@link GpuBackend} session keeps, in one place: {@link #close()} is
 * idempotent, and every {@link #call} after it throws {@link IllegalStateException}
 * ("<i>session</i> is closed"). A session wraps the body of {@code devices()} and {@code sample()}
 * in {@link #call} and delegates {@code close()} to {@link #close()}.
 *
 * <p>Two kinds, chosen by what closing frees:
 *
 * <ul>
 *   <li>{@link #releasing(String, Runnable)}, for a session that holds a native library or handle
 *       ({@code nvmlShutdown}, {@code rsmi_shut_down}, releasing a Metal device): calls run under a
 *       shared read lock, and the first {@code close()} takes the write lock, so it waits for calls
 *       in flight, marks the session closed and runs the release exactly once. No call runs after
 *       the release has begun.
 *   <li>{@link #stateless(String)}, for a session that holds nothing to free (a tool it runs per
 *       sample, files it reads): a closed flag only. {@code close()} never waits; calls already in
 *       flight finish normally.
 * </ul>
 *
 * <p>Thread-safe. A call must not close its own session: the read lock it holds cannot be upgraded,
 * so that close would never return.
 */
public final class SessionGuard {
  private final String session;
  private final @Nullable Runnable release;
  private final @Nullable ReadWriteLock lock;
  private volatile boolean closed; // written under lock's write lock when there is one

  private SessionGuard(String session, @Nullable Runnable release) {
    Objects.requireNonNull(session, "session");
    if (session.isBlank()) {
      throw new IllegalArgumentException("session must name the session, got \"" + session + "\"");
    }
    this.session = session;
    this.release = release;
    this.lock = release == null ? null : new ReentrantReadWriteLock();
  }

  /**
   * A guard for a session that holds nothing to free.
   *
   * @param session names the session in the "is closed" message, e.g. {@code "nvidia-smi session"}
   * @return an open guard with a closed flag and no lock
   * @throws IllegalArgumentException if {@code session} is blank
   */
  public static SessionGuard stateless(String session) {
    return new SessionGuard(session, null);
  }

  /**
   * A guard whose first {@link #close()} waits for calls in flight and then runs {@code release}.
   *
   * @param session names the session in the "is closed" message, e.g. {@code "NVML session"}
   * @param release frees what the session holds; runs once, on the thread that closes first
   * @return an open guard with a read-write lock
   * @throws IllegalArgumentException if {@code session} is blank
   */
  public static SessionGuard releasing(String session, Runnable release) {
    return new SessionGuard(session, Objects.requireNonNull(release, "release"));
  }

  /**
   * Runs {@code call} if the session is open; a releasing guard holds its read lock meanwhile, so
   * {@link #close()} cannot release under it.
   *
   * @param <T> what the call returns
   * @param call the body of a session method; it must not close this guard
   * @return what {@code call} returns
   * @throws IllegalStateException if the session is closed
   */
  public <T> T call(Supplier<T> call) {
    Objects.requireNonNull(call, "call");
    ReadWriteLock l = lock;
    if (l == null) {
      checkOpen();
      return call.get();
    }
    l.readLock().lock();
    try {
      checkOpen();
      return call.get();
    } finally {
      l.readLock().unlock();
    }
  }

  /**
   * Closes the session; later calls return at once. A releasing guard's first close waits for calls
   * in flight and runs the release; if the release throws, the session stays closed and the
   * exception propagates from that close only.
   */
  public void close() {
    ReadWriteLock l = lock;
    Runnable r = release;
    if (l == null || r == null) {
      closed = true;
      return;
    }
    l.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      r.run();
    } finally {
      l.writeLock().unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(session + " is closed");
    }
  }

  @Override
  public String toString() {
    return session + (closed ? " (closed)" : " (open)");
  }
}
