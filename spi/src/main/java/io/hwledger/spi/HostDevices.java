package io.hwledger.spi;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Every GPU of this host, across vendors: made by {@link GpuBackends#host()}, closed by its user.
 *
 * <p><b>Which backends.</b> Without {@value GpuBackends#BACKENDS_PROPERTY}, one backend per vendor
 * ({@link GpuBackendProvider#vendor()}): the available one with the highest priority, ties to the
 * smaller id, so {@code nvml} (100) over {@code nvidia-smi} (10), {@code rocm-smi-lib} (90) over
 * {@code amdgpu-sysfs} (50), {@code metal} (100) over {@code macmon} (20). If that one fails to
 * open, the vendor's next available one is tried. A backend of {@link Vendor#OTHER} is a group of
 * its own. With the property set (or a preference passed to {@link GpuBackends#host(List,
 * java.time.Clock)}), only the one backend it selects, as {@link GpuBackends#selectPreferring}
 * would; {@value GpuBackends#NONE} selects none.
 *
 * <p><b>Re-probing.</b> Each {@link #devices()} call opens what has become available since the last
 * one (a driver installed after start) for a vendor, or forced list, that has no open backend yet;
 * a backend already open is kept and never opened twice, even if a better one of its vendor appears
 * later. A backend whose listing fails as {@link BackendException.Kind#UNAVAILABLE} is closed and
 * probed again on the next call.
 *
 * <p><b>One GPU, one entry.</b> Devices are listed in backend preference order, then index; a
 * device whose PCI bus id (compared as {@code domain:bus:device.function}, so NVML's {@code
 * 00000000:3B:00.0} equals {@code 0000:3b:00.0}) or UUID (case-insensitive) an earlier device has
 * is left out, so a GPU seen by two backends is listed once, by the preferred one.
 *
 * <p>Thread-safe: {@link #devices()} and {@link #close()} are serialised; {@link #sample} reads
 * through the device's backend without holding the view's lock. Routine facts (a backend opened)
 * are logged at DEBUG; a backend that is available but does not open, or fails to list its devices,
 * at WARNING, once per backend until it recovers.
 */
public final class HostDevices implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HostDevices.class.getName());

  /** {@code [domain:]bus:device.function}, hexadecimal. */
  private static final Pattern PCI =
      Pattern.compile("(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\\.([0-7])");

  private final GpuBackends registry;
  private final List<String> preference;
  private final boolean warnUnusable;
  private final Clock clock;
  private final Object lock = new Object();

  /** Open sessions by provider id, with their vendor group; guarded by {@link #lock}. */
  private final Map<String, Open> open = new LinkedHashMap<>();

  /** Each device of the last listing, with the session that listed it; guarded by {@link #lock}. */
  private Map<GpuDevice, GpuBackend> owners = Map.of();

  /** Provider ids already warned about; guarded by {@link #lock}. */
  private final Set<String> warned = new HashSet<>();

  private boolean closed; // guarded by lock
  private boolean preferenceProbed; // guarded by lock

  private record Open(GpuBackends.Entry entry, String group, GpuBackend session) {}

  HostDevices(GpuBackends registry, List<String> preference, boolean warnUnusable, Clock clock) {
    this.registry = registry;
    this.preference = preference;
    this.warnUnusable = warnUnusable;
    this.clock = clock;
  }

  /**
   * Opens the backends that have become available, then lists every GPU of the open ones.
   *
   * @return the GPUs, one entry each, in backend preference then index order; empty when no backend
   *     is usable
   * @throws IllegalStateException if this view is closed
   */
  public List<HostDevice> devices() {
    synchronized (lock) {
      checkOpen();
      probe();
      List<HostDevice> out = new ArrayList<>();
      Map<GpuDevice, GpuBackend> listed = new LinkedHashMap<>();
      Set<String> seen = new HashSet<>();
      for (Open o : inPreferenceOrder()) {
        List<GpuDevice> list;
        try {
          list = o.session().devices();
          warned.remove(o.entry().id());
        } catch (BackendException e) {
          warnOnce(o.entry().id(), "GPU backend \"" + o.entry().id() + "\" cannot list devices", e);
          if (e.kind() == BackendException.Kind.UNAVAILABLE) {
            open.remove(o.entry().id());
            closeQuietly(o.session());
          }
          continue;
        } catch (RuntimeException e) {
          warnOnce(o.entry().id(), "GPU backend \"" + o.entry().id() + "\" cannot list devices", e);
          continue;
        }
        for (GpuDevice d : list) {
          List<String> keys = keys(d);
          if (keys.stream().noneMatch(seen::contains)) {
            out.add(new HostDevice(d, HostDevice.integrated(d)));
            listed.put(d, o.session());
          }
          seen.addAll(keys);
        }
      }
      owners = listed;
      return List.copyOf(out);
    }
  }

  /**
   * Reads one device now, through the backend that listed it.
   *
   * @param device a device from {@link #devices()}
   * @return the reading
   * @throws IllegalArgumentException if no open backend has the device's {@link
   *     GpuDevice#backend()}
   * @throws IllegalStateException if this view is closed
   * @throws BackendException if the read fails (see {@link GpuBackend#sample})
   */
  public TelemetrySample sample(GpuDevice device) {
    Objects.requireNonNull(device, "device");
    GpuBackend session;
    synchronized (lock) {
      checkOpen();
      GpuBackend owner = owners.get(device);
      Open o = open.get(device.backend());
      if (owner != null && open.values().stream().anyMatch(x -> x.session() == owner)) {
        session = owner;
      } else if (o != null) {
        session = o.session();
      } else {
        throw new IllegalArgumentException(
            "no open GPU backend \"" + device.backend() + "\" for device " + device.uuid());
      }
    }
    return session.sample(device);
  }

  /**
   * The backends open now (as of the last {@link #devices()} call), in preference order.
   *
   * @return the sessions; this view owns them, so callers must not close them
   */
  public List<GpuBackend> backends() {
    synchronized (lock) {
      return inPreferenceOrder().stream().map(Open::session).toList();
    }
  }

  /** Closes every backend this view opened; safe to call more than once. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      for (Open o : open.values()) {
        closeQuietly(o.session());
      }
      open.clear();
      owners = Map.of();
    }
  }

  private void probe() {
    if (!preference.isEmpty()) {
      if (open.isEmpty()) {
        boolean warn = warnUnusable && !preferenceProbed;
        preferenceProbed = true;
        Optional<GpuBackendProvider> chosen = registry.selectPreferring(preference, warn);
        if (chosen.isPresent()) {
          for (GpuBackends.Entry e : registry.entries()) {
            if (e.provider() == chosen.get()) {
              tryOpen(e, "forced");
            }
          }
        }
      }
      return;
    }
    Set<String> covered = new HashSet<>();
    for (Open o : open.values()) {
      covered.add(o.group());
    }
    for (GpuBackends.Entry e : registry.entries()) {
      String group = group(e);
      if (!covered.contains(group)
          && GpuBackends.availabilityOf(e).available()
          && tryOpen(e, group)) {
        covered.add(group);
      }
    }
  }

  private boolean tryOpen(GpuBackends.Entry e, String group) {
    GpuBackend session;
    try {
      session = e.provider().open(clock);
    } catch (RuntimeException | LinkageError ex) {
      warnOnce(e.id(), "GPU backend \"" + e.id() + "\" is available but did not open", ex);
      return false;
    }
    if (session == null) {
      warnOnce(e.id(), "GPU backend \"" + e.id() + "\" opened no session", null);
      return false;
    }
    warned.remove(e.id());
    open.put(e.id(), new Open(e, group, session));
    LOG.log(Level.DEBUG, "Opened GPU backend \"{0}\" ({1})", e.id(), group);
    return true;
  }

  private List<Open> inPreferenceOrder() {
    List<Open> ordered = new ArrayList<>();
    for (GpuBackends.Entry e : registry.entries()) {
      Open o = open.get(e.id());
      if (o != null) {
        ordered.add(o);
      }
    }
    return ordered;
  }

  /** The vendor group: the vendor's name, or a group of its own for {@link Vendor#OTHER}. */
  private static String group(GpuBackends.Entry e) {
    return e.vendor() == Vendor.OTHER
        ? "other:" + e.id()
        : e.vendor().name().toLowerCase(Locale.ROOT);
  }

  /** The identities that make two devices one GPU: its UUID and its PCI bus id. */
  static List<String> keys(GpuDevice d) {
    List<String> keys = new ArrayList<>(2);
    keys.add("uuid:" + d.uuid().trim().toLowerCase(Locale.ROOT));
    d.pciBusId().flatMap(HostDevices::pciAddress).ifPresent(p -> keys.add("pci:" + p));
    return keys;
  }

  /**
   * The one spelling of a PCI address that device identities use, so that tools and backends that
   * print it differently ({@code 00000000:3B:00.0}, {@code 3b:00.0}) name one GPU alike.
   *
   * @param text a PCI address: optional domain (up to 8 hex digits), bus, device, function
   * @return {@code 0000:3b:00.0} (4-digit domain, lower case); empty if {@code text} is not one
   */
  public static Optional<String> pciAddress(String text) {
    Objects.requireNonNull(text, "text");
    Matcher m = PCI.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long domain = m.group(1) == null ? 0 : Long.parseLong(m.group(1), 16);
    return Optional.of(
        String.format(
            Locale.ROOT,
            "%04x:%02x:%02x.%x",
            domain,
            Integer.parseInt(m.group(2), 16),
            Integer.parseInt(m.group(3), 16),
            Integer.parseInt(m.group(4), 16)));
  }

  private void warnOnce(String id, String message, @Nullable Throwable cause) {
    if (warned.add(id)) {
      if (cause == null) {
        LOG.log(Level.WARNING, message);
      } else {
        LOG.log(Level.WARNING, message + ": " + cause, cause);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("host GPU view is closed");
    }
  }

  private static void closeQuietly(GpuBackend session) {
    try {
      session.close();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "Closing GPU backend \"" + session.id() + "\" failed: " + e, e);
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "HostDevices" + open.keySet() + (closed ? " (closed)" : "");
    }
  }
}
