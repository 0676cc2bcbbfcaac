package io.hwledger.fleet.agent;

import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.fleet.protocol.ProcessUsage;
import io.hwledger.spi.GpuBackends;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.HostDevice;
import io.hwledger.spi.HostDevices;
import io.hwledger.spi.ProcessMemory;
import io.hwledger.spi.TelemetrySample;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every GPU of the agent's host, through the telemetry SPI's host view ({@link GpuBackends#host}):
 * one backend per vendor by priority, each GPU once, and a backend that was unavailable probed
 * again on each {@link #refresh()}, so a driver installed after the agent started is found without
 * a restart. With the system property {@code hwledger.backends} set, only the backend it selects is
 * used. The agent calls it from one thread.
 */
public final class HostGpus implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostGpus.class);

  private final HostDevices host;
  private final Clock clock;
  private List<GpuDevice> devices = List.of();

  /**
   * A view of the host's GPUs through {@code backends}.
   *
   * @param backends the discovered backends
   * @param clock the clock samples are stamped with
   */
  public HostGpus(GpuBackends backends, Clock clock) {
    this.host = backends.host(clock);
    this.clock = clock;
  }

  /**
   * Opens backends that became available and lists every device again.
   *
   * @return every GPU, once each, in backend priority then index order
   */
  public List<GpuInfo> refresh() {
    List<HostDevice> listed = host.devices();
    List<GpuDevice> list = new ArrayList<>();
    List<GpuInfo> out = new ArrayList<>();
    for (HostDevice d : listed) {
      list.add(d.device());
      out.add(info(d));
    }
    devices = List.copyOf(list);
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
    for (GpuDevice d : devices) {
      try {
        TelemetrySample s = host.sample(d);
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

  private static GpuInfo info(HostDevice h) {
    GpuDevice d = h.device();
    return new GpuInfo(
        d.index(),
        d.uuid(),
        d.name(),
        d.vendor().name().toLowerCase(Locale.ROOT),
        d.backend(),
        d.pciBusId().orElse(null),
        d.memoryTotalBytes().orElse(0),
        h.integrated());
  }

  @Override
  public void close() {
    host.close();
  }
}
