package io.hwledger.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

@Verifies("FR-TELEMETRY-008")
class TelemetrySamplerTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

  private TelemetrySampler.Builder onDemand(FakeBackend backend) {
    return TelemetrySampler.builder(backend)
        .interval(Duration.ZERO)
        .ttl(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10))
        .clock(clock);
  }

  @Test
  void latestIsEmptyUntilTheFirstReadThenTheCachedSample() throws Exception {
    FakeBackend backend = new FakeBackend(clock, 1);
    try (TelemetrySampler sampler = onDemand(backend).build()) {
      GpuDevice gpu = backend.device(0);
      assertThat(sampler.devices()).containsExactly(gpu);
      assertThat(sampler.latest(gpu)).isEmpty();
      TelemetrySample sample = sampler.sample(gpu).get(10, TimeUnit.SECONDS);
      assertThat(sample.device()).isEqualTo(gpu);
      assertThat(sampler.latest(gpu)).contains(sample);
    }
  }

  @Test
  void cachedSampleIsReusedWithinTheTtlAndRefreshedAfter() throws Exception {
    FakeBackend backend = new FakeBackend(clock, 1);
    try (TelemetrySampler sampler = onDemand(backend).build()) {
      GpuDevice gpu = backend.device(0);
      TelemetrySample first = sampler.sample(gpu).get(10, TimeUnit.SECONDS);
      clock.advance(Duration.ofMillis(4999));
      assertThat(sampler.sample(gpu).get(10, TimeUnit.SECONDS)).isSameAs(first);
      assertThat(backend.reads(0)).isEqualTo(1);
      clock.advance(Duration.ofMillis(1));
      TelemetrySample second = sampler.sample(gpu).get(10, TimeUnit.SECONDS);
      assertThat(backend.reads(0)).isEqualTo(2);
      assertThat(second.timestamp()).isEqualTo(Instant.parse("2025-01-01T00:00:05Z"));
    }
  }

  @Test
  @SuppressWarnings("FutureReturnValueIgnored") // each caller's future is kept and read below
  void concurrentCallersShareOneRead() throws Exception {
    FakeBackend backend = new FakeBackend(clock, 1);
    CountDownLatch gate = backend.hold(0);
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try (TelemetrySampler sampler = onDemand(backend).build()) {
      GpuDevice gpu = backend.device(0);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<CompletableFuture<TelemetrySample>>> calls = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        calls.add(
            callers.submit(
                () -> {
                  start.await();
                  return sampler.sample(gpu);
                }));
      }
      start.countDown();
      List<CompletableFuture<TelemetrySample>> futures = new ArrayList<>();
      for (Future<CompletableFuture<TelemetrySample>> call : calls) {
        futures.add(call.get(10, TimeUnit.SECONDS)); // returned without waiting for the read
      }
      assertThat(futures).noneMatch(CompletableFuture::isDone);
      gate.countDown();
      TelemetrySample first = futures.get(0).get(10, TimeUnit.SECONDS);
      for (CompletableFuture<TelemetrySample> f : futures) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(first);
      }
      assertThat(backend.reads(0)).isEqualTo(1);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aHungDeviceTimesOutWithoutStallingOthersOrStartingMoreReads() throws Exception {
    FakeBackend backend = new FakeBackend(clock, 2);
    CountDownLatch gate = backend.hold(0);
    try (TelemetrySampler sampler = onDemand(backend).readTimeout(Duration.ofMillis(200)).build()) {
      GpuDevice hung = backend.device(0);
      GpuDevice fine = backend.device(1);
      CompletableFuture<TelemetrySample> stuck = sampler.sample(hung);
      assertThat(sampler.sample(fine).get(10, TimeUnit.SECONDS).device()).isEqualTo(fine);
      assertThat(sampler.latest(hung)).isEmpty();
      assertThatThrownBy(() -> stuck.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TimeoutException.class);
      // the read is still hung: a new caller fails at once and no second read starts
      CompletableFuture<TelemetrySample> again = sampler.sample(hung);
      assertThat(again).isCompletedExceptionally();
      assertThat(backend.reads(0)).isEqualTo(1);
      gate.countDown();
    }
  }

  @Test
  void aFailedReadKeepsTheStaleSampleForLatest() throws Exception {
    FakeBackend backend = new FakeBackend(clock, 1);
    try (TelemetrySampler sampler = onDemand(backend).build()) {
      GpuDevice gpu = backend.device(0);
      TelemetrySample old = sampler.sample(gpu).get(10, TimeUnit.SECONDS);
      backend.failures.put(
          gpu.uuid(), new BackendException(BackendException.Kind.DEVICE_LOST, "fell off the bus"));
      clock.advance(Duration.ofMinutes(1));
      assertThatThrownBy(() -> sampler.sample(gpu).get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(BackendException.class);
      assertThat(sampler.latest(gpu)).contains(old);
    }
  }

  @Test
  void pollsEveryDeviceOnItsOwnThread() throws Exception {
    FakeBackend backend = new FakeBackend(clock, 2);
    try (TelemetrySampler sampler =
        onDemand(backend).interval(Duration.ofMillis(5)).ttl(Duration.ofHours(1)).build()) {
      assertThat(backend.awaitEntered(0)).isTrue();
      assertThat(backend.awaitEntered(1)).isTrue();
      // joins the poll's read in flight, or finds its result already cached (TTL 1 h): no sleeping
      TelemetrySample polled = sampler.sample(backend.device(1)).get(10, TimeUnit.SECONDS);
      assertThat(polled.device()).isEqualTo(backend.device(1));
      assertThat(sampler.latest(backend.device(1))).isPresent();
    }
  }

  @Test
  void closeStopsItAndLaterSamplesFail() throws Exception {
    FakeBackend backend = new FakeBackend(clock, 1);
    TelemetrySampler sampler = onDemand(backend).build();
    sampler.close();
    sampler.close();
    assertThatThrownBy(() -> sampler.sample(backend.device(0)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsUnknownDevicesAndBadSettings() {
    FakeBackend backend = new FakeBackend(clock, 1);
    FakeBackend other = new FakeBackend(clock, 2);
    try (TelemetrySampler sampler = onDemand(backend).build()) {
      assertThatThrownBy(() -> sampler.sample(other.device(1)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(sampler.latest(other.device(1))).isEmpty();
    }
    TelemetrySampler.Builder builder = TelemetrySampler.builder(backend);
    assertThatThrownBy(() -> builder.interval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.ttl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.readTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
