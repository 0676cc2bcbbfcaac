package io.hwledger.bench;

import io.hwledger.nvidia.NvidiaSmiBackendProvider;
import io.hwledger.nvidia.NvmlBackendProvider;
import io.hwledger.nvidia.jna.NvmlLoader;
import io.hwledger.spi.Availability;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.TelemetrySample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full telemetry sample of one device through NVML over JNA, against spi-nvidia's fake NVML
 * ({@code spi-nvidia/src/test/c/fake_nvml.c}, which this module's build compiles into {@code
 * benchmarks/target/native/libnvidia-ml.so.1}); so the figure is the Java-side cost (JNA calls,
 * struct marshalling, building the sample), not a real driver's.
 *
 * <p>Baseline: the {@code nvidia-smi} fallback, which spawns the tool once per sample; here the
 * tool is a small shell script printing the two CSV lines {@code nvidia-smi} would print for the
 * fake's two GPUs. A real {@code nvidia-smi} also initialises the driver on every run, so it is
 * slower still.
 *
 * <p>Target (issue 4): an NVML sample under 50 µs and at least 100× cheaper than the spawn. Run
 * from the repository root: {@code java -jar benchmarks/target/benchmarks.jar TelemetryBenchmark -f
 * 1}; system property {@value #NATIVE_PROPERTY} (for the forked JVM, {@code -jvmArgs
 * -Dhwledger.bench.native=...}) overrides the fake library's path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TelemetryBenchmark {

  /** System property with the fake NVML's path. */
  public static final String NATIVE_PROPERTY = "hwledger.bench.native";

  private static final String DEFAULT_NATIVE = "benchmarks/target/native/libnvidia-ml.so.1";

  /**
   * What {@code nvidia-smi --query-gpu=... --format=csv,noheader,nounits} would print ({@code
   * NvidiaSmiCsv.QUERY}) for the fake's devices: MiB (used includes the reserved 540 and 400 MiB,
   * as nvidia-smi reports it), %, °C, W.
   */
  private static final List<String> CSV =
      List.of(
          "0, GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f, NVIDIA H100 80GB HBM3, 81559, 10780, 70779,"
              + " 87, 64, 312.50",
          "1, GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d, NVIDIA A100-SXM4-40GB, 40960, 400, 40560,"
              + " 0, 34, 54.32");

  private GpuBackend nvml;
  private GpuDevice nvmlDevice;
  private Path dir;
  private GpuBackend smi;
  private GpuDevice smiDevice;

  /** Points NVML at the fake and nvidia-smi at the script, then opens both sessions. */
  @Setup(Level.Trial)
  public void open() throws IOException {
    Path library = Path.of(System.getProperty(NATIVE_PROPERTY, DEFAULT_NATIVE)).toAbsolutePath();
    if (!Files.isRegularFile(library)) {
      throw new IllegalStateException(
          "no fake NVML at "
              + library
              + ": build the benchmarks module first and run from the repository root, or set -D"
              + NATIVE_PROPERTY);
    }
    // Before the provider's first use: NvmlLoader reads the property once per JVM.
    System.setProperty(NvmlLoader.LIBRARY_PROPERTY, library.toString());
    nvml = openChecked(new NvmlBackendProvider());
    nvmlDevice = nvml.devices().get(0);

    dir = LedgerFixtures.tempDir("hwledger-bench-smi-");
    Path script = dir.resolve("nvidia-smi");
    // a quoted here-document: the shell prints the lines as they are
    StringBuilder body = new StringBuilder("#!/bin/sh\ncat <<'CSV'\n");
    for (String line : CSV) {
      body.append(line).append('\n');
    }
    body.append("CSV\n");
    Files.writeString(script, body, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    System.setProperty(NvidiaSmiBackendProvider.PATH_PROPERTY, script.toString());
    smi = openChecked(new NvidiaSmiBackendProvider());
    smiDevice = smi.devices().get(0);

    if (!nvmlDevice.uuid().equals(smiDevice.uuid())) {
      throw new IllegalStateException(
          "device 0 differs: NVML " + nvmlDevice + ", nvidia-smi " + smiDevice);
    }
    // Fail in setup rather than in the first measured call.
    nvml.sample(nvmlDevice);
    smi.sample(smiDevice);
  }

  private static GpuBackend openChecked(GpuBackendProvider provider) {
    Availability availability = provider.isAvailable();
    if (!availability.available()) {
      throw new IllegalStateException(provider.id() + " unavailable: " + availability.reason());
    }
    return provider.open(Clock.systemUTC());
  }

  /** Closes both sessions and deletes the script. */
  @TearDown(Level.Trial)
  public void close() {
    try {
      if (nvml != null) {
        nvml.close();
      }
      if (smi != null) {
        smi.close();
      }
    } finally {
      LedgerFixtures.deleteTree(dir);
    }
  }

  /** One full sample of device 0 through NVML (JNA into the fake library). */
  @Benchmark
  public TelemetrySample nvmlSample() {
    return nvml.sample(nvmlDevice);
  }

  /** Baseline: one sample of device 0 through the nvidia-smi fallback (one process spawn). */
  @Benchmark
  public TelemetrySample baseline_nvidiaSmiSpawn() {
    return smi.sample(smiDevice);
  }
}
