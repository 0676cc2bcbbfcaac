package io.hwledger.ledger.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.hwledger.ledger.AppendResult;
import io.hwledger.ledger.Checkpoint;
import io.hwledger.ledger.ConsistencyProof;
import io.hwledger.ledger.InclusionProof;
import io.hwledger.ledger.LedgerArguments;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerHeldException;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.MerkleTree;
import io.hwledger.ledger.NoteSigner;
import io.hwledger.ledger.RecordChain;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.ledger.Verification;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * A ledger held in PostgreSQL: the same records, leaf hashes, roots, proofs and checkpoints as the
 * embedded {@link io.hwledger.ledger.Ledger}, byte for byte (ADR 0021). The tables live in one
 * schema ({@link PostgresSettings#schema()}), created by Flyway migrations when a writer first
 * opens it; the database refuses updates and deletes of them.
 *
 * <p>One writer at a time: {@link #open} takes a session-level advisory lock on a dedicated
 * connection and commits every batch through that session, checking inside each transaction that it
 * still holds the lock; a writer that loses it stops. Reads, roots and proofs go through a small
 * pool (HikariCP) and see acknowledged records only. A store opened with {@link #openReadOnly} is a
 * snapshot of the records committed when it opened.
 *
 * <p>On a hot standby (a streaming replica in recovery) {@link #openReadOnly}, {@link #verify} and
 * {@link PostgresFollower} see the primary's ledger as far as the standby has replayed it, always a
 * prefix of the primary's; {@link #open} is refused there, since nothing can be written.
 */
public final class PostgresLedgerStore implements LedgerStore {

  /** Where the migrations are: a resource folder whose name is no Java package. */
  private static final String MIGRATIONS = "classpath:db/hwledger-ledger-postgres";

  /** Records fetched per round trip while streaming. */
  private static final int FETCH = 512;

  private final PostgresSettings settings;
  private final Sql sql;
  private final HikariDataSource pool;
  private final PostgresWriter writer;

  /** A read-only store's records: those committed when it opened or last refreshed. */
  private volatile long snapshotSize;

  private PostgresLedgerStore(
      PostgresSettings settings, HikariDataSource pool, PostgresWriter writer, long snapshotSize) {
    this.settings = settings;
    this.sql = new Sql(settings.schema());
    this.pool = pool;
    this.writer = writer;
    this.snapshotSize = snapshotSize;
  }

  /**
   * Opens the ledger for writing, creating its schema and tables when needed.
   *
   * @param settings where the ledger is and how to connect
   * @param options the clock, the durability (fsync each batch: {@code synchronous_commit} on;
   *     OS-buffered: off) and the largest batch; the segment size is not used
   * @return the store, holding the writer's lock until closed
   * @throws LedgerHeldException if another writer holds the lock (naming its server process)
   * @throws LedgerException if the database cannot be reached, is a hot standby (a replica in
   *     recovery, where nothing can be written), or the migrations fail
   */
  public static PostgresLedgerStore open(PostgresSettings settings, LedgerOptions options) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(options, "options");
    Sql sql = new Sql(settings.schema());
    AdvisoryLock lock = new AdvisoryLock(settings.schema());
    Connection session = null;
    HikariDataSource pool = null;
    try {
      session = connect(settings, "hwledger-writer");
      // Checked first: on a standby the advisory lock is the standby's own and Flyway finds
      // nothing to migrate, so the writer would open and stop at its first append.
      if (inRecovery(session)) {
        throw new LedgerException(
            "opening ledger "
                + settings.location()
                + " failed: the server is a hot standby (in recovery, read-only); open the writer"
                + " on the primary, or this ledger read-only");
      }
      if (!lock.tryAcquire(session)) {
        throw new LedgerHeldException(
            "ledger "
                + settings.location()
                + " is held by another writer ("
                + lock.holder(session)
                + ")");
      }
      migrate(settings);
      pool = pool(settings);
      RecordChain chain;
      try (Connection c = pool.getConnection()) {
        long size = headSize(c, sql);
        chain = RecordChain.resume(new SqlTree(c, sql, size, settings.location()), size);
      }
      PostgresWriter writer =
          new PostgresWriter(session, lock, sql, chain, options, settings.location());
      return new PostgresLedgerStore(settings, pool, writer, 0);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(session);
      if (pool != null) {
        pool.close();
      }
      throw opening(settings, e);
    }
  }

  /**
   * Opens the ledger for reading only: a snapshot of the records committed when it opened (see
   * {@link #refresh()}). Takes no lock and changes nothing.
   *
   * @param settings where the ledger is and how to connect
   * @return the store; appends fail
   * @throws LedgerException if the schema holds no ledger or the database cannot be reached
   */
  public static PostgresLedgerStore openReadOnly(PostgresSettings settings) {
    Objects.requireNonNull(settings, "settings");
    Sql sql = new Sql(settings.schema());
    HikariDataSource pool = pool(settings);
    try (Connection c = pool.getConnection()) {
      requireLedger(c, sql, settings);
      return new PostgresLedgerStore(settings, pool, null, headSize(c, sql));
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw opening(settings, e);
    }
  }

  /**
   * Verifies every record from its bytes: each record's hash, sequence number and link to the one
   * before, and every stored tree node against the nodes the records give, streaming in constant
   * memory. Takes no lock; while a writer appends, it checks what was committed when it began.
   *
   * @param settings where the ledger is and how to connect
   * @param progress receives the number of records verified so far, now and then
   * @return ok with the size and root, or the first bad record and why
   * @throws LedgerException if the schema holds no ledger or the database cannot be reached
   */
  public static Verification verify(PostgresSettings settings, LongConsumer progress) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(progress, "progress");
    Sql sql = new Sql(settings.schema());
    try (Connection c = connect(settings, "hwledger-verify")) {
      requireLedger(c, sql, settings);
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // one snapshot
      Verification v = PostgresVerifier.verify(c, sql, progress);
      c.rollback();
      return v;
    } catch (SQLException e) {
      throw Failures.of("verifying ledger " + settings.location(), e);
    }
  }

  /**
   * Moves a read-only store's snapshot to the records committed now; a writer's store is always
   * current.
   *
   * @return the size now
   * @throws LedgerException if the database cannot be reached
   */
  public long refresh() {
    if (writer == null) {
      try (Connection c = pool.getConnection()) {
        snapshotSize = headSize(c, sql);
      } catch (SQLException e) {
        throw Failures.of("reading ledger " + location(), e);
      }
    }
    return size();
  }

  @Override
  public CompletableFuture<AppendResult> appendAsync(LedgerEvent event) {
    Objects.requireNonNull(event, "event");
    if (writer == null) {
      return CompletableFuture.failedFuture(readOnly());
    }
    return writer.append(event);
  }

  @Override
  public CompletableFuture<AppendResult> appendCopyAsync(RecordedEvent record) {
    Objects.requireNonNull(record, "record");
    if (writer == null) {
      return CompletableFuture.failedFuture(readOnly());
    }
    return writer.appendCopy(record);
  }

  @Override
  public boolean writerStopped() {
    return writer != null && writer.stopped();
  }

  @Override
  public long size() {
    return writer == null ? snapshotSize : writer.head().size();
  }

  @Override
  public byte[] root() {
    return head().root().clone();
  }

  @Override
  public byte[] root(long size) {
    LedgerArguments.checkTreeSize(size, size());
    return withTree(size, tree -> MerkleTree.root(tree, size));
  }

  @Override
  public byte[] leafHash(long seq) {
    long current = size();
    LedgerArguments.checkRecord(seq, current);
    return withTree(current, tree -> tree.node(0, seq).clone());
  }

  @Override
  public InclusionProof inclusionProof(long seq, long size) {
    LedgerArguments.checkInclusion(seq, size, size());
    return withTree(size, tree -> MerkleTree.inclusionProof(tree, seq, size));
  }

  @Override
  public ConsistencyProof consistencyProof(long oldSize, long newSize) {
    LedgerArguments.checkConsistency(oldSize, newSize, size());
    return withTree(newSize, tree -> MerkleTree.consistencyProof(tree, oldSize, newSize));
  }

  @Override
  public String checkpoint(String origin, NoteSigner signer) {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(signer, "signer");
    PostgresWriter.Head now = head();
    return signer.sign(new Checkpoint(origin, now.size(), now.root(), List.of()).body());
  }

  @Override
  public void forEach(long from, long limit, Consumer<RecordedEvent> visitor) {
    long to = LedgerArguments.readEnd(from, limit, size());
    Objects.requireNonNull(visitor, "visitor");
    if (from >= to) {
      return;
    }
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false); // the driver streams with a cursor only inside a transaction
      try (PreparedStatement s = c.prepareStatement(sql.records)) {
        s.setFetchSize(FETCH);
        s.setLong(1, from);
        s.setLong(2, to);
        long expected = from;
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            long seq = r.getLong(1);
            if (seq != expected) {
              throw missing(expected);
            }
            RecordedEvent e = RecordChain.open(r.getBytes(3), r.getBytes(2));
            if (e.seq() != seq) {
              throw new LedgerException(
                  "record " + seq + " of " + location() + " holds the bytes of record " + e.seq());
            }
            visitor.accept(e);
            expected++;
          }
        }
        if (expected < to) {
          throw missing(expected);
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw Failures.of("reading ledger " + location(), e);
    }
  }

  @Override
  public String location() {
    return settings.location();
  }

  /**
   * The channel on which the writer notifies each commit ({@code LISTEN} to it), with the new size
   * as payload.
   *
   * @return the channel's name
   */
  public String notifyChannel() {
    return sql.channel;
  }

  @Override
  public void close() {
    try {
      if (writer != null) {
        writer.close();
      }
    } finally {
      pool.close();
    }
  }

  @Override
  public String toString() {
    return "PostgresLedgerStore[" + location() + ", " + size() + " records]";
  }

  /**
   * The acknowledged size and root: the writer keeps its root in memory; a read-only store computes
   * it from the stored tree when asked (a follower woken by every commit never needs it).
   */
  private PostgresWriter.Head head() {
    if (writer != null) {
      return writer.head();
    }
    long size = snapshotSize;
    return new PostgresWriter.Head(size, withTree(size, tree -> MerkleTree.root(tree, size)));
  }

  private interface TreeRead<T> {
    T read(SqlTree tree);
  }

  private <T> T withTree(long size, TreeRead<T> read) {
    try (Connection c = pool.getConnection()) {
      return read.read(new SqlTree(c, sql, size, location()));
    } catch (SQLException e) {
      throw Failures.of("reading the tree of " + location(), e);
    }
  }

  private LedgerException missing(long seq) {
    return new LedgerException("record " + seq + " is missing from " + location() + "; run verify");
  }

  private LedgerException readOnly() {
    return new LedgerException("ledger " + location() + " is open read-only");
  }

  static Connection connect(PostgresSettings settings, String application) throws SQLException {
    return DriverManager.getConnection(settings.url(), properties(settings, application));
  }

  private static Properties properties(PostgresSettings settings, String application) {
    Properties p = new Properties();
    if (settings.user() != null) {
      p.setProperty("user", settings.user());
    }
    if (settings.password() != null) {
      p.setProperty("password", settings.password());
    }
    p.setProperty("ApplicationName", application);
    p.setProperty("reWriteBatchedInserts", "true");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("connectTimeout", "10");
    // a reply that never comes (a partition) fails the call after 60 s instead of hanging it
    p.setProperty("socketTimeout", "60");
    return p;
  }

  private static HikariDataSource pool(PostgresSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.url());
    config.setDataSourceProperties(properties(settings, "hwledger-reader"));
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(1);
    config.setPoolName("hwledger-" + settings.schema());
    // one try to connect at once, so an unreachable database fails now with the driver's reason
    config.setInitializationFailTimeout(1);
    config.setConnectionTimeout(10_000);
    try {
      return new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      if (e.getCause() instanceof SQLException s) {
        throw Failures.of("opening ledger " + settings.location(), s);
      }
      throw new LedgerException(
          "opening ledger "
              + settings.location()
              + " failed: "
              + Failures.firstLine(e.getMessage()),
          e);
    }
  }

  private static void migrate(PostgresSettings settings) {
    try {
      Flyway.configure(PostgresLedgerStore.class.getClassLoader())
          .dataSource(settings.url(), settings.user(), settings.password())
          .schemas(settings.schema())
          .createSchemas(true)
          .locations(MIGRATIONS)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new LedgerException(
          "migrating ledger "
              + settings.location()
              + " failed: "
              + Failures.firstLine(e.getMessage()),
          e);
    }
  }

  /**
   * Whether {@code c}'s server is in recovery: a hot standby replaying a primary's WAL, which
   * answers reads but refuses every write, {@code LISTEN} included.
   */
  static boolean inRecovery(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_is_in_recovery()");
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getBoolean(1);
    }
  }

  private static void requireLedger(Connection c, Sql sql, PostgresSettings settings)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql.tablesExist);
        ResultSet r = s.executeQuery()) {
      r.next();
      if (!r.getBoolean(1)) {
        throw new LedgerException("no ledger at " + settings.location());
      }
    }
  }

  private static long headSize(Connection c, Sql sql) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql.head);
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  private static RuntimeException opening(PostgresSettings settings, Exception e) {
    return e instanceof SQLException s
        ? Failures.of("opening ledger " + settings.location(), s)
        : (RuntimeException) e;
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // the failure that brought us here is the one to report
      }
    }
  }
}
