package io.hwledger.bench.fleet;

import io.hwledger.bench.LedgerFixtures;
import io.hwledger.bench.store.Failover;
import io.hwledger.fleet.server.FleetHome;
import io.hwledger.testpostgres.EmbeddedPostgres;
import io.hwledger.testpostgres.TestDatabase;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Fleet server failover time on a real PostgreSQL (issue 17, item 6): a leader and a follower, each
 * in a JVM of its own (or the follower in this one), share one ledger store; the leader is killed
 * with SIGKILL in the middle of a stream of acknowledged decisions, and the harness times, from
 * just before the kill, the writer's lock changing hands, the follower leading, its status saying
 * so, and the first decision the new leader acknowledges ({@link FailoverRun}); then it checks that
 * the ledger holds every acknowledged decision, verifies, names the old then the new leader, and
 * places no job twice. N runs per standby poll (500 ms, the CLI's default, then 100 ms), each in a
 * new schema, and, in the same run, the bare store's failover ({@code
 * io.hwledger.bench.store.Failover}, as {@code StoreAppendLoad} runs it) for the comparison. {@link
 * #main} starts a real PostgreSQL 14 ({@link EmbeddedPostgres}, the tests' server) in the work
 * directory. See {@code benchmarks/README.md}, "Fleet server failover".
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.hwledger.bench.fleet.FleetFailover
 * </pre>
 */
public final class FleetFailover {
  /** Decisions the leader must have acknowledged before the kill. */
  static final int MIN_ACKS_BEFORE = 20;

  /** The bare store's killed writer's appender threads (StoreAppendLoad's default). */
  private static final int STORE_APPENDERS = 4;

  /** How long the bare store's writer appends before the kill (StoreAppendLoad's default). */
  private static final Duration STORE_SETTLE = Duration.ofSeconds(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private FleetFailover() {}

  /**
   * Starts an embedded PostgreSQL in the work directory, runs the harness against it and prints the
   * report.
   *
   * @param args options; {@code --help} lists them
   * @throws Exception if a run fails or a check does not hold
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(FailoverOptions.USAGE);
      return;
    }
    FailoverOptions options;
    try {
      options = FailoverOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Files.createDirectories(options.workDir());
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(options.workDir().resolve("embedded-pg"))) {
      System.out.println("server: " + pg);
      FailoverReport report = run(options, pg.database(EmbeddedPostgres.SUPERUSER), System.out);
      report.machine.put("server", pg.toString());
      System.out.print(report.text());
    }
  }

  /**
   * Runs every fleet failover, then the bare store's, against {@code db}, each in a schema of its
   * own, with one fleet directory made for this run in the work directory (deleted at the end).
   *
   * @param options what to run
   * @param db the database (its role must be able to create schemas)
   * @param progress where each failover's result is printed as it finishes
   * @return the report
   * @throws Exception if a run fails or a check does not hold
   */
  static FailoverReport run(FailoverOptions options, TestDatabase db, PrintStream progress)
      throws Exception {
    Path work = options.workDir();
    Files.createDirectories(work);
    FailoverReport report = new FailoverReport();
    report.machine.put(
        "jdk",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs");
    report.machine.put(
        "os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    report.machine.put(
        "follower",
        options.childFollower()
            ? "a JVM of its own per run (as the leader)"
            : "a FleetServer in the harness's JVM");
    String tag = HexFormat.of().formatHex(bytes(4));
    // the CA key's passphrase: random for each harness run, never written anywhere
    char[] passphrase =
        Base64.getEncoder().withoutPadding().encodeToString(bytes(18)).toCharArray();
    Path fleetDir = work.resolve("fleet-" + tag);
    try {
      FleetHome home =
          FleetHome.init(
              fleetDir,
              "failover.bench",
              passphrase,
              URI.create("https://127.0.0.1:1"),
              List.of("localhost"),
              List.of(InetAddress.getLoopbackAddress()),
              Instant.now(),
              RANDOM);
      for (Duration poll : options.polls()) {
        for (int r = 1; r <= options.runs(); r++) {
          String schema =
              String.format(Locale.ROOT, "fleet_failover_%dms_%02d_%s", poll.toMillis(), r, tag);
          FailoverRun.Row row =
              new FailoverRun(db, home, passphrase, schema, poll, r, options, RANDOM).call();
          report.rows.add(row);
          progress.printf(
              Locale.ROOT,
              "fleet failover %d at %s: %,d acknowledged before the kill, %d by the new leader;"
                  + " kill → lock taken %s ms, → leads %.1f ms, → first decision %.1f ms; all"
                  + " there, verified%n",
              r,
              FailoverOptions.text(poll),
              row.ackedBefore(),
              row.ackedByNew(),
              row.lockTaken() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", row.lockTaken() / 1e6),
              row.leads() / 1e6,
              row.firstDecision() / 1e6);
        }
      }
    } finally {
      java.util.Arrays.fill(passphrase, '\0');
      LedgerFixtures.deleteTree(fleetDir);
    }
    Path storeLog = work.resolve("failover-writer.log");
    for (int r = 1; r <= options.storeRuns(); r++) {
      Failover.Run run =
          Failover.once(
              db,
              String.format(Locale.ROOT, "store_failover_%02d_%s", r, tag),
              STORE_APPENDERS,
              STORE_SETTLE,
              storeLog);
      report.store.add(run);
      progress.printf(
          Locale.ROOT,
          "store failover %d: %,d acknowledged, %d lost, kill → first append %.1f ms%n",
          r,
          run.acked(),
          run.lost(),
          run.killToAckNanos() / 1e6);
      if (run.lost() != 0) {
        throw new IllegalStateException(
            "store failover " + r + " lost " + run.lost() + " acknowledged appends");
      }
    }
    return report;
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
