package io.hwledger.ledger.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.zip.CRC32C;

/**
 * The single writer's claim on a ledger: a session-level PostgreSQL advisory lock keyed by the
 * ledger's schema. It lives as long as the session that took it, so a writer whose connection is
 * lost has lost it, and its statements fail with the connection; every batch checks the claim
 * inside its own transaction as well ({@code ledger_append}).
 */
final class AdvisoryLock {
  /** The first key of every hwLedger lock: {@code "hwld"} in ASCII. */
  static final int CLASS_ID = 0x68776c64;

  private final int objectId;

  AdvisoryLock(String schema) {
    CRC32C crc = new CRC32C();
    crc.update(schema.getBytes(StandardCharsets.UTF_8));
    this.objectId = (int) crc.getValue();
  }

  /** Takes the lock for {@code session} if no other session holds it; never waits. */
  boolean tryAcquire(Connection session) throws SQLException {
    try (PreparedStatement s = session.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
      s.setInt(1, CLASS_ID);
      s.setInt(2, objectId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getBoolean(1);
      }
    }
  }

  /** The lock's second key, from the schema's name. */
  int objectId() {
    return objectId;
  }

  /** Who holds the lock, for a message: process id and application name, or "nobody". */
  String holder(Connection any) throws SQLException {
    try (PreparedStatement s =
        any.prepareStatement(
            "SELECT l.pid, a.application_name, a.client_addr FROM pg_locks l"
                + " LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'"
                + " AND l.classid = ?::int::oid AND l.objid = ?::int::oid AND l.objsubid = 2"
                + " AND l.granted")) {
      bind(s);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return "nobody";
        }
        String app = r.getString(2);
        String addr = r.getString(3);
        return "server process "
            + r.getInt(1)
            + (app == null || app.isEmpty() ? "" : ", application " + app)
            + (addr == null ? "" : ", client " + addr);
      }
    }
  }

  private void bind(PreparedStatement s) throws SQLException {
    s.setInt(1, CLASS_ID);
    s.setInt(2, objectId);
  }
}
