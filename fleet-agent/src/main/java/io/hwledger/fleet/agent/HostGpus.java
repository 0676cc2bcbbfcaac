package io.hwledger.fleet.agent;

import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.fleet.protocol.ProcessUsage;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuBackends;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.ProcessMemory;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every GPU of the agent's host through the telemetry SPI: every available backend is opened, in
 * priority order, and a device already reported by a higher-priority backend (same UUID) is not
 * reported twice. A backend that was unavailable is probed again on each {@link #refresh()}, so a
 * driver installed after the agent started is found without a restart. With the system property
 * {@code hwledger.backends} set, only the backend it selects is used. Not thread-safe: the agent
 * calls it from one thread.
 */
public final class HostGpus implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostGpus.class);

  private final GpuBackends backends;
  private final Clock clock;
  private final Map<String, GpuBackend> open = new LinkedHashMap<>();
  private final Map<String, GpuDevice> devices = new LinkedHashMap<>();

  /**
   * A view of the host's GPUs through {@code backends}.
   *
   * @param backends the discovered backends
   * @param clock the clock samples are stamped with
   */
  public HostGpus(GpuBackends backends, Clock clock) {
    this.backends = backends;
    this.clock = clock;
  }

  /**
   * Opens backends that became available and lists every device again.
   *
   * @return every GPU, de-duplicated by UUID, in backend priority then index order
   */
  public List<GpuInfo> refresh() {
    List<GpuBackendProvider> candidates = new ArrayList<>();
    if (System.getProperty(GpuBackends.BACKENDS_PROPERTY) != null) {
      backends.select().ifPresent(candidates::add);
    } else {
      candidates.addAll(backends.providers());
    }
    for (GpuBackendProvider p : candidates) {
      if (!open.containsKey(p.id()) && p.isAvailable().available()) {
        try {
          open.put(p.id(), p.open(clock));
          LOG.info("GPU backend {} opened", p.id());
        } catch (RuntimeException e) {
          LOG.warn("GPU backend {} is available but did not open: {}", p.id(), e.getMessage());
        }
      }
    }
    devices.clear();
    Set<String> seen = new LinkedHashSet<>();
    List<GpuInfo> out = new ArrayList<>();
    for (Map.Entry<String, GpuBackend> e : open.entrySet()) {
      List<GpuDevice> list;
      try {
        list = e.getValue().devices();
      } catch (RuntimeException ex) {
        LOG.warn("GPU backend {} cannot list devices: {}", e.getKey(), ex.getMessage());
        continue;
      }
      for (GpuDevice d : list) {
        if (seen.add(d.uuid())) {
          devices.put(d.uuid(), d);
          out.add(info(d));
        }
      }
    }
    return out;
  }

  /**
   * Reads every device listed by the last {@link #refresh()}. A device whose reading fails is
   * reported unhealthy, so placement fails closed on it.
   *
   * @return one sample per device
   */
  public List<GpuSample> sample() {
    List<GpuSample> out = new ArrayList<>();
    long now = clock.millis();
    for (GpuDevice d : devices.values()) {
      GpuBackend backend = open.get(d.backend());
      try {
        TelemetrySample s = backend.sample(d);
        List<ProcessUsage> processes = null;
        if (s.processes().isPresent()) {
          processes = new ArrayList<>();
          for (ProcessMemory p : s.processes().get()) {
            if (p.pid() > 0) {
              processes.add(new ProcessUsage(p.pid(), p.usedBytes().orElse(0)));
            }
          }
        }
        out.add(
            new GpuSample(
                d.uuid(),
                s.timestamp().toEpochMilli(),
                true,
                boxed(s.memory().usedBytes()),
                boxed(s.memory().freeBytes()),
                s.utilizationPercent().isPresent() ? s.utilizationPercent().getAsDouble() : null,
                s.temperatureC().isPresent() ? s.temperatureC().getAsDouble() : null,
                s.powerWatts().isPresent() ? s.powerWatts().getAsDouble() : null,
                processes));
      } catch (RuntimeException e) {
        LOG.warn("GPU {} cannot be read: {}", d.uuid(), e.getMessage());
        out.add(new GpuSample(d.uuid(), now, false, null, null, null, null, null, null));
      }
    }
    return out;
  }

  private static Long boxed(java.util.OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  private static GpuInfo info(GpuDevice d) {
    return new GpuInfo(
        d.index(),
        d.uuid(),
        d.name(),
        d.vendor().name().toLowerCase(Locale.ROOT),
        d.backend(),
        d.pciBusId().orElse(null),
        d.memoryTotalBytes().orElse(0),
        d.vendor() == Vendor.APPLE);
  }

  @Override
  public void close() {
    for (GpuBackend b : open.values()) {
      try {
        b.close();
      } catch (RuntimeException e) {
        LOG.debug("closing a GPU backend: {}", e.toString());
      }
    }
    open.clear();
  }
}
