package io.hwledger.ledger.postgres;

import io.hwledger.ledger.LedgerException;
import java.sql.SQLException;

/** One-line ledger errors from database errors, with the SQL state; never a credential. */
final class Failures {
  private Failures() {}

  static LedgerException of(String doing, SQLException e) {
    String state = e.getSQLState();
    return new LedgerException(
        doing
            + " failed: "
            + firstLine(e.getMessage())
            + (state == null ? "" : " (SQL state " + state + ")"),
        e);
  }

  static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
