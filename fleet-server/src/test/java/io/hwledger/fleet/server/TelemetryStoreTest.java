package io.hwledger.fleet.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.testsupport.Verifies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The telemetry store under concurrent writers, without the server's lock. */
@Verifies("FR-FLEET-014")
class TelemetryStoreTest {
  private static final int THREADS = 4;
  private static final int REPORTS = 500;
  private static final int GPUS = 8;
  private static final Instant DAY_ONE = Instant.parse("2026-12-05T23:59:00Z");
  private static final Instant DAY_TWO = Instant.parse("2026-12-06T00:01:00Z");

  /** Thread {@code t}'s report {@code r}: used bytes and utilisation known in advance. */
  private static List<GpuSample> report(int t, int r) {
    List<GpuSample> samples = new ArrayList<>();
    for (int g = 0; g < GPUS; g++) {
      long used = 1_000L * (t * REPORTS + r);
      samples.add(new GpuSample("GPU-" + g, 0, true, used, 1L << 36, (double) t, null, null, null));
    }
    return samples;
  }

  /** Runs every thread's reports at {@code now} at once and returns the days they ended. */
  private static List<TelemetryStore.DaySummary> hammer(TelemetryStore store, Instant now)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<List<TelemetryStore.DaySummary>>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  List<TelemetryStore.DaySummary> ended = new ArrayList<>();
                  for (int r = 0; r < REPORTS; r++) {
                    ended.addAll(store.record("agent-" + thread, report(thread, r), now));
                  }
                  return ended;
                }));
      }
      List<TelemetryStore.DaySummary> all = new ArrayList<>();
      for (Future<List<TelemetryStore.DaySummary>> f : futures) {
        all.addAll(f.get(60, TimeUnit.SECONDS));
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentReportsCountEverySampleAndEndEachDayOnce() throws Exception {
    TelemetryStore store = new TelemetryStore(new SimpleMeterRegistry());

    assertThat(hammer(store, DAY_ONE)).isEmpty();
    List<TelemetryStore.DaySummary> ended = hammer(store, DAY_TWO);

    // one summary per GPU, handed out once, however many threads crossed midnight together
    Map<String, TelemetryStore.DaySummary> byGpu = new TreeMap<>();
    ended.forEach(d -> byGpu.put(d.uuid(), d));
    assertThat(ended).hasSize(GPUS);
    assertThat(byGpu).hasSize(GPUS);
    for (TelemetryStore.DaySummary d : ended) {
      assertThat(d.day()).isEqualTo("2026-12-05");
      // 4 threads x 500 reports: every sample counted, none lost to a racing update
      assertThat(d.samples()).isEqualTo(2_000);
      // the largest used bytes written: thread 3, report 499 -> 1,000 x (3 x 500 + 499)
      assertThat(d.maxUsedBytes()).isEqualTo(1_999_000);
      // utilisation t per thread, 500 samples each: (0 + 1 + 2 + 3) / 4 = 1.5, rounded to 2
      assertThat(d.meanUtilizationPercent()).isEqualTo(2);
    }
  }

  @Test
  void aSampleStampedWithTheDayBeforeCountsIntoTheCurrentDayInsteadOfEndingIt() {
    TelemetryStore store = new TelemetryStore(new SimpleMeterRegistry());
    assertThat(store.record("a", report(0, 0), DAY_ONE)).isEmpty();
    assertThat(store.record("a", report(0, 1), DAY_TWO)).hasSize(GPUS);

    // a request that read the clock before midnight but recorded after the day turned
    assertThat(store.record("a", report(0, 2), DAY_ONE)).isEmpty();

    List<TelemetryStore.DaySummary> next =
        store.record("a", report(0, 3), Instant.parse("2026-12-07T00:00:01Z"));
    assertThat(next).hasSize(GPUS);
    // day two: report 1 and the late report 2
    assertThat(next.get(0).day()).isEqualTo("2026-12-06");
    assertThat(next.get(0).samples()).isEqualTo(2);
  }
}
