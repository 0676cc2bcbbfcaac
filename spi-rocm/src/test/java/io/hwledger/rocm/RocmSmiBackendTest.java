package io.hwledger.rocm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain-Java half of the ROCm SMI backend (status meaning, units, identity) against a scripted
 * {@link RocmSmiApi}, for what the C fake does not script. Status codes are {@code rocm_smi.h}'s.
 */
@Verifies({"FR-TELEMETRY-004", "FR-TELEMETRY-007"})
class RocmSmiBackendTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

  private static final int NOT_SUPPORTED = 2;
  private static final int FILE_ERROR = 3;
  private static final int PERMISSION = 4;
  private static final int INTERNAL_EXCEPTION = 6;

  @Test
  void permissionAndFileErrorsAreAbsentNotZero() {
    Scripted rsmi = new Scripted();
    rsmi.status.put("busy", PERMISSION); // a root-only sysfs file
    rsmi.status.put("power", FILE_ERROR); // the kernel lacks the file
    try (RocmSmiBackend backend = RocmSmiBackend.open(rsmi, CLOCK)) {
      TelemetrySample s = backend.sample(backend.devices().get(0));
      assertThat(s.utilizationPercent()).isEmpty();
      assertThat(s.powerWatts()).isEmpty();
      assertThat(s.temperatureC()).isEqualTo(OptionalDouble.of(45.0));
      assertThat(s.memory().usedBytes()).hasValue(1L << 30);
    }
    assertThat(rsmi.shutDowns).isEqualTo(1);
  }

  @Test
  void powerAboveLongMaxIsReadAsUnsigned() {
    Scripted rsmi = new Scripted();
    rsmi.value.put("power", -1L); // all 64 bits set: 2^64 - 1 µW, not -1
    try (RocmSmiBackend backend = RocmSmiBackend.open(rsmi, CLOCK)) {
      // 2^64 - 1 (18,446,744,073,709,551,615) is 2^64 as the nearest double; / 10^6 to W.
      assertThat(backend.sample(backend.devices().get(0)).powerWatts())
          .isEqualTo(OptionalDouble.of(0x1p64 / 1_000_000));
    }
  }

  @Test
  void aFailedDeviceListingShutsDownAndNamesTheStatusWhenTheLibraryCannot() {
    Scripted rsmi = new Scripted();
    rsmi.status.put("count", INTERNAL_EXCEPTION);
    rsmi.statusText = false;
    assertThatThrownBy(() -> RocmSmiBackend.open(rsmi, CLOCK))
        .isInstanceOfSatisfying(
            BackendException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(BackendException.Kind.UNAVAILABLE);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "rsmi_num_monitor_devices failed: RSMI_STATUS_INTERNAL_EXCEPTION"
                          + " (RSMI_STATUS_INTERNAL_EXCEPTION)");
            });
    assertThat(rsmi.shutDowns).isEqualTo(1);
  }

  @Test
  void aMissingNameAndUniqueIdFallBackToIndexAndPciAddress() {
    Scripted rsmi = new Scripted();
    rsmi.status.put("name", NOT_SUPPORTED);
    rsmi.status.put("unique", NOT_SUPPORTED);
    try (RocmSmiBackend backend = RocmSmiBackend.open(rsmi, CLOCK)) {
      GpuDevice d = backend.devices().get(0);
      assertThat(d.name()).isEqualTo("AMD GPU 0");
      // BDFID 0x0001_0000_c119: domain 1, bus 0xc1, device 3, function 1.
      assertThat(d.uuid()).isEqualTo("0001:c1:03.1");
      assertThat(d.pciBusId()).isEqualTo(Optional.of("0001:c1:03.1"));
    }
  }

  @Test
  @Verifies({"FR-TELEMETRY-014", "FR-TELEMETRY-015"})
  void aPhoenixTargetIsAnApuAndItsUniqueIdIsWrittenAsEveryAmdBackendWritesIt(@TempDir Path root) {
    Scripted rsmi = new Scripted();
    rsmi.value.put("gfx", 1103L); // rsmi's gfx1103 (major*100 + minor*10 + stepping, gfx dropped)
    try (RocmSmiBackend backend = RocmSmiBackend.open(rsmi, CLOCK, new KfdTopology(root))) {
      GpuDevice d = backend.devices().get(0);
      assertThat(d.architecture()).hasValue("gfx1103");
      assertThat(d.integrated()).isTrue();
      assertThat(d.uuid())
          .isEqualTo(AmdGpuIdentity.uuid(Optional.of("0x1234abcd"), d.pciBusId(), "x"));
    }
    try (RocmSmiBackend backend =
        RocmSmiBackend.open(new Scripted(), CLOCK, new KfdTopology(root))) {
      assertThat(backend.devices().get(0).integrated()).isFalse(); // gfx942
    }
  }

  /** One GPU; every call succeeds unless {@link #status} says otherwise for its key. */
  private static final class Scripted implements RocmSmiApi {
    final Map<String, Integer> status = new HashMap<>();
    final Map<String, Long> value = new HashMap<>();
    boolean statusText = true;
    int shutDowns;

    private Reading reading(String key, long fallback) {
      return new Reading(status.getOrDefault(key, SUCCESS), value.getOrDefault(key, fallback));
    }

    @Override
    public int init(long flags) {
      return SUCCESS;
    }

    @Override
    public int shutDown() {
      shutDowns++;
      return SUCCESS;
    }

    @Override
    public Optional<String> statusString(int code) {
      return statusText ? Optional.of("text of " + code) : Optional.empty();
    }

    @Override
    public Reading numMonitorDevices() {
      return reading("count", 1);
    }

    @Override
    public Text devName(int index) {
      return new Text(status.getOrDefault("name", SUCCESS), "AMD Instinct MI300X");
    }

    @Override
    public Reading devUniqueId(int index) {
      return reading("unique", 0x1234abcdL);
    }

    @Override
    public Reading devPciId(int index) {
      return reading("pci", 0x0000_0001_0000_c119L);
    }

    @Override
    public Reading devMemoryTotal(int index) {
      return reading("total", 192L << 30);
    }

    @Override
    public Reading devMemoryUsage(int index) {
      return reading("used", 1L << 30);
    }

    @Override
    public Reading devBusyPercent(int index) {
      return reading("busy", 37);
    }

    @Override
    public Reading devTempMetric(int index, int sensorType) {
      return reading("temperature", 45_000);
    }

    @Override
    public Reading devPowerAve(int index, int sensor) {
      return reading("power", 350_000_000L);
    }

    @Override
    public Text versionStr(int component) {
      return new Text(SUCCESS, "6.10.5");
    }

    @Override
    public Reading devTargetGraphicsVersion(int index) {
      return reading("gfx", 942);
    }

    @Override
    public Reading computeProcessCount() {
      return reading("processes", 0);
    }

    @Override
    public Listing computeProcessIds(int capacity) {
      return new Listing(SUCCESS, List.of());
    }

    @Override
    public Listing computeProcessGpus(long pid, int capacity) {
      return new Listing(SUCCESS, List.of());
    }

    @Override
    public Reading computeProcessVramOnDevice(long pid, int index) {
      return new Reading(NOT_SUPPORTED, 0);
    }

    @Override
    public Reading computeProcessVram(long pid) {
      return new Reading(NOT_SUPPORTED, 0);
    }
  }
}
