package io.hwledger.fleet.ssh;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls SSH hosts on an interval with {@link HostProbe}: at most {@link SshPolling#concurrency()}
 * at once, each host at most once at a time, a host that fails tried again after a growing wait
 * ({@link SshPolling#delayAfter}), sessions kept open between polls by {@link SshSessions}. Results
 * go to a {@link Listener} on the polling threads.
 */
public final class SshPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SshPoller.class);

  /** What polls find; called on the poller's threads, one call per poll. */
  public interface Listener {

    /**
     * A poll succeeded.
     *
     * @param target the host
     * @param result what it found
     */
    void polled(SshTarget target, ProbeResult result);

    /**
     * A poll failed.
     *
     * @param target the host
     * @param failure why
     * @param failures how many polls in a row failed, this one included
     * @param next when the host is tried again
     */
    void failed(SshTarget target, SshFailure failure, int failures, Instant next);
  }

  /**
   * One round: every host that was due, polled once.
   *
   * @param polled hosts that answered
   * @param failed hosts that did not
   * @param unfinished hosts still being polled when the round's deadline passed
   * @param wall the round's wall time
   */
  public record Round(int polled, int failed, int unfinished, Duration wall) {}

  private static final class Entry {
    final SshTarget target;
    final AtomicBoolean running = new AtomicBoolean();
    volatile int failures;
    volatile long dueMillis;

    Entry(SshTarget target, long dueMillis) {
      this.target = target;
      this.dueMillis = dueMillis;
    }
  }

  private final SshSessions sessions;
  private final HostProbe probe;
  private final SshPolling settings;
  private final Clock clock;
  private final Listener listener;
  private final Map<SshAddress, Entry> entries = new ConcurrentHashMap<>();
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;

  /**
   * A poller with no hosts yet; {@link #start()} begins polling.
   *
   * @param sessions the SSH sessions, shared with {@link #pollNow}
   * @param probe what each poll runs
   * @param settings interval, concurrency, timeouts and backoff
   * @param clock the clock due times are kept by
   * @param listener where results go
   */
  public SshPoller(
      SshSessions sessions, HostProbe probe, SshPolling settings, Clock clock, Listener listener) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.probe = Objects.requireNonNull(probe, "probe");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            settings.concurrency(), r -> daemon(r, "ssh-poll-" + n.incrementAndGet()));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ssh-poll-timer"));
  }

  /**
   * Polls {@code target} from now on, due at once; a target with the same address is replaced (its
   * session closed, as its key or jumps may have changed).
   *
   * @param target the host
   */
  public void put(SshTarget target) {
    Objects.requireNonNull(target, "target");
    Entry old = entries.put(target.address(), new Entry(target, clock.millis()));
    if (old != null && !old.target.equals(target)) {
      sessions.forget(old.target);
    }
  }

  /**
   * Stops polling {@code address} and closes its session.
   *
   * @param address the host's address
   */
  public void remove(SshAddress address) {
    Entry old = entries.remove(Objects.requireNonNull(address, "address"));
    if (old != null) {
      sessions.forget(old.target);
    }
  }

  /**
   * Polls {@code target} now on the calling thread, outside the schedule, through the same pooled
   * session; the listener is not called.
   *
   * @param target the host
   * @return what it found
   * @throws SshFailure if it cannot be polled
   */
  public ProbeResult pollNow(SshTarget target) throws SshFailure {
    Objects.requireNonNull(target, "target");
    Duration timeout = settings.commandTimeout();
    return probe.probe(command -> sessions.run(target, command, timeout));
  }

  /** Polls due hosts from now on, checking every second (or every interval, if shorter). */
  public void start() {
    long tick = Math.min(1000, settings.interval().toMillis());
    timer.scheduleWithFixedDelay(this::dispatchDue, 0, tick, TimeUnit.MILLISECONDS);
  }

  /**
   * Polls every host that is due and not being polled, at most {@link SshPolling#concurrency()} at
   * once, and waits for them: a round, as the schedule runs them (for measurements).
   *
   * @param deadline how long to wait for the round at most
   * @return what the round did
   * @throws InterruptedException if interrupted while waiting
   */
  public Round round(Duration deadline) throws InterruptedException {
    long start = System.nanoTime();
    List<Entry> due = due();
    CountDownLatch done = new CountDownLatch(due.size());
    AtomicInteger polled = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    for (Entry e : due) {
      workers.execute(
          () -> {
            try {
              (poll(e) ? polled : failed).incrementAndGet();
            } finally {
              done.countDown();
            }
          });
    }
    if (!done.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      LOG.warn("SSH poll round not finished within {}", deadline);
    }
    int ok = polled.get();
    int bad = failed.get();
    return new Round(ok, bad, due.size() - ok - bad, Duration.ofNanos(System.nanoTime() - start));
  }

  private void dispatchDue() {
    try {
      for (Entry e : due()) {
        workers.execute(() -> poll(e));
      }
    } catch (RuntimeException e) {
      LOG.error("SSH poll dispatch failed", e);
    }
  }

  /** The hosts due now that no poll is running for, each marked running. */
  private List<Entry> due() {
    long now = clock.millis();
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.dueMillis <= now && e.running.compareAndSet(false, true)) {
        out.add(e);
      }
    }
    return out;
  }

  /** Polls one host and schedules its next poll; whether it answered. */
  private boolean poll(Entry e) {
    try {
      ProbeResult result = pollNow(e.target);
      e.failures = 0;
      e.dueMillis = clock.millis() + settings.interval().toMillis();
      if (entries.get(e.target.address()) == e) {
        listener.polled(e.target, result);
      }
      return true;
    } catch (SshFailure f) {
      int failures = e.failures + 1;
      e.failures = failures;
      Instant next = clock.instant().plus(settings.delayAfter(failures));
      e.dueMillis = next.toEpochMilli();
      if (entries.get(e.target.address()) == e) {
        listener.failed(e.target, f, failures, next);
      }
      return false;
    } catch (RuntimeException ex) {
      LOG.error("SSH poll of {} failed", e.target.address(), ex);
      e.dueMillis = clock.millis() + settings.interval().toMillis();
      return false;
    } finally {
      e.running.set(false);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Stops polling; running polls are interrupted. Sessions are closed by their owner. */
  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
