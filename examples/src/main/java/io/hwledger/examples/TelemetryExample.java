package io.hwledger.examples;

import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuBackends;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.TelemetrySampler;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The telemetry example of the README: pick the best available backend, sample every GPU once a
 * second, and print what each holds. On a machine without a GPU it says which backends it tried.
 */
public final class TelemetryExample {
  private TelemetryExample() {}

  /** Prints each GPU's used memory, or why there is none. */
  public static void main(String[] args) throws Exception {
    GpuBackends registry = GpuBackends.defaults(); // ServiceLoader; hwledger.backends picks
    Optional<GpuBackendProvider> best = registry.select();
    if (best.isEmpty()) {
      registry
          .statuses()
          .forEach(s -> System.out.println(s.id() + ": " + s.availability().reason()));
      return;
    }
    try (GpuBackend gpus = best.get().open(Clock.systemUTC());
        TelemetrySampler sampler =
            TelemetrySampler.builder(gpus).interval(Duration.ofSeconds(1)).build()) {
      for (GpuDevice d : sampler.devices()) {
        var sample = sampler.sample(d).get(5, TimeUnit.SECONDS);
        System.out.println(d.name() + " " + sample.memory().usedBytes());
      }
    }
  }
}
