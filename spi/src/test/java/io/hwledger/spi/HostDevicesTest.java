package io.hwledger.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@Verifies("FR-TELEMETRY-013")
class HostDevicesTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC);

  /** A provider of one vendor whose devices, availability and opens a test controls. */
  static final class VendorProvider implements GpuBackendProvider {
    final String id;
    final int priority;
    final Vendor vendor;
    final AtomicBoolean available = new AtomicBoolean(true);
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final List<Gpu> devices;

    VendorProvider(String id, int priority, Vendor vendor, List<Gpu> devices) {
      this.id = id;
      this.priority = priority;
      this.vendor = vendor;
      this.devices = devices;
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
    public Vendor vendor() {
      return vendor;
    }

    @Override
    public Availability isAvailable() {
      return available.get() ? Availability.available("ok") : Availability.unavailable("no driver");
    }

    @Override
    public GpuBackend open(Clock clock) {
      opens.incrementAndGet();
      List<GpuDevice> list =
          java.util.stream.IntStream.range(0, devices.size())
              .mapToObj(
                  i ->
                      new GpuDevice(
                          id,
                          i,
                          devices.get(i).uuid(),
                          devices.get(i).pci(),
                          id + " GPU " + i,
                          vendor,
                          Optional.empty(),
                          Optional.empty(),
                          OptionalLong.of(1L << 30),
                          devices.get(i).integrated()))
              .toList();
      return new GpuBackend() {
        @Override
        public String id() {
          return id;
        }

        @Override
        public List<GpuDevice> devices() {
          return list;
        }

        @Override
        public TelemetrySample sample(GpuDevice device) {
          return new TelemetrySample(
              device,
              clock.instant(),
              new MemoryUsage(
                  OptionalLong.of(1L << 30),
                  OptionalLong.of(device.index()),
                  OptionalLong.empty(),
                  OptionalLong.empty(),
                  false),
              OptionalDouble.empty(),
              OptionalDouble.empty(),
              OptionalDouble.empty(),
              OptionalLong.empty(),
              OptionalLong.empty(),
              Optional.empty());
        }

        @Override
        public void close() {
          closes.incrementAndGet();
        }
      };
    }
  }

  /** A device's identity: its UUID and, where the backend knows it, its PCI bus id. */
  /** A fake GPU; {@code integrated} is what its backend says, as the Apple and AMD ones do. */
  record Gpu(String uuid, Optional<String> pci, boolean integrated) {}

  private static Gpu gpu(String uuid, String pci) {
    return new Gpu(uuid, Optional.of(pci), false);
  }

  private static Gpu gpu(String uuid) {
    return new Gpu(uuid, Optional.empty(), false);
  }

  private static List<String> listed(HostDevices host) {
    return host.devices().stream()
        .map(d -> d.device().backend() + "/" + d.device().uuid())
        .toList();
  }

  private static VendorProvider nvml() {
    return new VendorProvider(
        "nvml", 100, Vendor.NVIDIA, List.of(gpu("GPU-aaaa", "00000000:3B:00.0")));
  }

  private static VendorProvider smi() {
    return new VendorProvider(
        "nvidia-smi", 10, Vendor.NVIDIA, List.of(gpu("GPU-aaaa", "00000000:3B:00.0")));
  }

  private static VendorProvider rocm() {
    return new VendorProvider(
        "rocm-smi-lib", 90, Vendor.AMD, List.of(gpu("0x1234abcd5678ef00", "0000:c1:00.0")));
  }

  private static VendorProvider sysfs() {
    return new VendorProvider(
        "amdgpu-sysfs", 50, Vendor.AMD, List.of(gpu("a1b2c3d4e5f60718", "0000:c1:00.0")));
  }

  @Test
  void oneBackendPerVendorByPriorityListsEveryVendor() {
    VendorProvider nvml = nvml();
    VendorProvider smi = smi();
    VendorProvider rocm = rocm();
    VendorProvider sysfs = sysfs();
    try (HostDevices host =
        GpuBackends.of(List.of(sysfs, smi, rocm, nvml)).host(List.of(), CLOCK)) {
      assertThat(listed(host)).containsExactly("nvml/GPU-aaaa", "rocm-smi-lib/0x1234abcd5678ef00");
      assertThat(host.backends())
          .extracting(GpuBackend::id)
          .containsExactly("nvml", "rocm-smi-lib");
      assertThat(smi.opens.get() + sysfs.opens.get()).as("lower-priority backends opened").isZero();
    }
    assertThat(nvml.closes.get()).isEqualTo(1);
    assertThat(rocm.closes.get()).isEqualTo(1);
  }

  @Test
  void whenTheBestOfAVendorIsUnavailableTheNextIsUsed() {
    VendorProvider nvml = nvml();
    nvml.available.set(false);
    try (HostDevices host = GpuBackends.of(List.of(nvml, smi(), rocm())).host(List.of(), CLOCK)) {
      assertThat(listed(host))
          .containsExactly("rocm-smi-lib/0x1234abcd5678ef00", "nvidia-smi/GPU-aaaa");
    }
  }

  @Test
  void theSameGpuSeenByTwoBackendsIsListedOnceByThePreferredOne() {
    // a third-party backend (a group of its own) that sees the NVIDIA card by its PCI address,
    // spelt the short way and in lower case, and the AMD card by the UUID in upper case
    VendorProvider other =
        new VendorProvider(
            "third-party",
            5,
            Vendor.OTHER,
            List.of(
                gpu("tp-0", "3b:00.0"), gpu("0X1234ABCD5678EF00"), gpu("tp-2", "0000:d1:00.0")));
    try (HostDevices host = GpuBackends.of(List.of(other, nvml(), rocm())).host(List.of(), CLOCK)) {
      assertThat(listed(host))
          .containsExactly("nvml/GPU-aaaa", "rocm-smi-lib/0x1234abcd5678ef00", "third-party/tp-2");
    }
  }

  @Test
  void pciAddressesCompareByValue() {
    assertThat(HostDevices.pciAddress("00000000:3B:00.0")).contains("0000:3b:00.0");
    assertThat(HostDevices.pciAddress("3b:00.0")).contains("0000:3b:00.0");
    assertThat(HostDevices.pciAddress("0001:03:00.1")).contains("0001:03:00.1");
    assertThat(HostDevices.pciAddress("not a bus id")).isEmpty();
  }

  @Test
  @Verifies("FR-TELEMETRY-014")
  void aGpuItsBackendMarksIntegratedIsListedIntegratedAndADiscreteOneIsNot() {
    VendorProvider metal =
        new VendorProvider(
            "metal", 100, Vendor.APPLE, List.of(new Gpu("apple-m3-max", Optional.empty(), true)));
    VendorProvider apu =
        new VendorProvider(
            "amdgpu-sysfs",
            50,
            Vendor.AMD,
            List.of(new Gpu("0x1234", Optional.of("0000:c2:00.0"), true)));
    try (HostDevices host = GpuBackends.of(List.of(metal, nvml(), apu)).host(List.of(), CLOCK)) {
      assertThat(host.devices())
          .extracting(d -> d.device().uuid() + "=" + d.integrated())
          .containsExactly("apple-m3-max=true", "GPU-aaaa=false", "0x1234=true");
    }
  }

  @Test
  @Verifies("FR-TELEMETRY-014")
  void theNineArgumentConstructorMakesADeviceThatIsNotIntegrated() {
    GpuDevice d =
        new GpuDevice(
            "third-party",
            0,
            "x",
            Optional.empty(),
            "X",
            Vendor.OTHER,
            Optional.empty(),
            Optional.empty(),
            OptionalLong.empty());
    assertThat(d.integrated()).isFalse();
  }

  @Test
  void aBackendThatBecomesAvailableIsOpenedOnTheNextCallAndOpenOnesAreNotReopened() {
    VendorProvider nvml = nvml();
    VendorProvider rocm = rocm();
    rocm.available.set(false);
    try (HostDevices host = GpuBackends.of(List.of(nvml, rocm)).host(List.of(), CLOCK)) {
      assertThat(listed(host)).containsExactly("nvml/GPU-aaaa");
      rocm.available.set(true); // the driver is installed
      assertThat(listed(host)).containsExactly("nvml/GPU-aaaa", "rocm-smi-lib/0x1234abcd5678ef00");
      assertThat(listed(host)).hasSize(2);
      assertThat(nvml.opens.get()).isEqualTo(1);
      assertThat(rocm.opens.get()).isEqualTo(1);
    }
  }

  @Test
  void samplesGoThroughTheBackendThatListedTheDevice() {
    try (HostDevices host = GpuBackends.of(List.of(nvml(), rocm())).host(List.of(), CLOCK)) {
      for (HostDevice d : host.devices()) {
        TelemetrySample s = host.sample(d.device());
        assertThat(s.device()).isEqualTo(d.device());
        assertThat(s.timestamp()).isEqualTo(CLOCK.instant());
      }
    }
  }

  @Test
  void aForcedBackendIsTheOnlyOneAndNoneIsNothing() {
    VendorProvider nvml = nvml();
    VendorProvider rocm = rocm();
    GpuBackends backends = GpuBackends.of(List.of(nvml, rocm));
    try (HostDevices host = backends.host(List.of("nvml"), CLOCK)) {
      assertThat(listed(host)).containsExactly("nvml/GPU-aaaa");
    }
    try (HostDevices host = backends.host(List.of("none"), CLOCK)) {
      assertThat(host.devices()).isEmpty();
    }
    assertThat(rocm.opens.get()).isZero();
    String before = System.getProperty(GpuBackends.BACKENDS_PROPERTY);
    System.setProperty(GpuBackends.BACKENDS_PROPERTY, "rocm-smi-lib");
    try (HostDevices host = backends.host(CLOCK)) {
      assertThat(listed(host)).containsExactly("rocm-smi-lib/0x1234abcd5678ef00");
    } finally {
      if (before == null) {
        System.clearProperty(GpuBackends.BACKENDS_PROPERTY);
      } else {
        System.setProperty(GpuBackends.BACKENDS_PROPERTY, before);
      }
    }
  }

  @Test
  void aForcedBackendUnavailableAtFirstIsPickedUpLater() {
    VendorProvider nvml = nvml();
    nvml.available.set(false);
    try (HostDevices host = GpuBackends.of(List.of(nvml, rocm())).host(List.of("nvml"), CLOCK)) {
      assertThat(host.devices()).isEmpty();
      nvml.available.set(true);
      assertThat(listed(host)).containsExactly("nvml/GPU-aaaa");
    }
  }

  @Test
  void aClosedViewRefusesCalls() {
    HostDevices host = GpuBackends.of(List.of(nvml())).host(List.of(), CLOCK);
    GpuDevice d = host.devices().get(0).device();
    host.close();
    host.close();
    assertThatThrownBy(host::devices).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> host.sample(d)).isInstanceOf(IllegalStateException.class);
  }
}
