package io.hwledger.bench.fleet;

import io.hwledger.bench.store.Failover;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What one run of {@link FleetFailover} measured: every fleet failover, by standby poll, and the
 * bare store's failovers of the same run; {@link #text()} prints them as the README's tables, with
 * median, minimum and maximum per poll and the fleet's figures over the store's as ratios.
 */
final class FailoverReport {
  /** Where and on what it ran: JDK, cores, OS, server. */
  final Map<String, String> machine = new LinkedHashMap<>();

  /** Every fleet failover, in the order run. */
  final List<FailoverRun.Row> rows = new ArrayList<>();

  /** Every store-level failover ({@code io.hwledger.bench.store.Failover}), in the order run. */
  final List<Failover.Run> store = new ArrayList<>();

  /**
   * Median, minimum and maximum of some samples, nanoseconds; samples of {@link FailoverRun#NONE}
   * (not observed) are left out.
   *
   * @param count samples
   * @param median nearest-rank median
   * @param min smallest
   * @param max largest
   */
  record Spread(int count, long median, long min, long max) {
    static Spread of(long[] samples) {
      long[] s = Arrays.stream(samples).filter(n -> n != FailoverRun.NONE).sorted().toArray();
      if (s.length == 0) {
        return new Spread(0, FailoverRun.NONE, FailoverRun.NONE, FailoverRun.NONE);
      }
      return new Spread(s.length, Latencies.percentile(s, 0.5), s[0], s[s.length - 1]);
    }

    String text() {
      if (count == 0) {
        return "-";
      }
      return String.format(Locale.ROOT, "%.1f (%.1f–%.1f)", median / 1e6, min / 1e6, max / 1e6);
    }
  }

  /**
   * The fleet failovers of one standby poll.
   *
   * @param poll the poll
   * @return its rows, in order
   */
  List<FailoverRun.Row> rows(Duration poll) {
    return rows.stream().filter(r -> r.poll().equals(poll)).toList();
  }

  /**
   * The spread of one figure over the fleet failovers of one poll.
   *
   * @param poll the poll
   * @param figure the figure, nanoseconds ({@link FailoverRun#NONE} when not observed)
   * @return its spread
   */
  Spread spread(Duration poll, ToLongFunction<FailoverRun.Row> figure) {
    return Spread.of(rows(poll).stream().mapToLong(figure).toArray());
  }

  /**
   * The spread of the store-level failovers' kill → first acknowledged append.
   *
   * @return its spread
   */
  Spread storeSpread() {
    return Spread.of(store.stream().mapToLong(Failover.Run::killToAckNanos).toArray());
  }

  private List<Duration> polls() {
    return rows.stream().map(FailoverRun.Row::poll).distinct().toList();
  }

