package io.hwledger.rocm;

import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.SessionGuard;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One {@code rsmi_init} … {@code rsmi_shut_down} session over {@link RocmSmiApi}: what each status
 * means, units and identity are worked out here, in plain Java. A releasing {@link SessionGuard}
 * runs {@code rsmi_shut_down} once, after samples in flight, so no call runs after shutdown.
 */
final class RocmSmiBackend implements GpuBackend {
  private final RocmSmiApi rsmi;
  private final Clock clock;
  private final List<GpuDevice> devices;
  private final RocmSmiProcesses processes;
  private final SessionGuard guard;

  private RocmSmiBackend(RocmSmiApi rsmi, Clock clock, List<GpuDevice> devices) {
    this.rsmi = rsmi;
    this.clock = clock;
    this.devices = List.copyOf(devices);
    this.processes = new RocmSmiProcesses(rsmi, devices.size());
    this.guard = SessionGuard.releasing("backend " + RocmSmiBackendProvider.ID, rsmi::shutDown);
  }

  /**
   * Initialises the library and lists its devices, marking APUs from the KFD topology under the
   * configured sysfs root; shuts down again if that fails.
   */
  static RocmSmiBackend open(RocmSmiApi rsmi, Clock clock) {
    return open(rsmi, clock, new KfdTopology(AmdgpuSysfs.fromConfiguration().root()));
  }

