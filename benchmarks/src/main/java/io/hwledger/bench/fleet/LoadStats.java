package io.hwledger.bench.fleet;

import io.hwledger.fleet.client.FleetClientException;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What the simulated agents and the admin client saw, by kind of request. Thread-safe. */
final class LoadStats {
  /** The kinds of request the harness sends. */
  enum Kind {
    ENROLL("enroll"),
    INVENTORY("inventory"),
    WATCH("watch"),
    TELEMETRY("telemetry"),
    HEARTBEAT("heartbeat"),
    JOB("job");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** Time zero of every recorded due time: nanoTime when the stats were made. */
  final long origin = System.nanoTime();

  /**
   * Requests due before this time (since the origin) are the warm-up: counted apart, never in the
   * latencies. Before the warm-up starts it lets everything through.
   */
  volatile long measureFrom = Long.MIN_VALUE;

  /** Requests answered during the warm-up. */
  final LongAdder warmup = new LongAdder();

  private final Map<Kind, Latencies> latency = new EnumMap<>(Kind.class);
  private final Map<Kind, Latencies> lag = new EnumMap<>(Kind.class);
  private final Map<Kind, LongAdder> ok = new EnumMap<>(Kind.class);
  private final Map<Kind, Latencies> skipped = new EnumMap<>(Kind.class);
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Map<String, String> firstError = new ConcurrentHashMap<>();

  /** Watch lines received, by event type. */
  final Map<String, LongAdder> watchLines = new ConcurrentHashMap<>();

  /** Watch streams open now, as the agents see them. */
  final AtomicInteger watchesOpen = new AtomicInteger();

  /** Jobs the server placed (201) and refused (409). */
  final LongAdder jobsPlaced = new LongAdder();

  final LongAdder jobsRefused = new LongAdder();

  /** The first refusal's first reason, to tell what path the decisions took. */
  volatile String firstRefusal = "";

  LoadStats() {
    for (Kind k : Kind.values()) {
      latency.put(k, new Latencies());
      lag.put(k, new Latencies());
      ok.put(k, new LongAdder());
      skipped.put(k, new Latencies());
    }
  }

  /** Nanoseconds since {@link #origin}. */
  long now() {
    return System.nanoTime() - origin;
  }

  /**
   * Records an answered request.
   *
   * @param kind its kind
   * @param due when it was due, since the origin
   * @param started when the harness started it, since the origin
   * @param ended when the answer was read, since the origin
   */
  void answered(Kind kind, long due, long started, long ended) {
    if (due < measureFrom) {
      warmup.increment();
      return;
    }
    ok.get(kind).increment();
    latency.get(kind).add(due, ended - started);
    lag.get(kind).add(due, Math.max(0, started - due));
  }

  /** Records a request not sent because the same agent's previous one was still in flight. */
  void skipped(Kind kind, long due) {
    if (due < measureFrom) {
      return;
    }
    skipped.get(kind).add(due, 0);
  }

  /**
   * Records a failed request, keyed by kind and HTTP status (0: no answer).
   *
   * @param kind its kind
   * @param due when it was due, since the origin (warm-up errors are keyed apart)
   * @param e what went wrong
   */
  void failed(Kind kind, long due, RuntimeException e) {
    int status = e instanceof FleetClientException f ? f.status() : 0;
    String key =
        kind.label
            + " "
            + (status == 0 ? "no answer" : Integer.toString(status))
            + (due < measureFrom ? " (warm-up)" : "");
    errors.computeIfAbsent(key, k -> new LongAdder()).increment();
    firstError.putIfAbsent(key, String.valueOf(e.getMessage()));
  }

  Latencies latency(Kind kind) {
    return latency.get(kind);
  }

  Latencies lag(Kind kind) {
    return lag.get(kind);
  }

  long ok(Kind kind) {
    return ok.get(kind).sum();
  }

  long skippedCount(Kind kind) {
    return skipped.get(kind).summary().count();
  }

  /** Requests skipped that were due in {@code [from, to)}, or outside it. */
  long skippedCount(Kind kind, long from, long to, boolean inside) {
    Latencies s = skipped.get(kind);
    return (inside ? s.summary(from, to) : s.summaryOutside(from, to)).count();
  }

  /** Errors by "kind status", sorted. */
  Map<String, Long> errors() {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  long errors(Kind kind) {
    long n = 0;
    for (Map.Entry<String, LongAdder> e : errors.entrySet()) {
      if (e.getKey().startsWith(kind.label + " ") && !e.getKey().endsWith("(warm-up)")) {
        n += e.getValue().sum();
      }
    }
    return n;
  }

  /** The first message of each error key. */
  Map<String, String> firstErrors() {
    return new TreeMap<>(firstError);
  }

  void watchLine(String type) {
    watchLines.computeIfAbsent(type, k -> new LongAdder()).increment();
  }

  /** Watch lines by type, sorted. */
  Map<String, Long> watchLines() {
    Map<String, Long> out = new TreeMap<>();
    watchLines.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
