package io.hwledger.bench.store;

import io.hwledger.bench.fleet.Latencies;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one run of {@link StoreAppendLoad} measured: the server's settings that matter for
 * durability, one cell per store and appender count, and the failovers; {@link #text()} prints them
 * as the README's tables.
 */
final class StoreAppendReport {
  /** The PostgreSQL store's name in the cells. */
  static final String POSTGRES = "postgres";

  /** Plain JDBC inserts' name in the cells. */
  static final String JDBC = "jdbc";

  /** The file store's name in the cells. */
  static final String FILE = "file";

  /** Where and on what it ran: JDK, cores, file system, server. */
  final Map<String, String> machine = new LinkedHashMap<>();

  /** The server's settings, by name (from {@code pg_settings}). */
  final Map<String, String> serverSettings = new LinkedHashMap<>();

  /** Every cell, in the order run. */
  final List<AppendCell.Result> cells = new ArrayList<>();

  /** Every failover, in the order run. */
  final List<Failover.Run> failovers = new ArrayList<>();

  /**
   * The cell of one store and appender count.
   *
   * @param store {@link #POSTGRES}, {@link #JDBC} or {@link #FILE}
   * @param appenders appender threads
   * @return the cell, if it ran
   */
  Optional<AppendCell.Result> cell(String store, int appenders) {
    return cells.stream()
        .filter(c -> c.store().equals(store) && c.appenders() == appenders)
        .findFirst();
  }

  /**
   * The median (nearest rank) of the failovers' kill-to-first-append times.
   *
   * @return nanoseconds; 0 without failovers
   */
  long medianFailoverNanos() {
    return Latencies.percentile(failoverNanos(), 0.5);
  }

  /**
   * The longest kill-to-first-append time.
   *
   * @return nanoseconds; 0 without failovers
   */
  long maxFailoverNanos() {
    long[] sorted = failoverNanos();
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
  }

  private long[] failoverNanos() {
    long[] n = failovers.stream().mapToLong(Failover.Run::killToAckNanos).toArray();
    Arrays.sort(n);
    return n;
  }

  /**
   * The report as text: settings, the throughput table with ratios, the durability check, the
   * failovers.
   *
   * @return Markdown tables
   */
  String text() {
    StringBuilder b = new StringBuilder();
    b.append('\n');
    machine.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    b.append("server settings:");
    serverSettings.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
    b.append("\n\n");
    b.append(
        "| appenders | PostgreSQL store appends/s (p50 / p99 ms) | plain JDBC appends/s (p50 /"
            + " p99 ms) | file store appends/s (p50 / p99 ms) | PG store / JDBC | PG store / file"
            + " |\n|---|---|---|---|---|---|\n");
    cells.stream()
        .map(AppendCell.Result::appenders)
        .distinct()
        .forEach(
            n -> {
              Optional<AppendCell.Result> pg = cell(POSTGRES, n);
              Optional<AppendCell.Result> jdbc = cell(JDBC, n);
              Optional<AppendCell.Result> file = cell(FILE, n);
              b.append("| ").append(n);
              for (Optional<AppendCell.Result> c : List.of(pg, jdbc, file)) {
                b.append(" | ").append(c.map(StoreAppendReport::rate).orElse("-"));
              }
              b.append(" | ").append(ratio(pg, jdbc));
              b.append(" | ").append(ratio(pg, file));
              b.append(" |\n");
            });
    b.append("\nacknowledged / durable after reopening (verified for the ledgers):");
    for (AppendCell.Result c : cells) {
      b.append(
          String.format(
              Locale.ROOT, " %s×%d %,d/%,d", c.store(), c.appenders(), c.acked(), c.durable()));
    }
    b.append('\n');
    if (!failovers.isEmpty()) {
      b.append(
          "\n| failover | acked by the killed writer | committed at takeover | lost | standby"
              + " tries refused | kill → open began (ms) | open (ms) | kill → first ack (ms)"
              + " |\n|---|---|---|---|---|---|---|---|\n");
      for (int i = 0; i < failovers.size(); i++) {
        Failover.Run r = failovers.get(i);
        b.append(
            String.format(
                Locale.ROOT,
                "| %d | %,d | %,d | %d | %d | %.1f | %.1f | %.1f |%n",
                i + 1,
                r.acked(),
                r.committedAtTakeover(),
                r.lost(),
                r.refused(),
                r.killToOpenStartNanos() / 1e6,
                r.openNanos() / 1e6,
                r.killToAckNanos() / 1e6));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "%nfailover, kill → first acknowledged append: median %.1f ms, max %.1f ms over %d"
                  + " runs; acknowledged appends lost: %d%n",
              medianFailoverNanos() / 1e6,
              maxFailoverNanos() / 1e6,
              failovers.size(),
              failovers.stream().mapToLong(Failover.Run::lost).sum()));
    }
    return b.toString();
  }

  private static String rate(AppendCell.Result c) {
    return String.format(
        Locale.ROOT, "%,.0f (%.2f / %.2f)", c.perSecond(), c.p50Nanos() / 1e6, c.p99Nanos() / 1e6);
  }

  private static String ratio(Optional<AppendCell.Result> a, Optional<AppendCell.Result> b) {
    if (a.isEmpty() || b.isEmpty() || b.get().perSecond() == 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2f×", a.get().perSecond() / b.get().perSecond());
  }
}
