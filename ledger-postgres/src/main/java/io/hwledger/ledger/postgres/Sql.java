package io.hwledger.ledger.postgres;

/**
 * The statements of one ledger's schema. The schema name is checked by {@link PostgresSettings}
 * (lower-case letters, digits, underscores) before it is quoted into them; every value is a bind
 * parameter.
 */
final class Sql {
  final String append;
  final String head;
  final String leafHash;
  final String node;
  final String records;
  final String nodesInCompletionOrder;
  final String tablesExist;

  /** The channel writers notify after each commit, with the new size as payload. */
  final String channel;

  Sql(String schema) {
    String q = '"' + schema + '"';
    String record = q + ".ledger_record";
    String nodes = q + ".ledger_node";
    append = "SELECT " + q + ".ledger_append(?, ?, ?, ?, ?, ?, ?, ?, ?)";
    head = "SELECT coalesce(max(seq) + 1, 0) FROM " + record;
    leafHash = "SELECT leaf_hash FROM " + record + " WHERE seq = ?";
    node = "SELECT hash FROM " + nodes + " WHERE level = ? AND idx = ?";
    records =
        "SELECT seq, leaf_hash, body FROM " + record + " WHERE seq >= ? AND seq < ? ORDER BY seq";
    // Node (level, idx) is completed by leaf (idx + 1) * 2^level - 1: the order a writer makes
    // them.
    nodesInCompletionOrder =
        "SELECT level, idx, hash FROM "
            + nodes
            + " ORDER BY (idx + 1) * (1::bigint << level), level";
    tablesExist = "SELECT to_regclass('" + record + "') IS NOT NULL";
    channel = "hwledger_" + schema;
  }
}
