package io.hwledger.examples;

import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuBackends;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.TelemetrySampler;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The README's "Reading the GPUs": pick the best available backend, sample every GPU, and print
 * what each holds; on a machine without a GPU, say which backends were tried and why each is
 * unavailable. The lines between the README markers are the README's snippet, character for
 * character.
 */
public final class TelemetryExample {
  private TelemetryExample() {}

  /** Prints each GPU's used memory, or why there is none. */
  public static void main(String[] args) throws Exception {
    // README begin: the README prints these lines as they are (spotless:off)
    GpuBackends registry = GpuBackends.defaults();            // ServiceLoader; hwledger.backends picks
    Optional<GpuBackendProvider> best = registry.select();
    if (best.isEmpty()) {                                     // no GPU here: say what was tried
      registry.statuses().forEach(s -> System.out.println(s.id() + ": " + s.availability().reason()));
      return;
    }
    try (GpuBackend gpus = best.get().open(Clock.systemUTC());
        TelemetrySampler sampler = TelemetrySampler.builder(gpus).interval(Duration.ofSeconds(1)).build()) {
      for (GpuDevice d : sampler.devices()) {
        TelemetrySample s = sampler.sample(d).get(5, TimeUnit.SECONDS);
        OptionalLong used = s.memory().usedBytes();               // empty, never 0, if unsupported
        System.out.println(d.name() + ": " + (used.isPresent() ? used.getAsLong() + " bytes used" : "used memory not reported"));
      }
    }
    // README end (spotless:on)
  }
}
