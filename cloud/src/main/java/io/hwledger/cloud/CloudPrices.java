package io.hwledger.cloud;

import io.hwledger.cloud.SourceOutcome.Origin;
import io.hwledger.cloud.internal.HttpTransport;
import io.hwledger.cloud.internal.OfferJson;
import io.hwledger.cloud.internal.RetryPolicy;
import io.hwledger.cloud.internal.Sleeper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Offers from every {@link PriceSource}, each read live, from a cache younger than its time to
 * live, or from its dated snapshot, and labelled with which ({@link SourceOutcome}). One source
 * that fails never hides the others: its outcome says why, and its stale cache or snapshot stands
 * in.
 *
 * <p>Per source, in order: the cache file if younger than the TTL (unless a refresh is asked); a
 * live read if the source has an API and, where it needs one, a key; on failure the stale cache,
 * then the snapshot. A source without a key uses its snapshot and says which variable to set.
 * Sources are read in parallel. Thread-safe; build once and reuse.
 */
public final class CloudPrices {
  private static final System.Logger LOG = System.getLogger(CloudPrices.class.getName());
  private static final Pattern ID = Pattern.compile("[a-z0-9]{1,32}");

  private final List<PriceSource> sources;
  private final CloudSettings settings;
  private final @Nullable Path cacheDirectory;
  private final Duration ttl;
  private final Clock clock;
  private final HttpClient client;
  private final RetryPolicy retryPolicy;
  private final Sleeper sleeper;

  private CloudPrices(Builder b) {
    this.sources = List.copyOf(b.sources != null ? b.sources : discover());
    this.settings = b.settings;
    this.cacheDirectory = b.cacheDirectory;
    this.ttl = b.ttl;
    this.clock = b.clock;
    this.client =
        b.client != null
            ? b.client
            : HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    this.retryPolicy = b.retryPolicy;
    this.sleeper = b.sleeper;
    Set<String> seen = new java.util.HashSet<>();
    for (PriceSource s : sources) {
      if (!ID.matcher(s.id()).matches() || !seen.add(s.id())) {
        throw new IllegalArgumentException(
            "price source id '" + s.id() + "' is not [a-z0-9]{1,32} or is taken");
      }
    }
  }

  /**
   * A builder: every source {@link ServiceLoader} finds, no keys, no cache file, 15-minute TTL.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The sources, in the order reports list them.
   *
   * @return an unmodifiable list
   */
  public List<PriceSource> sources() {
    return sources;
  }

  /** What to read. */
  public enum Mode {
    /** A fresh cache, else live, else the stale cache, else the snapshot. */
    NORMAL,
    /** Live even when the cache is fresh; then as {@link #NORMAL}. */
    REFRESH,
    /** The snapshots only: no network. */
    OFFLINE
  }

