package io.hwledger.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.TelemetrySampler;
import io.hwledger.spi.Vendor;
import io.hwledger.testsupport.Verifies;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@Verifies({"FR-TELEMETRY-010", "FR-TELEMETRY-007"})
class GpuMetricsTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);

  private static GpuDevice device(int index, String uuid) {
    return new GpuDevice(
        "scripted",
        index,
        uuid,
        Optional.empty(),
        "GPU " + index,
        Vendor.NVIDIA,
        Optional.empty(),
        Optional.empty(),
        OptionalLong.of(80L << 30));
  }

  /** Device 0 reports everything; device 1 has no power or temperature sensor. */
  private static final class Scripted implements GpuBackend {
    final List<GpuDevice> devices = List.of(device(0, "GPU-a"), device(1, "GPU-b"));

    @Override
    public String id() {
      return "scripted";
    }

    @Override
    public List<GpuDevice> devices() {
      return devices;
    }

    @Override
    public TelemetrySample sample(GpuDevice d) {
      boolean full = d.index() == 0;
      return new TelemetrySample(
          d,
          CLOCK.instant(),
          new MemoryUsage(
              OptionalLong.of(80L << 30),
              OptionalLong.of(full ? 10L << 30 : 0),
              OptionalLong.of(full ? 70L << 30 : 80L << 30),
              OptionalLong.empty(),
              false),
          OptionalDouble.of(full ? 87 : 0),
          full ? OptionalDouble.of(64) : OptionalDouble.empty(),
          full ? OptionalDouble.of(312.5) : OptionalDouble.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          Optional.empty());
    }

    @Override
    public void close() {}
  }

  private static double gauge(SimpleMeterRegistry registry, String name, String uuid) {
    Gauge g = registry.get(name).tag("uuid", uuid).gauge();
    return g.value();
  }

  @Test
  void gaugesReadTheLatestSampleAndNaNForUnsupported() throws Exception {
    Scripted backend = new Scripted();
    try (TelemetrySampler sampler =
        TelemetrySampler.builder(backend).interval(Duration.ZERO).clock(CLOCK).build()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new GpuMetrics(sampler).bindTo(registry);
      // before any sample: no value, not 0
      assertThat(gauge(registry, "hwledger.gpu.memory.used", "GPU-a")).isNaN();
      for (GpuDevice d : backend.devices) {
        sampler.sample(d).get(10, TimeUnit.SECONDS);
      }
      assertThat(gauge(registry, "hwledger.gpu.memory.total", "GPU-a")).isEqualTo(85_899_345_920.0);
      assertThat(gauge(registry, "hwledger.gpu.memory.used", "GPU-a")).isEqualTo(10_737_418_240.0);
      assertThat(gauge(registry, "hwledger.gpu.memory.free", "GPU-a")).isEqualTo(75_161_927_680.0);
      assertThat(gauge(registry, "hwledger.gpu.utilization", "GPU-a")).isEqualTo(87.0);
      assertThat(gauge(registry, "hwledger.gpu.temperature", "GPU-a")).isEqualTo(64.0);
      assertThat(gauge(registry, "hwledger.gpu.power", "GPU-a")).isEqualTo(312.5);
      // device 1: real zeros stay 0, missing sensors are NaN
      assertThat(gauge(registry, "hwledger.gpu.utilization", "GPU-b")).isZero();
      assertThat(gauge(registry, "hwledger.gpu.memory.used", "GPU-b")).isZero();
      assertThat(gauge(registry, "hwledger.gpu.power", "GPU-b")).isNaN();
      assertThat(gauge(registry, "hwledger.gpu.temperature", "GPU-b")).isNaN();
      Gauge used = registry.get("hwledger.gpu.memory.used").tag("uuid", "GPU-a").gauge();
      assertThat(used.getId().getBaseUnit()).isEqualTo("bytes");
      assertThat(used.getId().getTag("backend")).isEqualTo("scripted");
      assertThat(used.getId().getTag("index")).isEqualTo("0");
      assertThat(registry.getMeters()).hasSize(12);
    }
  }

  @Test
  @Verifies("FR-TELEMETRY-013")
  void severalSamplersBindEveryVendorsGpusOnceEach() {
    Scripted nvidia = new Scripted();
    GpuDevice amd =
        new GpuDevice(
            "rocm-smi-lib",
            0,
            "0x1234abcd5678ef00",
            Optional.empty(),
            "AMD Instinct MI300X",
            Vendor.AMD,
            Optional.empty(),
            Optional.empty(),
            OptionalLong.of(192L << 30));
    GpuBackend rocm =
        new GpuBackend() {
          @Override
          public String id() {
            return "rocm-smi-lib";
          }

          @Override
          public List<GpuDevice> devices() {
            // GPU-a again (a backend that also sees the first NVIDIA card) and the AMD card
            return List.of(device(0, "GPU-a"), amd);
          }

          @Override
          public TelemetrySample sample(GpuDevice d) {
            return nvidia.sample(d);
          }

          @Override
          public void close() {}
        };
    try (TelemetrySampler first =
            TelemetrySampler.builder(nvidia).interval(Duration.ZERO).clock(CLOCK).build();
        TelemetrySampler second =
            TelemetrySampler.builder(rocm).interval(Duration.ZERO).clock(CLOCK).build()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new GpuMetrics(List.of(first, second)).bindTo(registry);
      // 3 GPUs (GPU-a, GPU-b, the MI300X) x 6 gauges; GPU-a only through the first sampler
      assertThat(registry.getMeters()).hasSize(18);
      assertThat(registry.get("hwledger.gpu.memory.total").gauges()).hasSize(3);
      assertThat(
              registry
                  .get("hwledger.gpu.power")
                  .tag("uuid", "GPU-a")
                  .gauge()
                  .getId()
                  .getTag("backend"))
          .isEqualTo("scripted");
      assertThat(
              registry
                  .get("hwledger.gpu.power")
                  .tag("uuid", "0x1234abcd5678ef00")
                  .gauge()
                  .getId()
                  .getTag("backend"))
          .isEqualTo("rocm-smi-lib");
    }
  }
}
