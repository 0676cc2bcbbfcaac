package io.hwledger.ledger.postgres;

import io.hwledger.ledger.AppendResult;
import io.hwledger.ledger.Durability;
import io.hwledger.ledger.GroupCommit;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.RecordChain;
import io.hwledger.ledger.RecordedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a PostgreSQL ledger. It owns the session that holds the {@link AdvisoryLock};
 * its {@link GroupCommit} thread takes every waiting append, seals the batch on a copy of the
 * {@link RecordChain}, and commits the records and the tree nodes they complete in one call of
 * {@code ledger_append} on that session, which first checks, inside its transaction, that the
 * session still holds the lock. Only a committed batch moves the chain and completes its appends. A
 * failed batch stops the writer for good (fail-stop) and ends the session: whether a commit whose
 * answer was lost took effect is unknown until the ledger is reopened.
 */
final class PostgresWriter {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresWriter.class);

  /** The writer's chain after the last committed batch, with its root. */
  record Head(long size, byte[] root) {}

  private record Pending(
      LedgerEvent event, RecordedEvent copy, CompletableFuture<AppendResult> done)
      implements GroupCommit.Append {}

  private final Connection session;
  private final AdvisoryLock lock;
  private final Sql sql;
  private final LedgerOptions options;
  private final String location;
  private final GroupCommit<Pending> writer;
  private RecordChain chain;
  private volatile Head head;

  PostgresWriter(
      Connection session,
      AdvisoryLock lock,
      Sql sql,
      RecordChain chain,
      LedgerOptions options,
      String location)
      throws SQLException {
    this.session = session;
    this.lock = lock;
    this.sql = sql;
    this.chain = chain;
    this.options = options;
    this.location = location;
    this.head = new Head(chain.size(), chain.root());
    try (Statement s = session.createStatement()) {
      // Durable appends wait for the WAL flush (and for synchronous standbys, if configured).
      s.execute(
          "SET synchronous_commit TO "
              + (options.durability() == Durability.FSYNC_EACH_BATCH ? "on" : "off"));
      // A writer whose host vanishes must not keep the lock: the server probes the session's
      // peer after 10 s idle (3 probes 3 s apart), so a standby can take over in about 20 s
      // instead of waiting for the operating system's 2-hour default.
      s.execute("SET tcp_keepalives_idle TO 10");
      s.execute("SET tcp_keepalives_interval TO 3");
      s.execute("SET tcp_keepalives_count TO 3");
    }
    this.writer = new GroupCommit<>(location, options.maxBatch(), this::commit, this::stopped);
  }

  /** The acknowledged size and root. */
  /** Whether the writer stopped after a failed commit or a lost lock. */
  boolean stopped() {
    return writer.stopped();
  }

  Head head() {
    return head;
  }

  CompletableFuture<AppendResult> append(LedgerEvent event) {
    return writer.submit(new Pending(event, null, new CompletableFuture<>()));
  }

  CompletableFuture<AppendResult> appendCopy(RecordedEvent copy) {
    return writer.submit(new Pending(null, copy, new CompletableFuture<>()));
  }

  /** Seals and commits one batch ({@link GroupCommit}); throws to stop the writer for good. */
  private void commit(List<Pending> batch) throws SQLException {
    RecordChain next = chain.copy();
    List<RecordChain.Sealed> sealed = new ArrayList<>(batch.size());
    List<Pending> accepted = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      try {
        sealed.add(
            p.copy == null ? next.seal(p.event, options.clock().instant()) : next.sealCopy(p.copy));
        accepted.add(p);
      } catch (LedgerException e) {
        p.done.completeExceptionally(e);
      }
    }
    if (accepted.isEmpty()) {
      return;
    }
    try {
      write(sealed);
    } catch (SQLException | RuntimeException e) {
      LOG.error("ledger {} stopped: a batch did not commit: {}", location, oneLine(e));
      closeQuietly(); // ends the session, and with it the lock
      throw e;
    }
    chain = next;
    head = new Head(next.size(), next.root());
    for (int i = 0; i < accepted.size(); i++) {
      RecordChain.Sealed s = sealed.get(i);
      accepted.get(i).done.complete(new AppendResult(s.seq(), s.hash()));
    }
  }

  /** Commits a batch in one call of {@code ledger_append}, which checks the lock first. */
  private void write(List<RecordChain.Sealed> sealed) throws SQLException {
    int n = sealed.size();
    Long[] seqs = new Long[n];
    byte[][] hashes = new byte[n][];
    byte[][] bodies = new byte[n][];
    List<RecordChain.TreeNode> above = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RecordChain.Sealed s = sealed.get(i);
      seqs[i] = s.seq();
      hashes[i] = s.hash();
      bodies[i] = s.body();
      s.nodes().stream().filter(node -> node.level() > 0).forEach(above::add);
    }
    Short[] levels = new Short[above.size()];
    Long[] indexes = new Long[above.size()];
    byte[][] nodes = new byte[above.size()][];
    for (int i = 0; i < above.size(); i++) {
      levels[i] = (short) above.get(i).level();
      indexes[i] = above.get(i).index();
      nodes[i] = above.get(i).hash();
    }
    try (PreparedStatement append = session.prepareStatement(sql.append)) {
      append.setInt(1, AdvisoryLock.CLASS_ID);
      append.setInt(2, lock.objectId());
      append.setString(3, sql.channel);
      append.setArray(4, session.createArrayOf("bigint", seqs));
      append.setArray(5, session.createArrayOf("bytea", hashes));
      append.setArray(6, session.createArrayOf("bytea", bodies));
      append.setArray(7, session.createArrayOf("smallint", levels));
      append.setArray(8, session.createArrayOf("bigint", indexes));
      append.setArray(9, session.createArrayOf("bytea", nodes));
      append.execute();
    }
  }

  private LedgerException stopped(Throwable cause) {
    return new LedgerException(
        "ledger "
            + location
            + " stopped after a batch failed ("
            + oneLine(cause)
            + "); reopen it to see what was recorded",
        cause);
  }

  private static String oneLine(Throwable e) {
    return e instanceof SQLException sql
        ? Failures.of("the commit", sql).getMessage()
        : Failures.firstLine(e.getMessage());
  }

  /** Completes every queued append, then ends the session, which releases the lock. */
  void close() {
    writer.close();
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      session.close();
    } catch (SQLException e) {
      LOG.debug("closing the writer's session of {} failed: {}", location, e.toString());
    }
  }
}
