package io.hwledger.bench.store;

import io.hwledger.bench.OptionValues;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The harness's command line.
 *
 * @param appenders the appender counts, one cell per store each
 * @param warmup appending before each cell's window
 * @param window each cell's measured window
 * @param failoverRuns failovers to run (0 for none)
 * @param childAppenders the killed writer's appender threads
 * @param settle how long the writer appends before it is killed
 * @param workDir where the file stores, the embedded server and the child's log go
 */
record StoreAppendOptions(
    List<Integer> appenders,
    Duration warmup,
    Duration window,
    int failoverRuns,
    int childAppenders,
    Duration settle,
    Path workDir) {

  static final String USAGE =
      """
      usage: StoreAppendLoad [options]
        --appenders LIST        appender threads per cell, comma-separated (1,8,32)
        --warmup SECONDS        appending before each measured window (3)
        --duration SECONDS      each cell's measured window (10)
        --failover-runs N       failovers of the PostgreSQL store, 0 to 20 (5)
        --failover-appenders N  the killed writer's threads (4)
        --settle SECONDS        the killed writer appends this long first (1)
        --work-dir DIR          file stores, server, logs (benchmarks/target/store-append)\
      """;

  /** Validates. */
  StoreAppendOptions {
    appenders = List.copyOf(appenders);
    if (appenders.isEmpty() || appenders.stream().anyMatch(n -> n < 1 || n > 256)) {
      throw new IllegalArgumentException("--appenders: each must be 1 to 256, was " + appenders);
    }
    positive("--duration", window);
    if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("--warmup must be 0 to 600 s, was " + warmup);
    }
    if (failoverRuns < 0 || failoverRuns > 20) {
      throw new IllegalArgumentException("--failover-runs must be 0 to 20, was " + failoverRuns);
    }
    if (childAppenders < 1 || childAppenders > 64) {
      throw new IllegalArgumentException(
          "--failover-appenders must be 1 to 64, was " + childAppenders);
    }
    positive("--settle", settle);
  }

  /**
   * Parses the command line.
   *
   * @param args the options
   * @return the options, defaults where not given
   * @throws IllegalArgumentException naming the option that is wrong
   */
  static StoreAppendOptions parse(String... args) {
    List<Integer> appenders = List.of(1, 8, 32);
    Duration warmup = Duration.ofSeconds(3);
    Duration window = Duration.ofSeconds(10);
    int failoverRuns = 5;
    int childAppenders = 4;
    Duration settle = Duration.ofSeconds(1);
    Path workDir = Path.of("benchmarks", "target", "store-append");
    for (int i = 0; i < args.length; i += 2) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[i + 1];
      switch (option) {
        case "--appenders" -> appenders = list(option, value);
        case "--warmup" -> warmup = OptionValues.seconds(option, value, 600);
        case "--duration" -> window = OptionValues.seconds(option, value, 600);
        case "--failover-runs" -> failoverRuns = OptionValues.integer(option, value);
        case "--failover-appenders" -> childAppenders = OptionValues.integer(option, value);
        case "--settle" -> settle = OptionValues.seconds(option, value, 600);
        case "--work-dir" -> workDir = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
      }
    }
    return new StoreAppendOptions(
        appenders, warmup, window, failoverRuns, childAppenders, settle, workDir);
  }

  private static void positive(String option, Duration d) {
    if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(option + " must be above 0 and at most 600 s, was " + d);
    }
  }

  private static List<Integer> list(String option, String value) {
    List<Integer> out = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      out.add(OptionValues.integer(option, part.trim()));
    }
    return out;
  }
}