  /**
   * Reads offers.
   *
   * @param sourceIds the sources to read, by id; empty for all
   * @param mode normal, refresh or offline
   * @return offers and one outcome per source, in source order
   * @throws IllegalArgumentException naming the known ids when an id is unknown
   */
  public PriceReport fetch(Set<String> sourceIds, Mode mode) {
    Objects.requireNonNull(sourceIds, "sourceIds");
    Objects.requireNonNull(mode, "mode");
    List<PriceSource> chosen = new ArrayList<>();
    for (String id : sourceIds) {
      if (sources.stream().noneMatch(s -> s.id().equals(id))) {
        throw new IllegalArgumentException(
            "unknown price source '"
                + id
                + "' (known: "
                + String.join(", ", sources.stream().map(PriceSource::id).toList())
                + ")");
      }
    }
    for (PriceSource s : sources) {
      if (sourceIds.isEmpty() || sourceIds.contains(s.id())) {
        chosen.add(s);
      }
    }
    Map<PriceSource, Result> results = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, chosen.size()));
    try {
      Map<PriceSource, Future<Result>> futures = new LinkedHashMap<>();
      for (PriceSource s : chosen) {
        futures.put(s, pool.submit(() -> read(s, mode)));
      }
      for (Map.Entry<PriceSource, Future<Result>> e : futures.entrySet()) {
        results.put(e.getKey(), await(e.getKey(), e.getValue()));
      }
    } finally {
      pool.shutdownNow();
    }
    List<Offer> offers = new ArrayList<>();
    List<SourceOutcome> outcomes = new ArrayList<>();
    results.forEach(
        (s, r) -> {
          offers.addAll(r.offers);
          outcomes.add(
              new SourceOutcome(
                  s.id(), s.displayName(), r.origin, r.asOf, r.offers.size(), r.warning));
        });
    return new PriceReport(offers, outcomes);
  }

  private Result await(PriceSource source, Future<Result> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fallback(source, "interrupted");
    } catch (ExecutionException e) {
      // A source's bug (a RuntimeException out of fetch) must not hide the others.
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return fallback(source, "failed: " + cause);
    }
  }

  private Result read(PriceSource source, Mode mode) {
    if (mode == Mode.OFFLINE) {
      return snapshot(source, "offline: " + snapshotLabel(source));
    }
    Optional<List<Offer>> cached = readCache(source);
    Instant now = clock.instant();
    if (mode == Mode.NORMAL && cached.isPresent() && !cached.get().isEmpty()) {
      Instant oldest = oldest(cached.get());
      if (Duration.between(oldest, now).compareTo(ttl) < 0) {
        return new Result(cached.get(), Origin.CACHE, oldest, Optional.empty());
      }
    }
    if (!source.hasLiveApi()) {
      return snapshot(
          source, source.displayName() + " publishes no price API: " + snapshotLabel(source));
    }
    Optional<ApiKey> key = settings.apiKey(source);
    if (source.requiresApiKey() && key.isEmpty()) {
      return snapshot(
          source,
          "no API key for "
              + source.displayName()
              + source.apiKeyVariable().map(v -> " (set " + v + ")").orElse("")
              + ": "
              + snapshotLabel(source));
    }
    HttpTransport transport =
        new HttpTransport(
            client,
            source.displayName(),
            settings.baseUri(source),
            key,
            source.apiKeyVariable(),
            retryPolicy,
            sleeper,
            clock);
    try {
      List<Offer> offers = List.copyOf(source.fetch(transport));
      for (Offer o : offers) {
        if (!o.provider().equals(source.id())) {
          throw new PriceSourceException(
              source.displayName() + " returned an offer of another source: " + o.provider());
        }
      }
      writeCache(source, offers);
      return new Result(offers, Origin.LIVE, now, Optional.empty());
    } catch (PriceSourceException e) {
      LOG.log(System.Logger.Level.DEBUG, "price source " + source.id() + " failed", e);
      if (cached.isPresent() && !cached.get().isEmpty()) {
        Instant oldest = oldest(cached.get());
        return new Result(
            cached.get(),
            Origin.STALE_CACHE,
            oldest,
            Optional.of(e.getMessage() + "; using prices read at " + oldest));
      }
      return snapshot(source, e.getMessage() + "; " + snapshotLabel(source));
    }
  }

  private Result fallback(PriceSource source, String why) {
    try {
      return snapshot(source, source.displayName() + " " + why + "; " + snapshotLabel(source));
    } catch (RuntimeException e) {
      return new Result(
          List.of(), Origin.FAILED, clock.instant(), Optional.of(source.displayName() + " " + why));
    }
  }

  /**
   * "using the snapshot of DATE (URL), N days old": the date always, the citation's first URL (the
   * whole citation is in {@link Snapshot#citation()}), the age past a day.
   */
  private String snapshotLabel(PriceSource source) {
    Snapshot s = source.snapshot();
    long days =
        java.time.temporal.ChronoUnit.DAYS.between(
            s.asOf(), clock.instant().atZone(java.time.ZoneOffset.UTC).toLocalDate());
    return "using the snapshot of "
        + s.asOf()
        + " ("
        + firstUrl(s.citation())
        + ")"
        + (days > 1 ? ", " + days + " days old" : "");
  }

  /**
   * The first {@code http(s)://} word of a citation, with "…" when more follows; else all of it.
   */
  static String firstUrl(String citation) {
    for (String word : citation.split("[\\s,;()]+")) {
      if (word.startsWith("https://") || word.startsWith("http://")) {
        return word.equals(citation.strip()) ? word : word + ", …";
      }
    }
    return citation;
  }

  private static Result snapshot(PriceSource source, String warning) {
    Snapshot s = source.snapshot();
    Instant asOf =
        s.offers().isEmpty()
            ? s.asOf().atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
            : oldest(s.offers());
    return new Result(s.offers(), Origin.SNAPSHOT, asOf, Optional.of(warning));
  }

  private static Instant oldest(List<Offer> offers) {
    return offers.stream().map(Offer::fetchedAt).min(Comparator.naturalOrder()).orElseThrow();
  }

  private Optional<List<Offer>> readCache(PriceSource source) {
    if (cacheDirectory == null) {
      return Optional.empty();
    }
    Path file = cacheDirectory.resolve(source.id() + ".json");
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return Optional.of(OfferJson.readCache(text, source.id()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | PriceSourceException | IllegalArgumentException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "ignoring unreadable price cache {0}: {1}",
          file,
          e.getMessage());
      return Optional.empty();
    }
  }

  private void writeCache(PriceSource source, List<Offer> offers) {
    if (cacheDirectory == null || offers.isEmpty()) {
      return;
    }
    Path file = cacheDirectory.resolve(source.id() + ".json");
    try {
      Files.createDirectories(cacheDirectory);
      Path tmp = Files.createTempFile(cacheDirectory, source.id(), ".tmp");
      try {
        Files.writeString(tmp, OfferJson.writeCache(offers), StandardCharsets.UTF_8);
        try {
          Files.move(
              tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING, "cannot write price cache {0}: {1}", file, e.getMessage());
    }
  }

  private static List<PriceSource> discover() {
    List<PriceSource> found = new ArrayList<>();
    Iterator<PriceSource> it =
        ServiceLoader.load(PriceSource.class, CloudPrices.class.getClassLoader()).iterator();
    for (int failures = 0; failures < 100; ) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next());
      } catch (ServiceConfigurationError e) {
        failures++;
        LOG.log(
            System.Logger.Level.WARNING,
            "a price source failed to load and was skipped: {0}",
            e.getMessage());
      }
    }
    found.sort(Comparator.comparing(PriceSource::id));
    return found;
  }

  private static final class Result {
    final List<Offer> offers;
    final Origin origin;
    final Instant asOf;
    final Optional<String> warning;

    Result(List<Offer> offers, Origin origin, Instant asOf, Optional<String> warning) {
      this.offers = offers;
      this.origin = origin;
      this.asOf = asOf;
      this.warning = warning;
    }
  }

  /** Builds a {@link CloudPrices}. */
  public static final class Builder {
    private @Nullable List<PriceSource> sources;
    private CloudSettings settings = CloudSettings.none();
    private @Nullable Path cacheDirectory;
    private Duration ttl = Duration.ofMinutes(15);
    private Clock clock = Clock.systemUTC();
    private @Nullable HttpClient client;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private Sleeper sleeper = Sleeper.SYSTEM;

    private Builder() {}

    /**
     * The sources to read instead of those {@link ServiceLoader} finds.
     *
     * @param sources the sources, in report order; ids distinct
     * @return this
     */
    public Builder sources(List<? extends PriceSource> sources) {
      this.sources = List.copyOf(sources);
      return this;
    }

    /**
     * Keys and base URIs.
     *
     * @param settings the settings
     * @return this
     */
    public Builder settings(CloudSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Keeps each source's last live offers in {@code directory/ID.json} between runs.
     *
     * @param directory the cache directory, created when first written
     * @return this
     */
    public Builder cacheDirectory(Path directory) {
      this.cacheDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * How long cached offers count as fresh.
     *
     * @param ttl positive
     * @return this
     */
    public Builder ttl(Duration ttl) {
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl must be positive, got " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * The clock offers are stamped and ages measured with.
     *
     * @param clock the clock
     * @return this
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The HTTP client (its connect time-out, proxy and TLS settings apply).
     *
     * @param client the client
     * @return this
     */
    public Builder httpClient(HttpClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Per-request time-out, the number of tries, and the longest wait honoured.
     *
     * @param requestTimeout one request, connect to last byte; positive
     * @param attempts tries per request, at least 1
     * @param longestWait the longest {@code Retry-After} honoured; positive
     * @return this
     */
    public Builder retries(Duration requestTimeout, int attempts, Duration longestWait) {
      this.retryPolicy =
          new RetryPolicy(
              requestTimeout,
              attempts,
              RetryPolicy.DEFAULT.firstBackoff(),
              longestWait,
              RetryPolicy.DEFAULT.maxBodyBytes());
      return this;
    }

    /** Tests wait without sleeping. */
    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Builds.
     *
     * @return the prices
     * @throws IllegalArgumentException if two sources share an id or an id is malformed
     */
    public CloudPrices build() {
      return new CloudPrices(this);
    }
  }
}
