package io.hwledger.rocm;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.hwledger.rocm.jna.RocmSmiLibrary;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.SessionGuard;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One {@code rsmi_init} … {@code rsmi_shut_down} session. A releasing {@link SessionGuard} runs
 * {@code rsmi_shut_down} once, after samples in flight, so no call runs after shutdown.
 */
final class RocmSmiBackend implements GpuBackend {
  private static final int NAME_LENGTH = 256;

  private final RocmSmiLibrary rsmi;
  private final Clock clock;
  private final List<GpuDevice> devices;
  private final RocmSmiProcesses processes;
  private final SessionGuard guard;

  private RocmSmiBackend(RocmSmiLibrary rsmi, Clock clock, List<GpuDevice> devices) {
    this.rsmi = rsmi;
    this.clock = clock;
    this.devices = List.copyOf(devices);
    this.processes = new RocmSmiProcesses(rsmi, devices.size());
    this.guard =
        SessionGuard.releasing("backend " + RocmSmiBackendProvider.ID, () -> rsmi.rsmi_shut_down());
  }

  /** Initialises the library and lists its devices; shuts down again if that fails. */
  static RocmSmiBackend open(RocmSmiLibrary rsmi, Clock clock) {
    int status = rsmi.rsmi_init(0L);
    if (status != RsmiStatus.SUCCESS) {
      throw new BackendException(
          BackendException.Kind.UNAVAILABLE,
          "rsmi_init failed: " + RsmiStatus.name(status) + " (" + text(rsmi, status) + ")");
    }
    try {
      IntByReference count = new IntByReference();
      check(rsmi, "rsmi_num_monitor_devices", rsmi.rsmi_num_monitor_devices(count));
      int n = count.getValue();
      Optional<String> driver = driverVersion(rsmi);
      List<GpuDevice> devices = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        devices.add(identify(rsmi, i, driver));
      }
      return new RocmSmiBackend(rsmi, clock, devices);
    } catch (RuntimeException | LinkageError e) {
      rsmi.rsmi_shut_down();
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
  private static Optional<String> driverVersion(RocmSmiLibrary rsmi) {
    byte[] buffer = new byte[NAME_LENGTH];
    try {
      int status =
          rsmi.rsmi_version_str_get(RocmSmiLibrary.RSMI_SW_COMP_DRIVER, buffer, buffer.length);
      if (status != RsmiStatus.SUCCESS) {
        return Optional.empty(); // identity extras never fail the session
      }
    } catch (UnsatisfiedLinkError e) {
      return Optional.empty();
    }
    String version = cString(buffer).trim();
    return version.isEmpty() ? Optional.empty() : Optional.of(version);
  }

  /** {@code rsmi_dev_target_graphics_version_get} as a gfx name; empty on older libraries. */
  private static Optional<String> architecture(RocmSmiLibrary rsmi, int index) {
    LongByReference value = new LongByReference();
    try {
      int status = rsmi.rsmi_dev_target_graphics_version_get(index, value);
      return status == RsmiStatus.SUCCESS
          ? GfxTarget.fromRocmSmi(value.getValue())
          : Optional.empty();
    } catch (UnsatisfiedLinkError e) {
      return Optional.empty();
    }
  }

  private static String cString(byte[] buffer) {
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, StandardCharsets.UTF_8);
  }

