package io.hwledger.micrometer;

import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.TelemetrySampler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * Binds every device of one or more {@link TelemetrySampler}s as Micrometer gauges, so a Spring
 * Boot or Quarkus service shows GPU metrics on its existing dashboards:
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
 *
 * <p>For every GPU of a host with cards of several vendors, sample each backend of the registry's
 * host view ({@link io.hwledger.spi.GpuBackends#host()}, one backend per vendor) and bind them
 * together:
 *
 * <pre>{@code
 * HostDevices host = GpuBackends.defaults().host();
 * host.devices(); // opens one backend per vendor
 * List<TelemetrySampler> samplers = host.backends().stream()
 *     .map(b -> TelemetrySampler.builder(b).interval(Duration.ofSeconds(5)).build())
 *     .toList();
 * new GpuMetrics(samplers).bindTo(registry);
 * }</pre>
 *
 * A device whose UUID an earlier sampler already bound is not bound twice.
 */
public final class GpuMetrics implements MeterBinder {
  private final List<TelemetrySampler> samplers;

  /**
   * Binds the devices of {@code sampler}; the sampler's polling interval sets the freshness.
   *
   * @param sampler the sampler whose cached samples the gauges read; once it is closed they keep
   *     its last values
   */
  public GpuMetrics(TelemetrySampler sampler) {
    this(List.of(Objects.requireNonNull(sampler, "sampler")));
  }

  /**
   * Binds the devices of every sampler, e.g. one per backend of a host with several vendors' GPUs.
   *
   * @param samplers the samplers, in preference order: a device whose UUID an earlier one has is
   *     bound through the earlier one only
   * @throws NullPointerException if the list or one of its samplers is null
   */
  public GpuMetrics(List<TelemetrySampler> samplers) {
    this.samplers = List.copyOf(samplers);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Set<String> bound = new HashSet<>();
    for (TelemetrySampler sampler : samplers) {
      for (GpuDevice device : sampler.devices()) {
        if (bound.add(device.uuid())) {
          bind(registry, sampler, device);
        }
      }
    }
  }

  private static void bind(MeterRegistry registry, TelemetrySampler sampler, GpuDevice device) {
    Tags tags =
        Tags.of(
            "backend", device.backend(),
            "uuid", device.uuid(),
            "index", Integer.toString(device.index()),
            "name", device.name());
    longGauge(
        registry, sampler, "hwledger.gpu.memory.total", device, tags, s -> s.memory().totalBytes());
    longGauge(
        registry, sampler, "hwledger.gpu.memory.used", device, tags, s -> s.memory().usedBytes());
    longGauge(
        registry, sampler, "hwledger.gpu.memory.free", device, tags, s -> s.memory().freeBytes());
    doubleGauge(
        registry,
        sampler,
        "hwledger.gpu.utilization",
        BaseUnits.PERCENT,
        device,
        tags,
        TelemetrySample::utilizationPercent);
    doubleGauge(
        registry,
        sampler,
        "hwledger.gpu.temperature",
        "celsius",
        device,
        tags,
        TelemetrySample::temperatureC);
    doubleGauge(
        registry,
        sampler,
        "hwledger.gpu.power",
        "watts",
        device,
        tags,
        TelemetrySample::powerWatts);
  }

  private static void longGauge(
      MeterRegistry registry,
      TelemetrySampler sampler,
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

  private static void doubleGauge(
      MeterRegistry registry,
      TelemetrySampler sampler,
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