  /**
   * The report as text: the machine, one row per failover, the summary per poll, the store's
   * failovers and the ratios.
   *
   * @return Markdown tables
   */
  String text() {
    StringBuilder b = new StringBuilder();
    b.append('\n');
    machine.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    b.append(
        "\n| poll | run | follower | kill offset | acked before kill | in flight | by new leader | unanswered tries |"
            + " kill → lock free | kill → lock taken | (a) kill → leads | kill → status leader |"
            + " (b) kill → first decision | lock taken → leads | records | lost | leading |"
            + " before its leading record | placements | verified |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (FailoverRun.Row r : rows) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s | %,d | %d | %d | %d | %s | %s | %s | %s | %s | %s | %,d | %d | %s |"
                  + " %d | %d%s | %s |%n",
              FailoverOptions.text(r.poll()),
              r.run(),
              r.childFollower() ? "child JVM" : "harness JVM",
              ms(r.offset()),
              r.ackedBefore(),
              r.ackedInFlight(),
              r.ackedByNew(),
              r.unanswered(),
              ms(r.lockFree()),
              ms(r.lockTaken()),
              ms(r.leads()),
              ms(r.statusLeader()),
              ms(r.firstDecision()),
              ms(r.ownNanos()),
              r.records(),
              r.lost(),
              r.leading().size() == 2 ? "old, new" : String.valueOf(r.leading()),
              r.beforeLeadingRecord(),
              r.placements(),
              r.placedTwice() == 0 ? "" : " (" + r.placedTwice() + " twice)",
              r.verified() ? "yes" : "NO"));
    }
    b.append(
        "\nms, median (min–max):\n\n"
            + "| standby poll | runs | kill → lock free | kill → lock taken | (a) kill → leads |"
            + " kill → status leader | (b) kill → first decision | lock taken → leads |"
            + " leads → first decision |\n"
            + "|---|---|---|---|---|---|---|---|---|\n");
    for (Duration poll : polls()) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s | %s | %s | %s | %s | %s |%n",
              FailoverOptions.text(poll),
              rows(poll).size(),
              spread(poll, FailoverRun.Row::lockFree).text(),
              spread(poll, FailoverRun.Row::lockTaken).text(),
              spread(poll, FailoverRun.Row::leads).text(),
              spread(poll, FailoverRun.Row::statusLeader).text(),
              spread(poll, FailoverRun.Row::firstDecision).text(),
              spread(poll, FailoverRun.Row::ownNanos).text(),
              spread(poll, FailoverRun.Row::leadsToFirstDecision).text()));
    }
    long lost = rows.stream().mapToLong(FailoverRun.Row::lost).sum();
    long acked =
        rows.stream().mapToLong(r -> r.ackedBefore() + r.ackedInFlight() + r.ackedByNew()).sum();
    long early = rows.stream().mapToLong(FailoverRun.Row::beforeLeadingRecord).sum();
    b.append(
        String.format(
            Locale.ROOT,
            "%nacknowledged decisions lost: %d of %,d; every ledger verified: %s; leading records"
                + " old then new in every run: %s; jobs placed twice: %d; decisions of a new"
                + " leader recorded before its leading record: %d%n",
            lost,
            acked,
            rows.stream().allMatch(FailoverRun.Row::verified) ? "yes" : "NO",
            rows.stream().allMatch(r -> r.leading().size() == 2) ? "yes" : "NO",
            rows.stream().mapToLong(FailoverRun.Row::placedTwice).sum(),
            early));
    if (!store.isEmpty()) {
      b.append(
          "\nbare store (`io.hwledger.bench.store.Failover`, standby retrying every "
              + Failover.RETRY_MILLIS
              + " ms):\n\n| failover | acked by the killed writer | lost | standby tries refused |"
              + " kill → open began (ms) | open (ms) | kill → first ack (ms) |\n"
              + "|---|---|---|---|---|---|---|\n");
      for (int i = 0; i < store.size(); i++) {
        Failover.Run r = store.get(i);
        b.append(
            String.format(
                Locale.ROOT,
                "| %d | %,d | %d | %d | %.1f | %.1f | %.1f |%n",
                i + 1,
                r.acked(),
                r.lost(),
                r.refused(),
                r.killToOpenStartNanos() / 1e6,
                r.openNanos() / 1e6,
                r.killToAckNanos() / 1e6));
      }
      Spread s = storeSpread();
      b.append(
          String.format(
              Locale.ROOT,
              "%nbare store, kill → first acknowledged append: %s ms over %d runs%n",
              s.text(),
              s.count()));
      for (Duration poll : polls()) {
        Spread a = spread(poll, FailoverRun.Row::leads);
        Spread first = spread(poll, FailoverRun.Row::firstDecision);
        b.append(
            String.format(
                Locale.ROOT,
                "fleet at %s over the bare store (medians): (a) leads %s, (b) first decision %s%n",
                FailoverOptions.text(poll),
                ratio(a, s),
                ratio(first, s)));
      }
    }
    return b.toString();
  }

  private static String ratio(Spread a, Spread b) {
    if (a.count() == 0 || b.count() == 0 || b.median() <= 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.1f×", (double) a.median() / b.median());
  }

  private static String ms(long nanos) {
    return nanos == FailoverRun.NONE ? "-" : String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }
}
