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

  private static final class Day {
    final String day;
    long samples;
    long maxUsed;
    double utilizationSum;
    long utilizationCount;

    Day(String day) {
      this.day = day;
    }
  }

  private final Map<String, Latest> latest = new ConcurrentHashMap<>();
  private final Map<String, Day> days = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  TelemetryStore(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Records readings from {@code agentId}; returns the days that ended with them, to be written to
   * the ledger.
   */
  List<DaySummary> record(String agentId, List<GpuSample> samples, Instant now) {
    List<DaySummary> ended = new ArrayList<>();
    String today = LocalDate.ofInstant(now, ZoneOffset.UTC).toString();
    for (GpuSample s : samples) {
      Latest previous = latest.put(s.uuid(), new Latest(agentId, s, now));
      if (previous == null) {
        register(agentId, s.uuid());
      }
      Day d = days.get(s.uuid());
      if (d != null && !d.day.equals(today)) {
        ended.add(summary(s.uuid(), agentId, d));
        d = null;
      }
      if (d == null) {
        d = new Day(today);
        days.put(s.uuid(), d);
      }
      d.samples++;
      Long used = s.usedBytes();
      if (used != null) {
        d.maxUsed = Math.max(d.maxUsed, used);
      }
      Double utilization = s.utilizationPercent();
      if (utilization != null) {
        d.utilizationSum += utilization;
        d.utilizationCount++;
      }
    }
    return ended;
  }

  Optional<Latest> latest(String uuid) {
    return Optional.ofNullable(latest.get(uuid));
  }

  private static DaySummary summary(String uuid, String agentId, Day d) {
    long mean = d.utilizationCount == 0 ? 0 : Math.round(d.utilizationSum / d.utilizationCount);
    return new DaySummary(uuid, agentId, d.day, d.samples, d.maxUsed, mean);
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
