package io.hwledger.ledger.postgres;

import io.hwledger.ledger.HashStore;
import io.hwledger.ledger.LedgerException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The stored Merkle tree of the first {@code size} records, read node by node through one
 * connection: leaves from {@code ledger_record}, higher levels from {@code ledger_node}. Roots and
 * proofs read O(log n) nodes.
 */
final class SqlTree implements HashStore {
  private final Connection connection;
  private final Sql sql;
  private final long size;
  private final String location;

  SqlTree(Connection connection, Sql sql, long size, String location) {
    this.connection = connection;
    this.sql = sql;
    this.size = size;
    this.location = location;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public byte[] node(int level, long index) {
    try (PreparedStatement s = connection.prepareStatement(level == 0 ? sql.leafHash : sql.node)) {
      if (level == 0) {
        s.setLong(1, index);
      } else {
        s.setInt(1, level);
        s.setLong(2, index);
      }
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new LedgerException(
              (level == 0 ? "record " + index : "tree node " + level + "/" + index)
                  + " is missing from "
                  + location
                  + "; run verify");
        }
        return r.getBytes(1);
      }
    } catch (SQLException e) {
      throw Failures.of("reading the tree of " + location, e);
    }
  }
}
