package io.hwledger.bench.fleet;

import io.hwledger.bench.OptionValues;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link FleetFailover}'s command line.
 *
 * @param runs failovers per standby poll
 * @param polls the standby polls, one set of runs each, in order
 * @param storeRuns failovers of the bare store ({@code io.hwledger.bench.store.Failover}) in the
 *     same run, for the comparison; 0 for none
 * @param settle how long decisions are acknowledged before the kill (and at least {@value
 *     FleetFailover#MIN_ACKS_BEFORE})
 * @param acksAfter decisions the new leader must acknowledge before a run ends
 * @param childFollower whether the follower runs in a JVM of its own (as in production, where a
 *     takeover is the first time a follower's JVM runs the writer's code) or in the harness's
 * @param workDir where the embedded server, the fleet directory and the logs go
 */
record FailoverOptions(
    int runs,
    List<Duration> polls,
    int storeRuns,
    Duration settle,
    int acksAfter,
    boolean childFollower,
    Path workDir) {

  static final String USAGE =
      """
      usage: FleetFailover [options]
        --runs N                failovers per standby poll, 1 to 20 (5)
        --standby-poll LIST     the follower's poll, comma-separated, each a set of runs
                                (500ms,100ms: the CLI's default first, then a faster one)
        --store-runs N          failovers of the bare PostgreSQL store in the same run,
                                for the comparison, 0 to 20 (5)
        --settle SECONDS        decisions acknowledged before the kill (1)
        --acks-after N          decisions the new leader acknowledges before a run ends,
                                1 to 1000 (20)
        --follower WHERE        child: a JVM of its own per run, cold as in production;
                                harness: a FleetServer in this JVM, warm after its first
                                takeover (child)
        --work-dir DIR          embedded server, fleet directory, logs
                                (benchmarks/target/fleet-failover)\
      """;

  /** Validates. */
  FailoverOptions {
    polls = List.copyOf(polls);
    if (runs < 1 || runs > 20) {
      throw new IllegalArgumentException("--runs must be 1 to 20, was " + runs);
    }
    if (polls.isEmpty() || polls.size() > 4) {
      throw new IllegalArgumentException("--standby-poll takes 1 to 4 values, was " + polls);
    }
    for (Duration p : polls) {
      if (p.toMillis() < 10 || p.toMillis() > 10_000) {
        throw new IllegalArgumentException("--standby-poll: each must be 10ms to 10s, was " + p);
      }
    }
    if (storeRuns < 0 || storeRuns > 20) {
      throw new IllegalArgumentException("--store-runs must be 0 to 20, was " + storeRuns);
    }
    if (settle.isNegative() || settle.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("--settle must be 0 to 60 s, was " + settle);
    }
    if (acksAfter < 1 || acksAfter > 1000) {
      throw new IllegalArgumentException("--acks-after must be 1 to 1000, was " + acksAfter);
    }
  }

  /**
   * Parses the command line.
   *
   * @param args the options
   * @return the options, defaults where not given
   * @throws IllegalArgumentException naming the option that is wrong
   */
  static FailoverOptions parse(String... args) {
    int runs = 5;
    List<Duration> polls = List.of(Duration.ofMillis(500), Duration.ofMillis(100));
    int storeRuns = 5;
    Duration settle = Duration.ofSeconds(1);
    int acksAfter = 20;
    boolean childFollower = true;
    Path workDir = Path.of("benchmarks", "target", "fleet-failover");
    for (int i = 0; i < args.length; i += 2) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[i + 1];
      switch (option) {
        case "--runs" -> runs = OptionValues.integer(option, value);
        case "--standby-poll" -> polls = durations(option, value);
        case "--store-runs" -> storeRuns = OptionValues.integer(option, value);
        case "--settle" -> settle = OptionValues.seconds(option, value, 60);
        case "--acks-after" -> acksAfter = OptionValues.integer(option, value);
        case "--follower" -> childFollower = follower(option, value);
        case "--work-dir" -> workDir = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
      }
    }
    return new FailoverOptions(runs, polls, storeRuns, settle, acksAfter, childFollower, workDir);
  }

  /**
   * A duration as the CLI writes it: a whole number with {@code ms} or {@code s}.
   *
   * @param d the duration
   * @return e.g. {@code 500ms}
   */
  static String text(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static List<Duration> durations(String option, String value) {
    List<Duration> out = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      long millis;
      try {
        if (p.endsWith("ms")) {
          millis = Long.parseLong(p.substring(0, p.length() - 2));
        } else if (p.endsWith("s")) {
          millis = Math.multiplyExact(Long.parseLong(p.substring(0, p.length() - 1)), 1000L);
        } else {
          throw new IllegalArgumentException(
              option + " takes durations such as 500ms or 1s, not '" + part + "'");
        }
      } catch (NumberFormatException | ArithmeticException e) {
        throw new IllegalArgumentException(
            option + " takes durations such as 500ms or 1s, not '" + part + "'", e);
      }
      out.add(Duration.ofMillis(millis));
    }
    return out;
  }

  private static boolean follower(String option, String value) {
    return switch (value) {
      case "child" -> true;
      case "harness" -> false;
      default ->
          throw new IllegalArgumentException(option + " is child or harness, not '" + value + "'");
    };
  }
}
