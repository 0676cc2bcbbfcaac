package io.hwledger.spi;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Polls every device of an open {@link GpuBackend} and caches the latest sample of each.
 *
 * <ul>
 *   <li>{@link #latest} never blocks: it returns the newest cached sample (possibly stale; compare
 *       its {@link TelemetrySample#timestamp()}), or empty before the first read succeeded.
 *   <li>{@link #sample} returns a fresh sample: the cached one if it is younger than the TTL (by
 *       the injected clock), otherwise the result of a read. At most one read per device is in
 *       flight: concurrent callers share it, and while a read of a slow device is still running
 *       (even past its timeout) no second read of that device starts.
 *   <li>Each read runs on its own daemon thread and its future fails with {@link
 *       java.util.concurrent.TimeoutException} after the read timeout, so one hung device never
 *       stalls callers of, or polls of, the other devices.
 *   <li>With a positive interval a daemon thread ({@code hwledger-sampler}) starts a read of every
 *       device each interval (skipping devices whose previous read is still in flight), regardless
 *       of the TTL. With {@link Duration#ZERO} there is no background polling.
 * </ul>
 *
 * <p>The sampler does not own the backend: {@link #close()} stops its threads, and the caller
 * closes the backend. Thread-safe.
 */
public final class TelemetrySampler implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(TelemetrySampler.class.getName());

  private final GpuBackend backend;
  private final Clock clock;
  private final Duration ttl;
  private final Duration readTimeout;
  private final List<GpuDevice> devices;
  private final Map<GpuDevice, Slot> slots;
  private final ExecutorService readers;
  private final @Nullable ScheduledExecutorService poller;
  private volatile boolean closed;

  private TelemetrySampler(Builder b) {
    this.backend = b.backend;
    this.clock = b.clock;
    this.ttl = b.ttl;
    this.readTimeout = b.readTimeout;
    Map<GpuDevice, Slot> map = new LinkedHashMap<>();
    for (GpuDevice device : backend.devices()) {
      map.put(device, new Slot(device));
    }
    this.devices = List.copyOf(map.keySet());
    this.slots = Map.copyOf(map);
    this.readers = Executors.newCachedThreadPool(daemonThreads("hwledger-sampler-read-"));
    if (b.interval.isZero()) {
      this.poller = null;
    } else {
      ScheduledExecutorService scheduler =
          Executors.newSingleThreadScheduledExecutor(daemonThreads("hwledger-sampler-"));
      long nanos = b.interval.toNanos();
      var unused = scheduler.scheduleAtFixedRate(this::pollOnce, 0, nanos, TimeUnit.NANOSECONDS);
      this.poller = scheduler;
    }
  }

  /**
   * A builder for a sampler over {@code backend}, whose devices are listed once, at build.
   *
   * @param backend an open session; the sampler reads it but does not close it
   * @return a builder with the defaults: poll every 1 s, TTL 1 s, read timeout 2 s, UTC clock
   */
  public static Builder builder(GpuBackend backend) {
    return new Builder(backend);
  }

  /**
   * The devices sampled, as the backend listed them at build time.
   *
   * @return an unmodifiable list in the backend's index order
   */
  public List<GpuDevice> devices() {
    return devices;
  }

  /**
   * The newest cached sample of {@code device}, however old, without blocking; empty if none has
   * been read yet or the device is not one of this backend's.
   *
   * @param device one of {@link #devices()}
   * @return the cached sample, or empty
   */
  public Optional<TelemetrySample> latest(GpuDevice device) {
    Slot slot = slots.get(Objects.requireNonNull(device, "device"));
    if (slot == null) {
      return Optional.empty();
    }
    Cached cached = slot.cached;
    return cached == null ? Optional.empty() : Optional.of(cached.sample());
  }

  /**
   * A sample of {@code device} no older than the TTL: already complete when the cache is fresh,
   * otherwise completing when the (shared) read does, or failing with the backend's exception or a
   * {@link java.util.concurrent.TimeoutException} after the read timeout. Never blocks the caller.
   *
   * @param device one of {@link #devices()}
   * @return a future of the sample; cancelling it does not cancel the shared read
   * @throws IllegalArgumentException if the device is not one of the backend's
   * @throws IllegalStateException if the sampler is closed
   */
  public CompletableFuture<TelemetrySample> sample(GpuDevice device) {
    Slot slot = slot(device);
    Cached cached = slot.cached;
    if (cached != null && isFresh(cached)) {
      return CompletableFuture.completedFuture(cached.sample());
    }
    return slot.refresh(false).copy();
  }

  /** Starts a read of every device that has none in flight (what each poll does). */
  void pollOnce() {
    for (Slot slot : slots.values()) {
      try {
        var unused = slot.refresh(true);
      } catch (RuntimeException e) {
        if (!closed) {
          LOG.log(Level.WARNING, "Polling " + slot.device.uuid() + " failed: " + e, e);
        }
      }
    }
  }

  private Slot slot(GpuDevice device) {
    Slot slot = slots.get(Objects.requireNonNull(device, "device"));
    if (slot == null) {
      throw new IllegalArgumentException(
          "Device " + device.uuid() + " is not one of backend " + backend.id() + "'s");
    }
    return slot;
  }

  private boolean isFresh(Cached cached) {
    return Duration.between(cached.readAt(), clock.instant()).compareTo(ttl) < 0;
  }

  /** Stops polling and abandons reads in flight; does not close the backend. Idempotent. */
  @Override
  public void close() {
    closed = true;
    if (poller != null) {
      poller.shutdownNow();
    }
    readers.shutdownNow();
  }

  private record Cached(TelemetrySample sample, Instant readAt) {}

  private record Flight(
      CompletableFuture<TelemetrySample> read, CompletableFuture<TelemetrySample> shared) {}

  /** One device's cache and its single in-flight read. */
  private final class Slot {
    final GpuDevice device;
    volatile @Nullable Cached cached;
    private @Nullable Flight flight; // guarded by this

    Slot(GpuDevice device) {
      this.device = device;
    }

    /**
     * The shared future of the read in flight, starting one if there is none and (unless {@code
     * force}) the cache is still stale.
     */
    synchronized CompletableFuture<TelemetrySample> refresh(boolean force) {
      if (closed) {
        throw new IllegalStateException("TelemetrySampler is closed");
      }
      Flight current = flight;
      if (current != null) {
        return current.shared();
      }
      Cached now = cached;
      if (!force && now != null && isFresh(now)) {
        return CompletableFuture.completedFuture(now.sample());
      }
      CompletableFuture<TelemetrySample> read;
      try {
        read = CompletableFuture.supplyAsync(() -> backend.sample(device), readers);
      } catch (RejectedExecutionException e) {
        throw new IllegalStateException("TelemetrySampler is closed", e);
      }
      CompletableFuture<TelemetrySample> shared =
          read.copy().orTimeout(readTimeout.toNanos(), TimeUnit.NANOSECONDS);
      flight = new Flight(read, shared);
      var unused = read.whenComplete((sample, error) -> finished(sample, error));
      return shared;
    }

    private synchronized void finished(
        @Nullable TelemetrySample sample, @Nullable Throwable error) {
      if (sample != null) {
        cached = new Cached(sample, clock.instant());
      } else if (error != null && !closed) {
        LOG.log(Level.DEBUG, "Reading " + device.uuid() + " failed: " + error);
      }
      flight = null;
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Configures a {@link TelemetrySampler}; every setter validates its argument at once. */
  public static final class Builder {
    private final GpuBackend backend;
    private Duration interval = Duration.ofSeconds(1);
    private Duration ttl = Duration.ofSeconds(1);
    private Duration readTimeout = Duration.ofSeconds(2);
    private Clock clock = Clock.systemUTC();

    private Builder(GpuBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
    }

    /**
     * How often to poll every device (default 1 s); {@link Duration#ZERO} for no polling.
     *
     * @param interval the polling period, zero or more
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public Builder interval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("interval must not be negative, was " + interval);
      }
      this.interval = interval;
      return this;
    }

    /**
     * How long a cached sample counts as fresh for {@link #sample} (default 1 s; 0: never).
     *
     * @param ttl the age below which {@link #sample} returns the cached sample, zero or more
     * @return this builder
     * @throws IllegalArgumentException if {@code ttl} is negative
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * How long one read may take before its future fails (default 2 s).
     *
     * @param readTimeout the timeout, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code readTimeout} is zero or negative
     */
    public Builder readTimeout(Duration readTimeout) {
      Objects.requireNonNull(readTimeout, "readTimeout");
      if (readTimeout.isNegative() || readTimeout.isZero()) {
        throw new IllegalArgumentException("readTimeout must be positive, was " + readTimeout);
      }
      this.readTimeout = readTimeout;
      return this;
    }

    /**
     * The clock that ages cached samples (default {@link Clock#systemUTC()}).
     *
     * @param clock the clock; tests inject a fixed or manual one
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Lists the backend's devices and starts polling.
     *
     * @return a running sampler; close it to stop its threads
     * @throws BackendException if the backend cannot list its devices
     */
    public TelemetrySampler build() {
      return new TelemetrySampler(this);
    }
  }
}
