package io.hwledger.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.ProcessMemory;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link GpuBackendProvider} keeps. A backend's test class extends this and
 * implements {@link #provider()}; JUnit then runs every check below against it.
 *
 * <p><b>Availability.</b> Checks that need an open session are <em>skipped</em> (JUnit assumption)
 * when the provider says it is unavailable, so the same test class runs on machines with and
 * without the hardware; on those, {@link #openWhenUnavailableThrowsUnavailable()} runs instead. A
 * backend's own CI should run it against a scripted fake (a fake native library, a fake sysfs tree,
 * a recorded tool output) that makes it available.
 *
 * <p><b>"Unsupported is never reported as 0".</b> A test cannot tell an idle GPU's genuine 0 % from
 * a fake 0 by looking at one number, so the TCK checks it against what the fixture knows:
 *
 * <ul>
 *   <li>{@link #expectedUnsupported(GpuDevice)}: metrics the fixture's scripted device does
 *       <em>not</em> support (e.g. the fake NVML returns {@code NVML_ERROR_NOT_SUPPORTED} for
 *       power). Every sample must report them absent; a backend that maps "not supported" to 0
 *       fails here.
 *   <li>{@link #expectedSupported(GpuDevice)}: metrics the fixture does script; every sample must
 *       report them, so a backend cannot pass by reporting everything absent.
 *   <li>{@link #zeroAllowed(GpuDevice)}: metrics that may legitimately read 0 on this fixture
 *       (default: utilisation, used and reserved memory, an empty process list). Any other metric
 *       present as exactly 0 fails, which catches a 0 standing in for "unknown" even where the
 *       fixture did not list the metric. Fixtures should script non-zero values for what they
 *       support, so this check stays sharp.
 * </ul>
 *
 * <p><b>Time.</b> Sessions are opened with {@link #clock()} (by default a {@link TestClock}); with
 * a {@link TestClock}, timestamps must equal the clock's instant exactly, before and after it
 * moves.
 *
 * <p>Every session a check opens is closed after it. Nothing here sleeps.
 */
public abstract class GpuBackendContract {
  /** For the test class that extends this contract; JUnit constructs it. */
  protected GpuBackendContract() {}

  /** Where the default {@link TestClock} stands: far from "now", so a wall-clock stamp shows. */
  public static final Instant DEFAULT_START = Instant.parse("2001-02-03T04:05:06.789Z");

  private static final int THREADS = 8;

  private final List<GpuBackend> opened = new ArrayList<>();
  private @Nullable Clock clock;

  /**
   * The provider under test; a new instance per call is best (as ServiceLoader would make).
   *
   * @return the provider, configured to find the test fixture
   */
  protected abstract GpuBackendProvider provider();

  /**
   * The clock sessions are opened with; by default one {@link TestClock} per test.
   *
   * @return the same clock for every call within one test
   */
  protected Clock clock() {
    Clock c = clock;
    if (c == null) {
      c = new TestClock(DEFAULT_START);
      clock = c;
    }
    return c;
  }

  /**
   * Metrics the fixture's device does not support: they must be absent (default: none).
   *
   * @param device a device of the open session
   * @return the metrics every sample of {@code device} must report absent
   */
  protected Set<Metric> expectedUnsupported(GpuDevice device) {
    return EnumSet.noneOf(Metric.class);
  }

  /**
   * Metrics the fixture's device supports: they must be present (default: none).
   *
   * @param device a device of the open session
   * @return the metrics every sample of {@code device} must report
   */
  protected Set<Metric> expectedSupported(GpuDevice device) {
    return EnumSet.noneOf(Metric.class);
  }

  /**
   * Metrics that may genuinely read 0 on this fixture (default: utilisation, used, reserved,
   * processes).
   *
   * @param device a device of the open session
   * @return the metrics allowed to be present as 0 (an empty list for {@link Metric#PROCESSES})
   */
  protected Set<Metric> zeroAllowed(GpuDevice device) {
    return EnumSet.of(
        Metric.UTILIZATION, Metric.MEMORY_USED, Metric.MEMORY_RESERVED, Metric.PROCESSES);
  }

  /**
   * How many devices the fixture has, or -1 not to check (default).
   *
   * @return the device count {@code devices()} must return, or -1
   */
  protected int expectedDeviceCount() {
    return -1;
  }

  /**
   * Samples each of the 8 threads takes of every device in the concurrency check (default 25).
   *
   * @return samples per thread and device; lower it for a slow fixture
   */
  protected int samplesPerThread() {
    return 25;
  }

  /** Closes every session a check opened. */
  @AfterEach
  public void closeOpenedSessions() {
    for (GpuBackend backend : opened) {
      backend.close();
    }
    opened.clear();
  }

  // ---------------------------------------------------------------- identity and availability

  /** The id is a short, stable, lower-case token, the same on every call. */
  @Test
  @DisplayName("id() is non-blank, lower-case and stable; priority() is stable")
  public void idIsWellFormedAndStable() {
    GpuBackendProvider provider = provider();
    String id = provider.id();
    assertThat(id).as("id()").matches("[a-z0-9][a-z0-9._-]*");
    assertThat(provider.id()).as("id() on a second call").isEqualTo(id);
    assertThat(provider().id()).as("id() of a second instance").isEqualTo(id);
    assertThat(provider.priority())
        .as("priority() on a second call")
        .isEqualTo(provider.priority());
  }

  /** isAvailable() never throws, and always gives a reason. */
  @Test
  @DisplayName("isAvailable() never throws and gives a non-blank reason")
  public void isAvailableNeverThrows() {
    GpuBackendProvider provider = provider();
    for (int i = 0; i < 2; i++) {
      assertThatCode(provider::isAvailable)
          .as("isAvailable() call %d", i)
          .doesNotThrowAnyException();
      Availability availability = provider.isAvailable();
      assertThat(availability).as("isAvailable()").isNotNull();
      assertThat(availability.reason()).as("isAvailable().reason()").isNotBlank();
    }
  }

  /** An unavailable provider refuses to open with a BackendException of kind UNAVAILABLE. */
  @Test
  @DisplayName("open() of an unavailable backend throws BackendException(UNAVAILABLE)")
  public void openWhenUnavailableThrowsUnavailable() {
    GpuBackendProvider provider = provider();
    assumeFalse(available(provider), "backend is available here");
    assertThatThrownBy(() -> track(provider.open(clock())))
        .isInstanceOf(BackendException.class)
        .extracting(e -> ((BackendException) e).kind())
        .isEqualTo(BackendException.Kind.UNAVAILABLE);
  }

  /** An available provider opens a session of the same id. */
  @Test
  @DisplayName("open() of an available backend works and the session carries the provider's id")
  public void openWorksWhenAvailable() {
    GpuBackendProvider provider = provider();
    GpuBackend backend = open(provider);
    assertThat(backend.id()).as("session id()").isEqualTo(provider.id());
    List<GpuDevice> devices = backend.devices();
    assertThat(devices).as("devices()").isNotNull();
    if (expectedDeviceCount() >= 0) {
      assertThat(devices).as("devices()").hasSize(expectedDeviceCount());
    }
  }

  /** devices() gives the same identities on every call and in every sample. */
  @Test
  @DisplayName("devices() is stable across calls and samples, in index order, with unique ids")
  public void devicesAreStable() {
    GpuBackend backend = open(provider());
    List<GpuDevice> first = backend.devices();
    assertThat(first)
        .as("devices() in index order")
        .isSortedAccordingTo((a, b) -> Integer.compare(a.index(), b.index()));
    assertThat(first.stream().map(GpuDevice::index).distinct().count())
        .as("distinct indices")
        .isEqualTo(first.size());
    assertThat(first.stream().map(GpuDevice::uuid).distinct().count())
        .as("distinct UUIDs")
        .isEqualTo(first.size());
    for (GpuDevice device : first) {
      assertThat(device.backend()).as("device.backend()").isEqualTo(backend.id());
      assertThat(device.uuid()).as("device.uuid()").isNotBlank();
      for (int i = 0; i < 3; i++) {
        assertThat(backend.sample(device).device())
            .as("sample(%s).device()", device.uuid())
            .isEqualTo(device);
      }
    }
    assertThat(backend.devices()).as("devices() after sampling").isEqualTo(first);
  }

  // ---------------------------------------------------------------- values

  /** used + free ≤ total whenever all three are reported, and none is negative. */
  @Test
  @DisplayName("memory: used + free (+ reserved) <= total, nothing negative")
  public void memoryAddsUp() {
    forEachSample(
        (device, s) -> {
          MemoryUsage m = s.memory();
          nonNegative(m.totalBytes(), "totalBytes", device);
          nonNegative(m.usedBytes(), "usedBytes", device);
          nonNegative(m.freeBytes(), "freeBytes", device);
          nonNegative(m.reservedBytes(), "reservedBytes", device);
          if (m.totalBytes().isPresent()
              && m.usedBytes().isPresent()
              && m.freeBytes().isPresent()) {
            long total = m.totalBytes().getAsLong();
            long sum = addExact(m.usedBytes().getAsLong(), m.freeBytes().getAsLong(), device);
            assertThat(sum)
                .as("%s: used + free <= total", device.uuid())
                .isLessThanOrEqualTo(total);
            if (!m.usedIncludesReserved() && m.reservedBytes().isPresent()) {
              assertThat(addExact(sum, m.reservedBytes().getAsLong(), device))
                  .as("%s: used + free + reserved <= total (used excludes reserved)", device.uuid())
                  .isLessThanOrEqualTo(total);
            }
          }
        });
  }

  /** Every reported value is in its physical range. */
  @Test
  @DisplayName("metrics are finite and in range (utilisation 0-100, power >= 0, clocks >= 0)")
  public void metricsAreInRange() {
    forEachSample(
        (device, s) -> {
          s.utilizationPercent()
              .ifPresent(
                  u -> assertThat(u).as("%s utilisation", device.uuid()).isBetween(0.0, 100.0));
          s.temperatureC()
              .ifPresent(
                  t -> assertThat(t).as("%s temperature", device.uuid()).isBetween(-60.0, 200.0));
          s.powerWatts()
              .ifPresent(
                  p -> assertThat(p).as("%s power", device.uuid()).isBetween(0.0, 100_000.0));
          nonNegative(s.graphicsClockMhz(), "graphicsClockMhz", device);
          nonNegative(s.memoryClockMhz(), "memoryClockMhz", device);
          for (ProcessMemory p : s.processes().orElse(List.of())) {
            assertThat(p.pid()).as("%s process pid", device.uuid()).isPositive();
            nonNegative(p.usedBytes(), "process usedBytes", device);
          }
        });
  }

  /** Metrics the fixture does not support are absent, never 0. */
  @Test
  @DisplayName("unsupported metrics (expectedUnsupported) are absent, never 0")
  public void unsupportedMetricsAreAbsent() {
    forEachSample(
        (device, s) -> {
          Set<Metric> unsupported = expectedUnsupported(device);
          Set<Metric> overlap = EnumSet.noneOf(Metric.class);
          overlap.addAll(unsupported);
          overlap.retainAll(expectedSupported(device));
          assertThat(overlap)
              .as("fixture error: expectedUnsupported and expectedSupported overlap")
              .isEmpty();
          for (Metric metric : unsupported) {
            assertThat(metric.isPresent(s))
                .as(
                    "%s: %s is unsupported by the fixture but reported (%s)",
                    device.uuid(), metric, s)
                .isFalse();
          }
        });
  }

  /** Metrics the fixture supports are present. */
  @Test
  @DisplayName("supported metrics (expectedSupported) are present")
  public void supportedMetricsArePresent() {
    forEachSample(
        (device, s) -> {
          for (Metric metric : expectedSupported(device)) {
            assertThat(metric.isPresent(s))
                .as("%s: %s is supported by the fixture but absent", device.uuid(), metric)
                .isTrue();
          }
        });
  }

  /** No metric outside zeroAllowed() is reported as exactly 0. */
  @Test
  @DisplayName("no metric reads exactly 0 unless zeroAllowed says it may")
  public void noUnexplainedZeros() {
    forEachSample(
        (device, s) -> {
          Set<Metric> allowed = zeroAllowed(device);
          for (Metric metric : Metric.values()) {
            if (!allowed.contains(metric)) {
              assertThat(metric.isZero(s))
                  .as(
                      "%s: %s reads 0; report it absent if unsupported (%s)",
                      device.uuid(), metric, s)
                  .isFalse();
            }
          }
        });
  }

  /** Samples are stamped by the injected clock. */
  @Test
  @DisplayName("timestamps come from the injected clock")
  public void timestampsComeFromTheInjectedClock() {
    GpuBackend backend = open(provider());
    Clock c = clock();
    for (GpuDevice device : backend.devices()) {
      if (c instanceof TestClock test) {
        assertThat(backend.sample(device).timestamp()).as("timestamp").isEqualTo(c.instant());
        test.advance(Duration.ofSeconds(7));
        assertThat(backend.sample(device).timestamp())
            .as("timestamp after the clock moved 7 s")
            .isEqualTo(c.instant());
      } else {
        Instant before = c.instant();
        Instant stamp = backend.sample(device).timestamp();
        assertThat(stamp).as("timestamp").isBetween(before, c.instant());
      }
    }
  }

  // ---------------------------------------------------------------- lifecycle and threads

  /** close() twice is fine; devices() and sample() after close throw IllegalStateException. */
  @Test
  @DisplayName("close() is idempotent; calls after close throw IllegalStateException")
  public void closeIsIdempotentAndLaterCallsFail() {
    GpuBackend backend = open(provider());
    List<GpuDevice> devices = backend.devices();
    GpuDevice device =
        devices.isEmpty()
            ? new GpuDevice(
                backend.id(),
                0,
                "tck-device",
                Optional.empty(),
                "TCK",
                Vendor.OTHER,
                Optional.empty(),
                Optional.empty(),
                OptionalLong.empty())
            : devices.get(0);
    backend.close();
    assertThatCode(backend::close).as("second close()").doesNotThrowAnyException();
    assertThatThrownBy(backend::devices)
        .as("devices() after close")
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> backend.sample(device))
        .as("sample() after close")
        .isInstanceOf(IllegalStateException.class);
  }

  /** A closed session does not poison the provider: it can open again. */
  @Test
  @DisplayName("the provider opens a working session again after one was closed")
  public void reopensAfterClose() {
    GpuBackendProvider provider = provider();
    GpuBackend first = open(provider);
    List<GpuDevice> devices = first.devices();
    first.close();
    GpuBackend second = open(provider);
    assertThat(second.devices()).as("devices() of a second session").isEqualTo(devices);
    for (GpuDevice device : second.devices()) {
      assertThat(second.sample(device).device()).isEqualTo(device);
    }
  }

  /**
   * Eight threads sampling every device at once get consistent samples and no exception.
   *
   * @throws Exception if a sampling thread failed (an {@link
   *     java.util.concurrent.ExecutionException} wrapping its error) or took over 60 s
   */
  @Test
  @DisplayName("8 threads sampling at once: no exception, every sample consistent")
  public void concurrentSamplingIsSafe() throws Exception {
    GpuBackend backend = open(provider());
    List<GpuDevice> devices = backend.devices();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<TelemetrySample>>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  List<TelemetrySample> mine = new ArrayList<>();
                  for (int i = 0; i < samplesPerThread(); i++) {
                    for (GpuDevice device : devices) {
                      TelemetrySample s = backend.sample(device);
                      if (!s.device().equals(device)) {
                        throw new AssertionError(
                            "sample(" + device.uuid() + ") returned " + s.device().uuid());
                      }
                      mine.add(s);
                    }
                    if (i % 5 == 0 && !backend.devices().equals(devices)) {
                      throw new AssertionError("devices() changed under concurrent sampling");
                    }
                  }
                  return mine;
                }));
      }
      start.countDown();
      Set<GpuDevice> seen = new HashSet<>();
      for (Future<List<TelemetrySample>> f : results) {
        for (TelemetrySample s : f.get(60, TimeUnit.SECONDS)) {
          seen.add(s.device());
          checkMemory(s);
        }
      }
      assertThat(seen).as("devices seen in samples").containsExactlyInAnyOrderElementsOf(devices);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** What a check does with one sample of one device. */
  @FunctionalInterface
  protected interface SampleCheck {
    /**
     * Checks {@code sample} of {@code device}.
     *
     * @param device the device sampled
     * @param sample one sample of it
     */
    void check(GpuDevice device, TelemetrySample sample);
  }

  /**
   * Opens a session (skipping the check if unavailable) and runs {@code check} on 3 samples of
   * every device.
   *
   * @param check assertions on one sample
   */
  protected final void forEachSample(SampleCheck check) {
    GpuBackend backend = open(provider());
    for (GpuDevice device : backend.devices()) {
      for (int i = 0; i < 3; i++) {
        check.check(device, backend.sample(device));
      }
    }
  }

  /**
   * Opens a session that is closed after the check; skips the check if the provider is unavailable.
   *
   * @param provider the provider to open, usually {@link #provider()}
   * @return the open session, stamped by {@link #clock()}
   */
  protected final GpuBackend open(GpuBackendProvider provider) {
    assumeTrue(
        available(provider), () -> "backend unavailable: " + provider.isAvailable().reason());
    return track(provider.open(clock()));
  }

  private GpuBackend track(GpuBackend backend) {
    assertThat(backend).as("open()").isNotNull();
    opened.add(backend);
    return backend;
  }

  private static boolean available(GpuBackendProvider provider) {
    try {
      return provider.isAvailable().available();
    } catch (RuntimeException | LinkageError e) {
      return fail("isAvailable() threw " + e, e);
    }
  }

  private static void checkMemory(TelemetrySample s) {
    MemoryUsage m = s.memory();
    if (m.totalBytes().isPresent() && m.usedBytes().isPresent() && m.freeBytes().isPresent()) {
      assertThat(addExact(m.usedBytes().getAsLong(), m.freeBytes().getAsLong(), s.device()))
          .as("%s: used + free <= total under concurrency", s.device().uuid())
          .isLessThanOrEqualTo(m.totalBytes().getAsLong());
    }
  }

  private static void nonNegative(OptionalLong value, String what, GpuDevice device) {
    if (value.isPresent()) {
      assertThat(value.getAsLong()).as("%s %s", device.uuid(), what).isNotNegative();
    }
  }

  private static long addExact(long a, long b, GpuDevice device) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      return fail(device.uuid() + ": memory values overflow a long: " + a + " + " + b, e);
    }
  }
}