  private static GpuDevice identify(RocmSmiLibrary rsmi, int index, Optional<String> driver) {
    byte[] buffer = new byte[NAME_LENGTH];
    int status = rsmi.rsmi_dev_name_get(index, buffer, new NativeLong(NAME_LENGTH));
    String name =
        absentUnlessOk(rsmi, "rsmi_dev_name_get", status)
            ? Native.toString(buffer).trim()
            : "AMD GPU " + index;
    if (name.isEmpty()) {
      name = "AMD GPU " + index;
    }

    LongByReference value = new LongByReference();
    Optional<String> pci =
        absentUnlessOk(rsmi, "rsmi_dev_pci_id_get", rsmi.rsmi_dev_pci_id_get(index, value))
            ? Optional.of(pciAddress(value.getValue()))
            : Optional.empty();
    Optional<String> uniqueId =
        absentUnlessOk(rsmi, "rsmi_dev_unique_id_get", rsmi.rsmi_dev_unique_id_get(index, value))
            ? Optional.of("0x" + Long.toHexString(value.getValue()))
            : Optional.empty();
    String uuid = uniqueId.or(() -> pci).orElse("rocm-smi-" + index);
    OptionalLong total =
        readLong(
            rsmi,
            "rsmi_dev_memory_total_get",
            rsmi.rsmi_dev_memory_total_get(index, RocmSmiLibrary.RSMI_MEM_TYPE_VRAM, value),
            value);
    return new GpuDevice(
        RocmSmiBackendProvider.ID,
        index,
        uuid,
        pci,
        name,
        Vendor.AMD,
        architecture(rsmi, index),
        driver,
        total);
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
    LongByReference value = new LongByReference();
    OptionalLong total =
        readLong(
            rsmi,
            "rsmi_dev_memory_total_get",
            rsmi.rsmi_dev_memory_total_get(i, RocmSmiLibrary.RSMI_MEM_TYPE_VRAM, value),
            value);
    OptionalLong used =
        readLong(
            rsmi,
            "rsmi_dev_memory_usage_get",
            rsmi.rsmi_dev_memory_usage_get(i, RocmSmiLibrary.RSMI_MEM_TYPE_VRAM, value),
            value);
    OptionalLong free =
        total.isPresent() && used.isPresent()
            ? OptionalLong.of(Math.max(0, total.getAsLong() - used.getAsLong()))
            : OptionalLong.empty();

    IntByReference busy = new IntByReference();
    OptionalDouble utilization =
        absentUnlessOk(rsmi, "rsmi_dev_busy_percent_get", rsmi.rsmi_dev_busy_percent_get(i, busy))
            ? OptionalDouble.of((double) Integer.toUnsignedLong(busy.getValue()))
            : OptionalDouble.empty();

    OptionalDouble temperature = temperature(i, RocmSmiLibrary.RSMI_TEMP_TYPE_EDGE, value);
    if (temperature.isEmpty()) {
      temperature = temperature(i, RocmSmiLibrary.RSMI_TEMP_TYPE_JUNCTION, value);
    }

    OptionalDouble power =
        absentUnlessOk(rsmi, "rsmi_dev_power_ave_get", rsmi.rsmi_dev_power_ave_get(i, 0, value))
            ? OptionalDouble.of(unsignedToDouble(value.getValue()) / 1_000_000.0)
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

  private OptionalDouble temperature(int index, int sensor, LongByReference value) {
    int status =
        rsmi.rsmi_dev_temp_metric_get(index, sensor, RocmSmiLibrary.RSMI_TEMP_CURRENT, value);
    return absentUnlessOk(rsmi, "rsmi_dev_temp_metric_get", status)
        ? OptionalDouble.of((double) value.getValue() / 1000.0)
        : OptionalDouble.empty();
  }

  private static double unsignedToDouble(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }

  private static OptionalLong readLong(
      RocmSmiLibrary rsmi, String function, int status, LongByReference value) {
    return absentUnlessOk(rsmi, function, status)
        ? OptionalLong.of(value.getValue())
        : OptionalLong.empty();
  }

  /** True on success, false when the metric is absent; throws for any other status. */
  private static boolean absentUnlessOk(RocmSmiLibrary rsmi, String function, int status) {
    return switch (RsmiStatus.outcome(status)) {
      case OK -> true;
      case ABSENT -> false;
      default -> throw RsmiStatus.exception(function, status, text(rsmi, status));
    };
  }

  private static void check(RocmSmiLibrary rsmi, String function, int status) {
    if (status != RsmiStatus.SUCCESS) {
      throw RsmiStatus.exception(function, status, text(rsmi, status));
    }
  }

  /** The library's own text for {@code status}, or its enum name. */
  static String text(RocmSmiLibrary rsmi, int status) {
    try {
      PointerByReference ref = new PointerByReference();
      if (rsmi.rsmi_status_string(status, ref) == RsmiStatus.SUCCESS) {
        Pointer p = ref.getValue();
        if (p != null) {
          return p.getString(0);
        }
      }
    } catch (LinkageError | RuntimeException e) {
      // fall through to the enum name
    }
    return RsmiStatus.name(status);
  }

  @Override
  public void close() {
    guard.close();
  }
}
