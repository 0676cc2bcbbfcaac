package io.hwledger.bench.store;

import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.RecordChain;
import io.hwledger.testpostgres.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The baseline a naive implementation gets: plain JDBC inserts of the same rows into a table of the
 * store's shape ({@code seq}, 32-byte {@code leaf_hash}, {@code body}), each appender on its own
 * connection in auto-commit, so every row is one durable transaction (the server's {@code
 * synchronous_commit}, on). The body is the record the store would write for the event (sealed by
 * {@link RecordChain}, so the same size and the same hashing work); the sequence number comes from
 * a shared counter. No chain, no tree, no writer's lock.
 */
final class JdbcTarget implements AppendTarget {
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final TestDatabase db;
  private final String table;
  private final Clock clock = Clock.systemUTC();
  private final AtomicLong nextSeq = new AtomicLong();
  private final List<Connection> connections = new ArrayList<>();
  private final List<PreparedStatement> inserts = new ArrayList<>();

  /**
   * Creates the table in a new schema and opens one connection per appender.
   *
   * @param db the database
   * @param schema a new schema's name (checked by the caller: lower-case letters, digits, {@code
   *     _})
   * @param appenders the cell's appenders
   * @throws SQLException if the server refuses
   * @throws IllegalArgumentException if the schema's name is not one
   */
  JdbcTarget(TestDatabase db, String schema, int appenders) throws SQLException {
    if (!SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "schema '" + schema + "' must be 1 to 63 lower-case letters, digits or underscores");
    }
    this.db = db;
    this.table = schema + ".ledger_record";
    try (Connection c = db.connect("hwledger-bench-jdbc");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
      s.execute(
          "CREATE TABLE "
              + table
              + " (seq bigint PRIMARY KEY CHECK (seq >= 0), leaf_hash bytea NOT NULL CHECK"
              + " (octet_length(leaf_hash) = 32), body bytea NOT NULL)");
    }
    try {
      for (int i = 0; i < appenders; i++) {
        Connection c = db.connect("hwledger-bench-jdbc");
        connections.add(c);
        c.setAutoCommit(true);
        inserts.add(
            c.prepareStatement(
                "INSERT INTO " + table + " (seq, leaf_hash, body) VALUES (?, ?, ?)"));
      }
    } catch (SQLException e) {
      closeConnections();
      throw e;
    }
  }

  @Override
  public void append(int appender, LedgerEvent event) throws SQLException {
    RecordChain.Sealed row = RecordChain.empty().seal(event, clock.instant());
    PreparedStatement insert = inserts.get(appender);
    insert.setLong(1, nextSeq.getAndIncrement());
    insert.setBytes(2, row.hash());
    insert.setBytes(3, row.body());
    insert.executeUpdate();
  }

  @Override
  public long closeAndCount() throws SQLException {
    closeConnections();
    try (Connection c = db.connect("hwledger-bench-jdbc");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*), coalesce(max(seq) + 1, 0) FROM " + table)) {
      r.next();
      if (r.getLong(1) != r.getLong(2)) {
        throw new IllegalStateException(
            table + " holds " + r.getLong(1) + " rows but rows up to seq " + (r.getLong(2) - 1));
      }
      return r.getLong(1);
    }
  }

  private void closeConnections() throws SQLException {
    SQLException first = null;
    for (Connection c : connections) {
      try {
        c.close();
      } catch (SQLException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    connections.clear();
    inserts.clear();
    if (first != null) {
      throw first;
    }
  }
}
