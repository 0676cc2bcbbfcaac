package io.hwledger.ledger.postgres;

import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.RecordChain;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.ledger.Verification;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.LongConsumer;

/**
 * Verifies a PostgreSQL ledger from its bytes in one pass and constant memory: the records in
 * sequence order are re-sealed on a fresh {@link RecordChain} (which checks each hash, sequence
 * number and link), and the stored tree nodes, read in the order a writer completes them, are
 * compared with the nodes the records give.
 */
final class PostgresVerifier {
  private static final int FETCH = 512;
  private static final long PROGRESS_EVERY = 4096;

  private PostgresVerifier() {}

  /** Runs inside the caller's transaction, which fixes the snapshot. */
  static Verification verify(Connection c, Sql sql, LongConsumer progress) throws SQLException {
    RecordChain chain = RecordChain.empty();
    try (PreparedStatement recordQuery = c.prepareStatement(sql.records);
        PreparedStatement nodeQuery = c.prepareStatement(sql.nodesInCompletionOrder)) {
      recordQuery.setFetchSize(FETCH);
      recordQuery.setLong(1, 0);
      recordQuery.setLong(2, Long.MAX_VALUE);
      nodeQuery.setFetchSize(FETCH);
      try (ResultSet records = recordQuery.executeQuery();
          ResultSet nodes = nodeQuery.executeQuery()) {
        boolean nodeWaiting = nodes.next();
        long expected = 0;
        while (records.next()) {
          long seq = records.getLong(1);
          if (seq != expected) {
            return Verification.bad(expected, chain.root(), "record " + expected + " is missing");
          }
          RecordChain before = chain.copy();
          RecordChain.Sealed sealed;
          try {
            byte[] body = records.getBytes(3);
            RecordedEvent e = RecordChain.open(body, records.getBytes(2));
            if (e.seq() != seq) {
              return Verification.bad(
                  seq, chain.root(), "record " + seq + " holds the bytes of record " + e.seq());
            }
            if (!MessageDigest.isEqual(RecordChain.linkOf(body), chain.lastHash())) {
              return Verification.bad(
                  seq,
                  chain.root(),
                  seq == 0
                      ? "record 0 does not link to the genesis hash"
                      : "record "
                          + seq
                          + " does not link to record "
                          + (seq - 1)
                          + ": one of them was changed or replaced");
            }
            sealed = chain.sealCopy(e);
          } catch (LedgerException e) {
            return Verification.bad(seq, chain.root(), e.getMessage());
          }
          for (RecordChain.TreeNode n : sealed.nodes()) {
            if (n.level() == 0) {
              continue;
            }
            String where = "tree node " + n.level() + "/" + n.index();
            if (!nodeWaiting || nodes.getInt(1) != n.level() || nodes.getLong(2) != n.index()) {
              return Verification.bad(seq, before.root(), where + " is missing");
            }
            if (!MessageDigest.isEqual(nodes.getBytes(3), n.hash())) {
              return Verification.bad(seq, before.root(), where + " differs from the records");
            }
            nodeWaiting = nodes.next();
          }
          expected++;
          if (expected % PROGRESS_EVERY == 0) {
            progress.accept(expected);
          }
        }
        if (nodeWaiting) {
          return Verification.bad(
              expected,
              chain.root(),
              "tree node " + nodes.getInt(1) + "/" + nodes.getLong(2) + " lies beyond the records");
        }
        progress.accept(expected);
        return Verification.good(expected, chain.root());
      }
    }
  }
}
