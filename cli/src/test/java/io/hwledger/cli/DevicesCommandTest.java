package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.spi.Availability;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuBackends;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import io.hwledger.testsupport.Verifies;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

@Verifies({"FR-CLI-004", "FR-CLI-005", "FR-TELEMETRY-007"})
class DevicesCommandTest {

  /** A scripted backend: two GPUs, the second without a power sensor. */
  static final class ScriptedProvider implements GpuBackendProvider {
    private final String id;
    private final int priority;
    private final boolean available;

    ScriptedProvider(String id, int priority, boolean available) {
      this.id = id;
      this.priority = priority;
      this.available = available;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public Availability isAvailable() {
      return available
          ? Availability.available("scripted")
          : Availability.unavailable("no scripted driver");
    }

    @Override
    public GpuBackend open(Clock clock) {
      List<GpuDevice> devices =
          List.of(
              device(0, "GPU-aaaa", "NVIDIA H100 80GB HBM3"), device(1, "GPU-bbbb", "NVIDIA A100"));
      return new GpuBackend() {
        @Override
        public String id() {
          return id;
        }

        @Override
        public List<GpuDevice> devices() {
          return devices;
        }

        @Override
        public TelemetrySample sample(GpuDevice d) {
          boolean first = d.index() == 0;
          return new TelemetrySample(
              d,
              clock.instant(),
              new MemoryUsage(
                  OptionalLong.of(85_520_809_984L),
                  OptionalLong.of(first ? 1_073_741_824L : 0L),
                  OptionalLong.of(first ? 84_447_068_160L : 85_520_809_984L),
                  OptionalLong.empty(),
                  false),
              OptionalDouble.of(first ? 97 : 0),
              OptionalDouble.of(first ? 61 : 35),
              first ? OptionalDouble.of(312.5) : OptionalDouble.empty(),
              OptionalLong.empty(),
              OptionalLong.empty(),
              Optional.empty());
        }

        @Override
        public void close() {}
      };
    }

    private GpuDevice device(int index, String uuid, String name) {
      return new GpuDevice(
          id,
          index,
          uuid,
          Optional.empty(),
          name,
          Vendor.NVIDIA,
          Optional.empty(),
          Optional.empty(),
          OptionalLong.of(85_520_809_984L));
    }
  }

  /** Runs the CLI with {@code backends} as its registry. */
  static Cli.Result run(GpuBackends backends, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code =
          Main.run(
              new Streams(o, e, true, InputStream.nullInputStream(), false), () -> backends, args);
    }
    return new Cli.Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void jsonFollowsTheContractWithNullForUnsupported() throws Exception {
    GpuBackends backends =
        GpuBackends.of(
            List.of(
                new ScriptedProvider("scripted", 50, true),
                new ScriptedProvider("off", 90, false)));
    Cli.Result r = run(backends, "devices", "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.get("backends")).hasSize(2);
    JsonNode off =
        root.get("backends").findParents("id").stream()
            .filter(b -> b.get("id").asText().equals("off"))
            .findFirst()
            .orElseThrow();
    assertThat(off.get("available").asBoolean()).isFalse();
    assertThat(off.get("reason").asText()).isEqualTo("no scripted driver");
    JsonNode devices = root.get("devices");
    assertThat(devices).hasSize(2);
    JsonNode first = devices.get(0);
    assertThat(first.get("backend").asText()).isEqualTo("scripted");
    assertThat(first.get("index").asInt()).isZero();
    assertThat(first.get("uuid").asText()).isEqualTo("GPU-aaaa");
    assertThat(first.get("name").asText()).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(first.get("memory").get("totalBytes").asLong()).isEqualTo(85_520_809_984L);
    assertThat(first.get("memory").get("usedBytes").asLong()).isEqualTo(1_073_741_824L);
    assertThat(first.get("memory").get("freeBytes").asLong()).isEqualTo(84_447_068_160L);
    assertThat(first.get("utilizationPercent").asDouble()).isEqualTo(97.0);
    assertThat(first.get("temperatureC").asDouble()).isEqualTo(61.0);
    assertThat(first.get("powerWatts").asDouble()).isEqualTo(312.5);
    // the second GPU reads 0 % busy and 0 bytes used (real zeros) but has no power sensor (null)
    JsonNode second = devices.get(1);
    assertThat(second.get("utilizationPercent").asDouble()).isZero();
    assertThat(second.get("memory").get("usedBytes").asLong()).isZero();
    assertThat(second.get("powerWatts").isNull()).isTrue();
  }

  @Test
  void tableShowsEveryDeviceAndDashesForUnsupported() {
    Cli.Result r =
        run(GpuBackends.of(List.of(new ScriptedProvider("scripted", 1, true))), "devices");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("GPU-aaaa").contains("GPU-bbbb").contains("312.5 W");
    assertThat(r.out().lines().filter(l -> l.contains("GPU-bbbb")).findFirst().orElseThrow())
        .endsWith("-");
  }

  @Test
  @Verifies("FR-TELEMETRY-012")
  void noGpuSaysSoAndExitsZero() throws Exception {
    GpuBackends none = GpuBackends.of(List.of(new ScriptedProvider("nvml", 100, false)));
    Cli.Result text = run(none, "devices");
    assertThat(text.exitCode()).isZero();
    assertThat(text.out()).contains("No GPU found").contains("nvml").contains("no scripted driver");
    Cli.Result json = run(none, "devices", "--json");
    assertThat(json.exitCode()).isZero();
    assertThat(new ObjectMapper().readTree(json.out()).get("devices")).isEmpty();
    // the registry's routine facts ("no GPU backend selected") are debug: nothing on stderr
    assertThat(text.err()).isEmpty();
    assertThat(json.err()).isEmpty();
  }

  @Test
  @Verifies("FR-TELEMETRY-012")
  void anUnavailableBackendAskedForByNameIsReportedOnceWithoutALibraryWarning() {
    GpuBackends none = GpuBackends.of(List.of(new ScriptedProvider("nvml", 100, false)));
    Cli.Result r = run(none, "devices", "--backend", "nvml");
    assertThat(r.out()).contains("nvml").contains("no scripted driver");
    assertThat(r.err()).doesNotContain("warning");
  }

  @Test
  void anUnknownBackendIsAOneLineUsageError() {
    Cli.Result r =
        run(
            GpuBackends.of(List.of(new ScriptedProvider("scripted", 1, true))),
            "devices",
            "--backend",
            "cuda");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("unknown backend 'cuda'").contains("scripted");
  }

  @Test
  void durationsParse() {
    assertThat(DevicesCommand.parseDuration("500ms").toMillis()).isEqualTo(500);
    assertThat(DevicesCommand.parseDuration("2s").toMillis()).isEqualTo(2000);
    assertThat(DevicesCommand.parseDuration("1m").toMillis()).isEqualTo(60_000);
    assertThat(DevicesCommand.parseDuration("PT0.25S").toMillis()).isEqualTo(250);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DevicesCommand.parseDuration("0s"))
        .hasMessageContaining("--interval");
  }
}
