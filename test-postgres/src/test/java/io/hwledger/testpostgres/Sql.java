package io.hwledger.testpostgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What the tests ask the server and the OS about it. */
final class Sql {
  /** Where the tests' servers work, as TestPostgres's does. */
  static final Path BASE = Path.of("target", "embedded-pg");

  private Sql() {}

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static void execute(TestDatabase db, String sql) throws SQLException {
    try (Connection c = db.connect()) {
      execute(c, sql);
    }
  }

  static String text(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      if (!r.next()) {
        throw new AssertionError("no row from " + sql);
      }
      return r.getString(1);
    }
  }

  static String text(TestDatabase db, String sql) throws SQLException {
    try (Connection c = db.connect()) {
      return text(c, sql);
    }
  }

  /** The real, effective, saved and file-system uids of a process, from /proc/PID/status. */
  static String uids(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", pid + "", "status"))) {
      if (line.startsWith("Uid:")) {
        return line.substring("Uid:".length()).strip().replaceAll("\\s+", " ");
      }
    }
    throw new AssertionError("no Uid line for pid " + pid);
  }

  /** The postmaster's pid: the first line of postmaster.pid in the server's data directory. */
  static long postmasterPid(Connection c) throws SQLException, IOException {
    Path dataDir = Path.of(text(c, "SHOW data_directory"));
    return Long.parseLong(
        Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8)
            .get(0)
            .strip());
  }

  /** This JVM's uid. */
  static long jvmUid() throws IOException {
    String all = uids(ProcessHandle.current().pid());
    return Long.parseLong(all.substring(0, all.indexOf(' ')));
  }
}
