package io.hwledger.fleet.server;

import io.hwledger.fleet.protocol.GpuSample;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GPU telemetry in memory: the latest reading of each GPU (with the server's receive time, so an
 * agent's clock skew cannot make a stale reading look fresh), exported as Micrometer gauges, and a
 * running summary per GPU per day — the only telemetry that reaches the ledger, so its growth is
 * one event per GPU per day.
 *
 * <p>Safe for concurrent writers without the server's lock: a GPU's day is updated atomically
 * (within {@link ConcurrentHashMap#compute}), so each day's summary is handed out exactly once and
 * counts every sample recorded into it.
 */
final class TelemetryStore {
  /** The latest reading of a GPU and when the server received it. */
  record Latest(String agentId, GpuSample sample, Instant receivedAt) {}

  /** A finished day of one GPU, ready for the ledger. */
  record DaySummary(
      String uuid,
      String agentId,
      String day,
      long samples,
      long maxUsedBytes,
      long meanUtilizationPercent) {}

  /** One GPU's running day; changed only inside {@code days.compute}, which serialises it. */
  private static final class Day {
    final LocalDate day;
    long samples;
    long maxUsed;
    double utilizationSum;
    long utilizationCount;

    Day(LocalDate day) {
      this.day = day;
    }

    void add(GpuSample s) {
      samples++;
      Long used = s.usedBytes();
      if (used != null) {
        maxUsed = Math.max(maxUsed, used);
      }
      Double utilization = s.utilizationPercent();
      if (utilization != null) {
        utilizationSum += utilization;
        utilizationCount++;
      }
    }
  }

  private final Map<String, Latest> latest = new ConcurrentHashMap<>();
  private final Map<String, Day> days = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  TelemetryStore(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Records readings from {@code agentId} received at {@code now}; returns the days that ended with
   * them (a GPU's first sample of a later UTC day ends its previous day), to be written to the
   * ledger. A sample that arrives stamped with an earlier day than the GPU's current one (two
   * requests racing across midnight) counts into the current day rather than ending it.
   */
  List<DaySummary> record(String agentId, List<GpuSample> samples, Instant now) {
    List<DaySummary> ended = new ArrayList<>();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    for (GpuSample s : samples) {
      Latest previous = latest.put(s.uuid(), new Latest(agentId, s, now));
      if (previous == null) {
        register(agentId, s.uuid());
      }
      days.compute(
          s.uuid(),
          (uuid, d) -> {
            Day current = d;
            if (current != null && current.day.isBefore(today)) {
              ended.add(summary(uuid, agentId, current));
              current = null;
            }
            if (current == null) {
              current = new Day(today);
            }
            current.add(s);
            return current;
          });
    }
    return ended;
  }

  Optional<Latest> latest(String uuid) {
    return Optional.ofNullable(latest.get(uuid));
  }

  private static DaySummary summary(String uuid, String agentId, Day d) {
    long mean = d.utilizationCount == 0 ? 0 : Math.round(d.utilizationSum / d.utilizationCount);
    return new DaySummary(uuid, agentId, d.day.toString(), d.samples, d.maxUsed, mean);
  }

  private void register(String agentId, String uuid) {
    Tags tags = Tags.of("agent", agentId, "gpu", uuid);
    Gauge.builder("hwledger.fleet.gpu.memory.used", this, t -> t.value(uuid, true))
        .baseUnit("bytes")
        .tags(tags)
        .register(registry);
    Gauge.builder("hwledger.fleet.gpu.memory.free", this, t -> t.value(uuid, false))
        .baseUnit("bytes")
        .tags(tags)
        .register(registry);
  }

  private double value(String uuid, boolean used) {
    Latest l = latest.get(uuid);
    if (l == null) {
      return Double.NaN;
    }
    Long v = used ? l.sample().usedBytes() : l.sample().freeBytes();
    return v == null ? Double.NaN : v;
  }
}