  /** As {@link #open(RocmSmiApi, Clock)}, with the KFD topology to mark APUs from. */
  static RocmSmiBackend open(RocmSmiApi rsmi, Clock clock, KfdTopology kfd) {
    int status = rsmi.init(0L);
    if (status != RsmiStatus.SUCCESS) {
      throw new BackendException(
          BackendException.Kind.UNAVAILABLE,
          "rsmi_init failed: " + RsmiStatus.name(status) + " (" + text(rsmi, status) + ")");
    }
    try {
      RocmSmiApi.Reading count = rsmi.numMonitorDevices();
      check(rsmi, "rsmi_num_monitor_devices", count.status());
      long n = count.value();
      Optional<String> driver = driverVersion(rsmi);
      List<GpuDevice> devices = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        devices.add(identify(rsmi, i, driver, kfd));
      }
      return new RocmSmiBackend(rsmi, clock, devices);
    } catch (RuntimeException | LinkageError e) {
      rsmi.shutDown();
      if (e instanceof BackendException be && be.kind() == BackendException.Kind.FAILED) {
        throw new BackendException(BackendException.Kind.UNAVAILABLE, be.getMessage(), be);
      }
      throw e;
    }
  }

  /**
   * {@code rsmi_version_str_get(RSMI_SW_COMP_DRIVER)}: {@code /sys/module/amdgpu/version} for the
   * DKMS driver; with the in-tree driver the library reports the kernel release instead.
   */
  private static Optional<String> driverVersion(RocmSmiApi rsmi) {
    RocmSmiApi.Text version;
    try {
      version = rsmi.versionStr(RocmSmiApi.SW_COMP_DRIVER);
    } catch (UnsatisfiedLinkError e) {
      return Optional.empty();
    }
    if (version.status() != RsmiStatus.SUCCESS) {
      return Optional.empty(); // identity extras never fail the session
    }
    String text = version.text().trim();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  /** {@code rsmi_dev_target_graphics_version_get} as a gfx name; empty on older libraries. */
  private static Optional<String> architecture(RocmSmiApi rsmi, int index) {
    try {
      RocmSmiApi.Reading gfx = rsmi.devTargetGraphicsVersion(index);
      return gfx.status() == RsmiStatus.SUCCESS
          ? GfxTarget.fromRocmSmi(gfx.value())
          : Optional.empty();
    } catch (UnsatisfiedLinkError e) {
      return Optional.empty();
    }
  }

  private static GpuDevice identify(
      RocmSmiApi rsmi, int index, Optional<String> driver, KfdTopology kfd) {
    RocmSmiApi.Text devName = rsmi.devName(index);
    String name =
        absentUnlessOk(rsmi, "rsmi_dev_name_get", devName.status())
            ? devName.text().trim()
            : "AMD GPU " + index;
    if (name.isEmpty()) {
      name = "AMD GPU " + index;
    }

    RocmSmiApi.Reading bdfid = rsmi.devPciId(index);
    Optional<String> pci =
        absentUnlessOk(rsmi, "rsmi_dev_pci_id_get", bdfid.status())
            ? Optional.of(pciAddress(bdfid.value()))
            : Optional.empty();
    RocmSmiApi.Reading unique = rsmi.devUniqueId(index);
    Optional<String> uniqueId =
        absentUnlessOk(rsmi, "rsmi_dev_unique_id_get", unique.status())
            ? Optional.of(AmdGpuIdentity.fromRocmSmi(unique.value()))
            : Optional.empty();
    String uuid = AmdGpuIdentity.uuid(uniqueId, pci, "rocm-smi-" + index);
    OptionalLong total = readLong(rsmi, "rsmi_dev_memory_total_get", rsmi.devMemoryTotal(index));
    Optional<String> architecture = architecture(rsmi, index);
    boolean apu =
        architecture.map(GfxTarget::isApu).orElse(false)
            || pci.flatMap(kfd::nodeFor).map(KfdTopology.Node::apu).orElse(false);
    return new GpuDevice(
        RocmSmiBackendProvider.ID,
        index,
        uuid,
        pci,
        name,
        Vendor.AMD,
        architecture,
        driver,
        total,
        apu);
  }

  /**
   * The PCI address of a ROCm SMI BDFID: {@code ((DOMAIN & 0xffffffff) << 32) | ((BUS & 0xff) << 8)
   * | ((DEVICE & 0x1f) << 3) | (FUNCTION & 0x7)}, as sysfs writes it ({@code 0000:c1:00.0}).
   */
  static String pciAddress(long bdfid) {
    long domain = (bdfid >>> 32) & 0xffffffffL;
    long bus = (bdfid >>> 8) & 0xff;
    long device = (bdfid >>> 3) & 0x1f;
    long function = bdfid & 0x7;
    return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", domain, bus, device, function);
  }

  @Override
  public String id() {
    return RocmSmiBackendProvider.ID;
  }

  @Override
  public List<GpuDevice> devices() {
    return guard.call(() -> devices);
  }

  @Override
  public TelemetrySample sample(GpuDevice device) {
    return guard.call(() -> read(device));
  }

  private TelemetrySample read(GpuDevice device) {
    int i = device.index();
    if (!device.backend().equals(id()) || i >= devices.size()) {
      throw new IllegalArgumentException("not a device of this session: " + device);
    }
    OptionalLong total = readLong(rsmi, "rsmi_dev_memory_total_get", rsmi.devMemoryTotal(i));
    OptionalLong used = readLong(rsmi, "rsmi_dev_memory_usage_get", rsmi.devMemoryUsage(i));
    OptionalLong free =
        total.isPresent() && used.isPresent()
            ? OptionalLong.of(Math.max(0, total.getAsLong() - used.getAsLong()))
            : OptionalLong.empty();

    RocmSmiApi.Reading busy = rsmi.devBusyPercent(i);
    OptionalDouble utilization =
        absentUnlessOk(rsmi, "rsmi_dev_busy_percent_get", busy.status())
            ? OptionalDouble.of((double) busy.value())
            : OptionalDouble.empty();

    OptionalDouble temperature = temperature(i, RocmSmiApi.TEMP_TYPE_EDGE);
    if (temperature.isEmpty()) {
      temperature = temperature(i, RocmSmiApi.TEMP_TYPE_JUNCTION);
    }

    RocmSmiApi.Reading microwatts = rsmi.devPowerAve(i, 0);
    OptionalDouble power =
        absentUnlessOk(rsmi, "rsmi_dev_power_ave_get", microwatts.status())
            ? OptionalDouble.of(unsignedToDouble(microwatts.value()) / 1_000_000.0)
            : OptionalDouble.empty();

    return new TelemetrySample(
        device,
        clock.instant(),
        new MemoryUsage(total, used, free, OptionalLong.empty(), false),
        utilization,
        temperature,
        power,
        OptionalLong.empty(),
        OptionalLong.empty(),
        processes.onDevice(i));
  }

  /** {@code sensor}'s current temperature: the library's millidegrees, in degrees Celsius. */
  private OptionalDouble temperature(int index, int sensor) {
    RocmSmiApi.Reading millidegrees = rsmi.devTempMetric(index, sensor);
    return absentUnlessOk(rsmi, "rsmi_dev_temp_metric_get", millidegrees.status())
        ? OptionalDouble.of((double) millidegrees.value() / 1000.0)
        : OptionalDouble.empty();
  }

  private static double unsignedToDouble(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }

  private static OptionalLong readLong(RocmSmiApi rsmi, String function, RocmSmiApi.Reading r) {
    return absentUnlessOk(rsmi, function, r.status())
        ? OptionalLong.of(r.value())
        : OptionalLong.empty();
  }

  /** True on success, false when the metric is absent; throws for any other status. */
  private static boolean absentUnlessOk(RocmSmiApi rsmi, String function, int status) {
    return switch (RsmiStatus.outcome(status)) {
      case OK -> true;
      case ABSENT -> false;
      default -> throw RsmiStatus.exception(function, status, text(rsmi, status));
    };
  }

  private static void check(RocmSmiApi rsmi, String function, int status) {
    if (status != RsmiStatus.SUCCESS) {
      throw RsmiStatus.exception(function, status, text(rsmi, status));
    }
  }

  /** The library's own text for {@code status}, or its enum name. */
  static String text(RocmSmiApi rsmi, int status) {
    return rsmi.statusString(status).orElseGet(() -> RsmiStatus.name(status));
  }

  @Override
  public void close() {
    guard.close();
  }
}
