package io.hwledger.spi;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The registry of GPU telemetry backends: an immutable, injectable set of providers with the rule
 * that picks one.
 *
 * <p><b>Discovery.</b> {@link #discover()} loads every {@link GpuBackendProvider} with {@link
 * ServiceLoader}, one provider at a time: a provider whose class is missing, is not a provider,
 * whose constructor throws, or whose {@link GpuBackendProvider#id() id()} or {@link
 * GpuBackendProvider#priority() priority()} throws is logged (WARNING, with the cause) and skipped,
 * so one broken jar cannot hide the others. A second provider with an id already seen is skipped
 * with a warning (the first on the class path keeps the id).
 *
 * <p><b>Selection</b> ({@link #select()}):
 *
 * <ol>
 *   <li>If the system property {@value #BACKENDS_PROPERTY} is set (comma-separated ids, e.g. {@code
 *       nvml,nvidia-smi}), its ids are tried in the order given; the first one that is known and
 *       available wins. An id that is unknown or unavailable is skipped with a WARNING naming the
 *       reason. <b>If none of the listed ids is usable, nothing is selected</b> (an empty result,
 *       with a WARNING): an explicit list is the operator's decision, and silently falling back to
 *       a backend they did not name (say, a slow tool-spawning fallback, or one that reports other
 *       devices) would hide the misconfiguration. To fall back on purpose, end the list with
 *       {@value #ANY} ({@code nvml,*}): that entry means "then any available backend by priority".
 *       {@code hwledger.backends=none} selects nothing, without a warning.
 *   <li>Otherwise, the available provider with the highest {@link GpuBackendProvider#priority()};
 *       ties go to the lexicographically smaller id.
 * </ol>
 *
 * <p><b>Every GPU of the host</b> ({@link #host()}): {@link #select()} picks one backend for the
 * whole host, so on a host with an NVIDIA and an AMD card it sees one vendor's GPUs. {@link
 * HostDevices} instead opens one backend per {@link GpuBackendProvider#vendor() vendor}, by the
 * same priority, re-probes the others on each listing, and lists every vendor's GPUs once each;
 * {@value #BACKENDS_PROPERTY}, when set, still forces the one backend it selects.
 *
 * <p>{@link #select()} decides once per instance and logs the choice once, at DEBUG. {@link
 * GpuBackendProvider#isAvailable()} is called defensively everywhere: a provider whose check throws
 * counts as unavailable, with the exception as the reason.
 *
 * <p>Logging uses {@link System.Logger} (name {@code io.hwledger.spi.GpuBackends}), so this module
 * stays free of third-party dependencies; SLF4J users route it with {@code slf4j-jdk-platform-
 * logging}. Routine facts (which backend was selected, that none was) are {@code DEBUG}; only a
 * provider that is broken (fails to load, throws, repeats an id) or a {@code hwledger.backends}
 * list with nothing usable is a {@code WARNING}, so a machine without a GPU logs nothing.
 */
public final class GpuBackends {

  /** System property listing the backend ids to use, in order of preference. */
  public static final String BACKENDS_PROPERTY = "hwledger.backends";

  /** In {@value #BACKENDS_PROPERTY}: "then any available backend, by priority and id". */
  public static final String ANY = "*";

  /** In {@value #BACKENDS_PROPERTY}: select nothing (telemetry off). */
  public static final String NONE = "none";

  private static final System.Logger LOG = System.getLogger(GpuBackends.class.getName());

  /** Consecutive loading failures after which discovery gives up on a broken service iterator. */
  private static final int MAX_CONSECUTIVE_FAILURES = 64;

  private static final Comparator<Entry> PREFERENCE =
      Comparator.comparingInt(Entry::priority).reversed().thenComparing(Entry::id);

  private final List<Entry> entries;
  private final Object selectLock = new Object();

  @SuppressWarnings("NullableOptional") // null means "not decided yet", distinct from empty
  private @Nullable Optional<GpuBackendProvider> selected;

  /** A registered provider with what it said once, at registration. */
  record Entry(GpuBackendProvider provider, String id, int priority, Vendor vendor) {}

  private GpuBackends(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(PREFERENCE);
    this.entries = List.copyOf(sorted);
  }

  /**
   * A registry over exactly these providers (for tests and for applications that wire providers
   * themselves). Providers whose {@code id()} or {@code priority()} throws, and duplicate ids, are
   * skipped with a warning, as in discovery.
   *
   * @param providers the providers, in any order
   * @return a registry holding them in preference order
   * @throws NullPointerException if the list or one of its elements is null
   */
  public static GpuBackends of(List<? extends GpuBackendProvider> providers) {
    Objects.requireNonNull(providers, "providers");
    List<Entry> entries = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (GpuBackendProvider provider : providers) {
      Objects.requireNonNull(provider, "providers contains null");
      accept(provider, entries, ids);
    }
    return new GpuBackends(entries);
  }

  /**
   * Discovers providers with {@link ServiceLoader} through the thread's context class loader (or
   * this class's loader when there is none).
   *
   * @return a registry of every provider that loaded; empty when there are none
   */
  public static GpuBackends discover() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return discover(loader != null ? loader : GpuBackends.class.getClassLoader());
  }

  /**
   * Discovers providers with {@link ServiceLoader} through {@code loader}; never throws for a bad
   * provider.
   *
   * @param loader the class loader whose {@code META-INF/services} (or module layer) is searched
   * @return a registry of every provider that loaded; empty when there are none
   */
  public static GpuBackends discover(ClassLoader loader) {
    Objects.requireNonNull(loader, "loader");
    Iterator<GpuBackendProvider> it =
        ServiceLoader.load(GpuBackendProvider.class, loader).iterator();
    List<Entry> entries = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    int consecutiveFailures = 0;
    while (true) {
      GpuBackendProvider provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        LOG.log(Level.WARNING, "Skipping a GPU backend provider that failed to load: " + e, e);
        if (++consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
          LOG.log(
              Level.WARNING,
              "Giving up GPU backend discovery after {0} consecutive failures",
              consecutiveFailures);
          break;
        }
        continue;
      }
      consecutiveFailures = 0;
      accept(provider, entries, ids);
    }
    if (entries.isEmpty()) {
      LOG.log(
          Level.DEBUG,
          "No GPU backend providers found; add hwledger-spi-nvidia, -rocm or -metal to the class"
              + " path");
    }
    return new GpuBackends(entries);
  }

  /**
   * The registry discovered once, on first use, from this class's loader context.
   *
   * @return the shared registry; {@link #select()} on it is decided once per JVM
   */
  public static GpuBackends defaults() {
    return DefaultsHolder.INSTANCE;
  }

  private static final class DefaultsHolder {
    static final GpuBackends INSTANCE = discover();
  }

  private static void accept(GpuBackendProvider provider, List<Entry> entries, Set<String> ids) {
    String id;
    int priority;
    Vendor vendor;
    try {
      id = provider.id();
      priority = provider.priority();
      vendor = provider.vendor();
    } catch (RuntimeException | LinkageError e) {
      LOG.log(
          Level.WARNING,
          "Skipping GPU backend provider "
              + provider.getClass().getName()
              + ": id()/priority()/vendor() threw "
              + e,
          e);
      return;
    }
    if (id == null || id.isBlank()) {
      LOG.log(
          Level.WARNING,
          "Skipping GPU backend provider {0}: blank id",
          provider.getClass().getName());
      return;
    }
    if (!ids.add(id)) {
      LOG.log(
          Level.WARNING,
          "Skipping GPU backend provider {0}: id \"{1}\" is already taken",
          provider.getClass().getName(),
          id);
      return;
    }
    entries.add(new Entry(provider, id, priority, vendor == null ? Vendor.OTHER : vendor));
  }

  /**
   * The providers, in preference order (priority descending, then id).
   *
   * @return an unmodifiable list, possibly empty
   */
  public List<GpuBackendProvider> providers() {
    return entries.stream().map(Entry::provider).collect(Collectors.toUnmodifiableList());
  }

  /**
   * Every provider's id, priority and availability (checked now), in preference order.
   *
   * @return an unmodifiable list, one status per provider
   */
  public List<BackendStatus> statuses() {
    return entries.stream()
        .map(e -> new BackendStatus(e.id(), e.priority(), availabilityOf(e)))
        .collect(Collectors.toUnmodifiableList());
  }

  /**
   * The backend to use, by {@value #BACKENDS_PROPERTY} then priority then id (see the class
   * comment); decided on the first call and logged once at DEBUG.
   *
   * @return the provider, or empty when none is available or the property rules them all out
   */
  public Optional<GpuBackendProvider> select() {
    synchronized (selectLock) {
      Optional<GpuBackendProvider> result = selected;
      if (result == null) {
        result = selectPreferring(parsePreference(System.getProperty(BACKENDS_PROPERTY)));
        selected = result;
        if (result.isPresent()) {
          LOG.log(Level.DEBUG, "Selected GPU backend \"{0}\"", result.get().id());
        } else {
          LOG.log(Level.DEBUG, "No GPU backend selected; available: {0}", statuses());
        }
      }
      return result;
    }
  }

  /**
   * The backend chosen by an explicit preference list, as if it were the value of {@value
   * #BACKENDS_PROPERTY}; an empty list means "by priority, then id". Not memoised.
   *
   * @param preference ids in order of preference, possibly ending with {@value #ANY}, or {@value
   *     #NONE}
   * @return the first listed provider that is known and available, or empty (with a WARNING when
   *     the list named backends and none was usable)
   */
  public Optional<GpuBackendProvider> selectPreferring(List<String> preference) {
    return selectPreferring(preference, true);
  }

  /** {@link #selectPreferring(List)}, warning about an unusable list only when {@code warn}. */
  Optional<GpuBackendProvider> selectPreferring(List<String> preference, boolean warn) {
    Objects.requireNonNull(preference, "preference");
    if (preference.isEmpty()) {
      return byPriority();
    }
    for (String wanted : preference) {
      if (ANY.equals(wanted)) {
        return byPriority();
      }
      if (NONE.equals(wanted)) {
        return Optional.empty();
      }
      Optional<GpuBackendProvider> found = select(wanted);
      if (found.isPresent()) {
        return found;
      }
    }
    if (!warn) {
      return Optional.empty();
    }
    LOG.log(
        Level.WARNING,
        "None of the GPU backends listed in {0}={1} is usable; selecting none (append \",*\" to"
            + " fall back to any available backend)",
        BACKENDS_PROPERTY,
        String.join(",", preference));
    return Optional.empty();
  }

  /**
   * The provider with this id if it is known and available; otherwise empty. Why it is empty is
   * logged only at DEBUG: the caller asked for this backend and says why it has none ({@link
   * #statuses()} has the reason).
   *
   * @param id a provider id, e.g. {@code nvml}
   * @return the provider, or empty if unknown or unavailable
   */
  public Optional<GpuBackendProvider> select(String id) {
    Objects.requireNonNull(id, "id");
    for (Entry e : entries) {
      if (e.id().equals(id)) {
        Availability availability = availabilityOf(e);
        if (availability.available()) {
          return Optional.of(e.provider());
        }
        // the caller asked for this one and gets nothing: saying why is the caller's to do
        LOG.log(Level.DEBUG, "GPU backend \"{0}\" is unavailable: {1}", id, availability.reason());
        return Optional.empty();
      }
    }
    LOG.log(
        Level.DEBUG,
        "Unknown GPU backend \"{0}\"; known: {1}",
        id,
        entries.stream().map(Entry::id).collect(Collectors.joining(", ")));
    return Optional.empty();
  }

  private Optional<GpuBackendProvider> byPriority() {
    for (Entry e : entries) {
      if (availabilityOf(e).available()) {
        return Optional.of(e.provider());
      }
    }
    return Optional.empty();
  }

  /** Parses a {@value #BACKENDS_PROPERTY} value: comma-separated, trimmed, blanks dropped. */
  static List<String> parsePreference(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",", -1))
        .map(s -> s.trim().toLowerCase(Locale.ROOT))
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableList());
  }

  /** The registered providers in preference order (priority descending, then id). */
  List<Entry> entries() {
    return entries;
  }

  /**
   * A view of every GPU of this host: one backend per vendor, or only the backend {@value
   * #BACKENDS_PROPERTY} selects when it is set (read now); samples stamped by the system clock.
   *
   * @return an open view; the caller closes it, which closes the backends it opened
   * @see HostDevices
   */
  public HostDevices host() {
    return host(Clock.systemUTC());
  }

  /**
   * A view of every GPU of this host: one backend per vendor, or only the backend {@value
   * #BACKENDS_PROPERTY} selects when it is set (read now).
   *
   * @param clock the clock the backends stamp samples with
   * @return an open view; the caller closes it, which closes the backends it opened
   * @see HostDevices
   */
  public HostDevices host(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    return new HostDevices(
        this, parsePreference(System.getProperty(BACKENDS_PROPERTY)), true, clock);
  }

  /**
   * A view of the GPUs of the one backend {@code preference} selects, as {@link
   * #selectPreferring(List)} would; an empty list means one backend per vendor, as {@link #host()}.
   * Nothing is logged when the list names no usable backend: the caller says why ({@link
   * #statuses()} has the reasons), e.g. for {@code --backend ID}.
   *
   * @param preference ids in order of preference, possibly ending with {@value #ANY}, or {@value
   *     #NONE}
   * @param clock the clock the backends stamp samples with
   * @return an open view; the caller closes it
   */
  public HostDevices host(List<String> preference, Clock clock) {
    Objects.requireNonNull(preference, "preference");
    Objects.requireNonNull(clock, "clock");
    return new HostDevices(this, List.copyOf(preference), false, clock);
  }

  static Availability availabilityOf(Entry e) {
    try {
      Availability availability = e.provider().isAvailable();
      if (availability == null) {
        return Availability.unavailable("isAvailable() returned null");
      }
      return availability;
    } catch (RuntimeException | LinkageError ex) {
      LOG.log(Level.WARNING, "GPU backend \"" + e.id() + "\": isAvailable() threw " + ex, ex);
      return Availability.unavailable("isAvailable() threw " + ex);
    }
  }

  @Override
  public String toString() {
    return "GpuBackends" + entries.stream().map(Entry::id).collect(Collectors.toList());
  }
}
