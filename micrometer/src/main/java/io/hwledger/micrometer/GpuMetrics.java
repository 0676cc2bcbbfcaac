package io.hwledger.micrometer;

import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.TelemetrySampler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Binds every device of a {@link TelemetrySampler} as Micrometer gauges, so a Spring Boot or
 * Quarkus service shows GPU metrics on its existing dashboards:
 *
 * <ul>
 *   <li>{@code hwledger.gpu.memory.total}, {@code hwledger.gpu.memory.used}, {@code
 *       hwledger.gpu.memory.free} — bytes
 *   <li>{@code hwledger.gpu.utilization} — percent, 0–100
 *   <li>{@code hwledger.gpu.temperature} — degrees Celsius
 *   <li>{@code hwledger.gpu.power} — watts
 * </ul>
 *
 * <p>Each gauge is tagged {@code backend}, {@code uuid}, {@code index} and {@code name}. A gauge
 * reads the sampler's cached sample ({@link TelemetrySampler#latest}), so a scrape never waits for
 * a device; before the first sample, or for a metric the device does not support, it reads {@code
 * NaN} (Micrometer's "no value"), never 0.
 */
public final class GpuMetrics implements MeterBinder {
  private final TelemetrySampler sampler;

  /**
   * Binds the devices of {@code sampler}; the sampler's polling interval sets the freshness.
   *
   * @param sampler the sampler whose cached samples the gauges read; once it is closed they keep
   *     its last values
   */
  public GpuMetrics(TelemetrySampler sampler) {
    this.sampler = Objects.requireNonNull(sampler, "sampler");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    for (GpuDevice device : sampler.devices()) {
      Tags tags =
          Tags.of(
              "backend", device.backend(),
              "uuid", device.uuid(),
              "index", Integer.toString(device.index()),
              "name", device.name());
      longGauge(registry, "hwledger.gpu.memory.total", device, tags, s -> s.memory().totalBytes());
      longGauge(registry, "hwledger.gpu.memory.used", device, tags, s -> s.memory().usedBytes());
      longGauge(registry, "hwledger.gpu.memory.free", device, tags, s -> s.memory().freeBytes());
      doubleGauge(
          registry,
          "hwledger.gpu.utilization",
          BaseUnits.PERCENT,
          device,
          tags,
          TelemetrySample::utilizationPercent);
      doubleGauge(
          registry,
          "hwledger.gpu.temperature",
          "celsius",
          device,
          tags,
          TelemetrySample::temperatureC);
      doubleGauge(
          registry, "hwledger.gpu.power", "watts", device, tags, TelemetrySample::powerWatts);
    }
  }

  private void longGauge(
      MeterRegistry registry,
      String name,
      GpuDevice device,
      Tags tags,
      Function<TelemetrySample, OptionalLong> metric) {
    Gauge.builder(
            name,
            sampler,
            s ->
                s.latest(device)
                    .map(metric)
                    .filter(OptionalLong::isPresent)
                    .map(v -> (double) v.getAsLong())
                    .orElse(Double.NaN))
        .baseUnit(BaseUnits.BYTES)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  private void doubleGauge(
      MeterRegistry registry,
      String name,
      String unit,
      GpuDevice device,
      Tags tags,
      Function<TelemetrySample, OptionalDouble> metric) {
    Gauge.builder(
            name,
            sampler,
            s ->
                s.latest(device)
                    .map(metric)
                    .filter(OptionalDouble::isPresent)
                    .map(OptionalDouble::getAsDouble)
                    .orElse(Double.NaN))
        .baseUnit(unit)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }
}
