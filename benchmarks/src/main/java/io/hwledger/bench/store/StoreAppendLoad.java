package io.hwledger.bench.store;

import io.hwledger.bench.LedgerFixtures;
import io.hwledger.ledger.postgres.PostgresSettings;
import io.hwledger.testpostgres.EmbeddedPostgres;
import io.hwledger.testpostgres.TestDatabase;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Durable appends per second of the PostgreSQL ledger store next to the file store and plain JDBC
 * inserts, in one run on one server, and the store's failover time (issue 17). For each appender
 * count (1, 8, 32) it runs three cells, one after another: the PostgreSQL store with its default
 * options ({@code synchronous_commit} on), plain JDBC inserts of the same rows with one connection
 * and one transaction per row ({@link JdbcTarget}), and the file store fsyncing each batch, on the
 * disk of the work directory; then it kills a writer in a child JVM N times and times the standby's
 * takeover ({@link Failover}). {@link #main} starts a real PostgreSQL 14 ({@link EmbeddedPostgres},
 * the tests' server) in the work directory. See {@code benchmarks/README.md}, "PostgreSQL ledger
 * store".
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.hwledger.bench.store.StoreAppendLoad
 * </pre>
 */
public final class StoreAppendLoad {
  /** The server settings that decide what a commit costs, reported with the figures. */
  static final String SETTINGS =
      "'fsync','synchronous_commit','wal_sync_method','full_page_writes','commit_delay',"
          + "'wal_level','shared_buffers','max_connections','server_version'";

  private static final SecureRandom RANDOM = new SecureRandom();

  private StoreAppendLoad() {}

  /**
   * Starts an embedded PostgreSQL in the work directory, runs the harness against it and prints the
   * report.
   *
   * @param args options; {@code --help} lists them
   * @throws Exception if the run fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(StoreAppendOptions.USAGE);
      return;
    }
    StoreAppendOptions options;
    try {
      options = StoreAppendOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Files.createDirectories(options.workDir());
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(options.workDir().resolve("embedded-pg"))) {
      System.out.println("server: " + pg);
      StoreAppendReport report = run(options, pg.database(EmbeddedPostgres.SUPERUSER), System.out);
      report.machine.put("server", pg.toString());
      System.out.print(report.text());
    }
  }

  /**
   * Runs every cell and failover against {@code db}, each in a schema of its own.
   *
   * @param options what to run
   * @param db the database (its role must be able to create schemas)
   * @param progress where each cell's result is printed as it finishes
   * @return the report
   * @throws Exception if a store fails, an acknowledged append is missing, or a deadline passes
   */
  static StoreAppendReport run(StoreAppendOptions options, TestDatabase db, PrintStream progress)
      throws Exception {
    Files.createDirectories(options.workDir());
    StoreAppendReport report = new StoreAppendReport();
    machine(report, options.workDir());
    serverSettings(db, report);
    progress.println("server settings: " + report.serverSettings);
    String tag = HexFormat.of().formatHex(randomBytes(4));
    PostgresSettings pg =
        PostgresSettings.of(db.jdbcUrl()).withCredentials(db.user(), db.password());
    for (int n : options.appenders()) {
      String suffix = String.format(Locale.ROOT, "t%02d_%s", n, tag);
      cell(
          report,
          progress,
          options,
          StoreAppendReport.POSTGRES,
          n,
          new PostgresTarget(pg.withSchema("store_" + suffix)));
      cell(
          report,
          progress,
          options,
          StoreAppendReport.JDBC,
          n,
          new JdbcTarget(db, "jdbc_" + suffix, n));
      Path dir = options.workDir().resolve("file_" + suffix);
      try {
        cell(report, progress, options, StoreAppendReport.FILE, n, new FileTarget(dir));
      } finally {
        LedgerFixtures.deleteTree(dir);
      }
    }
    Path log = options.workDir().resolve("failover-writer.log");
    for (int r = 1; r <= options.failoverRuns(); r++) {
      Failover.Run run =
          Failover.once(
              db,
              String.format(Locale.ROOT, "failover_%02d_%s", r, tag),
              options.childAppenders(),
              options.settle(),
              log);
      report.failovers.add(run);
      progress.printf(
          Locale.ROOT,
          "failover %d: %,d acknowledged, %,d committed, %d lost, %d refused tries, kill → first"
              + " append %.1f ms (open %.1f ms)%n",
          r,
          run.acked(),
          run.committedAtTakeover(),
          run.lost(),
          run.refused(),
          run.killToAckNanos() / 1e6,
          run.openNanos() / 1e6);
    }
    return report;
  }

  private static void cell(
      StoreAppendReport report,
      PrintStream progress,
      StoreAppendOptions options,
      String store,
      int appenders,
      AppendTarget target)
      throws Exception {
    AppendCell.Result c =
        AppendCell.run(store, target, appenders, options.warmup(), options.window());
    if (c.durable() != c.acked()) {
      throw new IllegalStateException(
          store
              + " with "
              + appenders
              + " appenders acknowledged "
              + c.acked()
              + " appends but holds "
              + c.durable());
    }
    report.cells.add(c);
    progress.printf(
        Locale.ROOT,
        "%-8s %2d appenders: %,9.0f appends/s, p50 %.2f ms, p99 %.2f ms (%,d acknowledged, all"
            + " there)%n",
        store,
        appenders,
        c.perSecond(),
        c.p50Nanos() / 1e6,
        c.p99Nanos() / 1e6,
        c.acked());
  }

  private static void machine(StoreAppendReport report, Path workDir) throws IOException {
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
    var store = Files.getFileStore(workDir);
    report.machine.put(
        "file store disk",
        workDir.toAbsolutePath().normalize() + " on " + store.name() + " (" + store.type() + ")");
  }

  private static void serverSettings(TestDatabase db, StoreAppendReport report)
      throws SQLException {
    try (Connection c = db.connect("hwledger-bench");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT name, setting, unit FROM pg_settings WHERE name IN ("
                    + SETTINGS
                    + ") ORDER BY name")) {
      while (r.next()) {
        String unit = r.getString(3);
        report.serverSettings.put(
            r.getString(1), r.getString(2) + (unit == null ? "" : " × " + unit));
      }
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
