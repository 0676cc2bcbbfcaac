package io.hwledger.bench;

import io.hwledger.ledger.AppendResult;
import io.hwledger.ledger.Durability;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Durable append throughput of the ledger ({@link Ledger#append} with {@link
 * Durability#FSYNC_EACH_BATCH}, group-committed by its writer thread) with 1, 8 and 32 concurrent
 * appenders, against SQLite at the same durability in the same run.
 *
 * <p>Baseline: xerial sqlite-jdbc, {@code journal_mode=WAL}, {@code synchronous=FULL}, one row per
 * event with its sequence number, timestamp, type, schema version, payload, previous hash and its
 * own SHA-256 hash, computed exactly as the ledger computes a record hash (SHA-256 of {@code 0x00}
 * and the ledger's record body, chained to the previous row's hash). Every insert is its own
 * transaction on one connection guarded by a lock, as an application would share it; SQLite has no
 * group commit across threads, so each append pays its own WAL fsync. In both stores an append
 * returns only when its event is durable.
 *
 * <p>Events are ~150-byte telemetry samples ({@link LedgerFixtures#telemetryJson}), canonicalised
 * once in setup. Each trial writes to a fresh temporary directory, deleted afterwards.
 *
 * <p>Target (issue 3): the ledger at least 5× SQLite's rate. Run: {@code ./mvnw -B -q -pl
 * benchmarks -am package -DskipTests && java -jar benchmarks/target/benchmarks.jar
 * LedgerAppendBenchmark -f 1 -wi 2 -w 1 -i 5 -r 2}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 2)
public class LedgerAppendBenchmark {

  /** One ledger per trial, fsync per group-committed batch (the default). */
  @State(Scope.Benchmark)
  public static class LedgerStore {
    Path dir;
    Ledger ledger;

    /** Opens a new ledger in a fresh temporary directory. */
    @Setup(Level.Trial)
    public void open() {
      dir = LedgerFixtures.tempDir("hwledger-bench-append-");
      ledger =
          Ledger.open(
              dir.resolve("ledger"),
              LedgerOptions.defaults().withDurability(Durability.FSYNC_EACH_BATCH));
    }

    /** Closes the ledger and deletes its directory. */
    @TearDown(Level.Trial)
    public void close() {
      try {
        if (ledger != null) {
          System.out.printf(Locale.ROOT, "%n  ledger: %,d events appended%n", ledger.size());
          ledger.close();
        }
      } finally {
        LedgerFixtures.deleteTree(dir);
      }
    }
  }

  /**
   * One SQLite database per trial, one connection shared by all appenders under a lock, each insert
   * committed (and the WAL fsynced) on its own.
   */
  @State(Scope.Benchmark)
  public static class SqliteStore {
    private static final byte[] GENESIS =
        sha256("hwledger genesis v1".getBytes(StandardCharsets.US_ASCII));

    private final ReentrantLock lock = new ReentrantLock();
    private final Clock clock = Clock.systemUTC();
    Path dir;
    Connection connection;
    PreparedStatement insert;
    MessageDigest digest;
    long nextSeq;
    byte[] lastHash;

    /** Creates the database in a fresh temporary directory and checks the pragmas took. */
    @Setup(Level.Trial)
    public void open() throws SQLException, NoSuchAlgorithmException {
      dir = LedgerFixtures.tempDir("hwledger-bench-sqlite-");
      connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("events.db"));
      try (Statement s = connection.createStatement()) {
        expect(s, "PRAGMA journal_mode=WAL", "wal");
        s.execute("PRAGMA synchronous=FULL");
        expect(s, "PRAGMA synchronous", "2");
        s.execute(
            "CREATE TABLE events (seq INTEGER PRIMARY KEY, time_us INTEGER NOT NULL,"
                + " type TEXT NOT NULL, schema_version INTEGER NOT NULL, payload BLOB NOT NULL,"
                + " prev_hash BLOB NOT NULL, hash BLOB NOT NULL)");
      }
      connection.setAutoCommit(true);
      insert =
          connection.prepareStatement(
              "INSERT INTO events (seq, time_us, type, schema_version, payload, prev_hash, hash)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?)");
      digest = MessageDigest.getInstance("SHA-256");
      lock.lock();
      try {
        nextSeq = 0;
        lastHash = GENESIS;
      } finally {
        lock.unlock();
      }
    }

    /**
     * Appends one event as one durable transaction and returns its hash, chained like a ledger
     * record: {@code SHA-256(0x00 ‖ body)} over the ledger's body encoding, which embeds the
     * previous row's hash.
     */
    byte[] append(LedgerEvent event) throws SQLException {
      lock.lock();
      try {
        long seq = nextSeq;
        Instant now = clock.instant();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        byte[] payload = event.payload();
        byte[] body = body(seq, micros, event.type(), event.schemaVersion(), payload, lastHash);
        digest.reset();
        digest.update((byte) 0);
        digest.update(body);
        byte[] hash = digest.digest();
        insert.setLong(1, seq);
        insert.setLong(2, micros);
        insert.setString(3, event.type());
        insert.setInt(4, event.schemaVersion());
        insert.setBytes(5, payload);
        insert.setBytes(6, lastHash);
        insert.setBytes(7, hash);
        insert.executeUpdate();
        nextSeq = seq + 1;
        lastHash = hash;
        return hash;
      } finally {
        lock.unlock();
      }
    }

    /** Checks the row count, closes the database and deletes its directory. */
    @TearDown(Level.Trial)
    public void close() throws SQLException {
      try {
        if (connection != null) {
          try (Statement s = connection.createStatement();
              ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            if (rs.getLong(1) != nextSeq) {
              throw new IllegalStateException(
                  "SQLite holds " + rs.getLong(1) + " rows, expected " + nextSeq);
            }
          }
          System.out.printf(Locale.ROOT, "%n  sqlite: %,d rows inserted%n", nextSeq);
          insert.close();
          connection.close();
        }
      } finally {
        LedgerFixtures.deleteTree(dir);
      }
    }

    private static void expect(Statement s, String sql, String value) throws SQLException {
      try (ResultSet rs = s.executeQuery(sql)) {
        if (!rs.next() || !value.equalsIgnoreCase(rs.getString(1))) {
          throw new IllegalStateException(sql + " did not give " + value);
        }
      }
    }

    /** The ledger's record body (see the ledger's RecordCodec): same bytes, same hashing work. */
    private static byte[] body(
        long seq, long micros, String type, int schemaVersion, byte[] payload, byte[] prev) {
      byte[] typeBytes = type.getBytes(StandardCharsets.UTF_8);
      ByteBuffer b =
          ByteBuffer.allocate(1 + 8 + 8 + 2 + typeBytes.length + 4 + 4 + payload.length + 32);
      b.put((byte) 1);
      b.putLong(seq);
      b.putLong(micros);
      b.putShort((short) typeBytes.length);
      b.put(typeBytes);
      b.putInt(schemaVersion);
      b.putInt(payload.length);
      b.put(payload);
      b.put(prev);
      return b.array();
    }

    private static byte[] sha256(byte[] data) {
      try {
        return MessageDigest.getInstance("SHA-256").digest(data);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no SHA-256", e);
      }
    }
  }

  /** Each appender's own ring of telemetry events, with values that differ between threads. */
  @State(Scope.Thread)
  public static class Events {
    LedgerEvent[] ring;
    int next;

    /** Canonicalises this thread's events once. */
    @Setup(Level.Trial)
    public void build(ThreadParams thread) {
      ring = LedgerFixtures.eventRing(thread.getThreadIndex());
    }

    LedgerEvent next() {
      return ring[next++ & LedgerFixtures.MASK];
    }
  }

  /** One appender: every append waits for its own fsync. */
  @Benchmark
  @Threads(1)
  public AppendResult ledger_threads01(LedgerStore store, Events events) {
    return store.ledger.append(events.next());
  }

  /** Eight concurrent appenders, group-committed. */
  @Benchmark
  @Threads(8)
  public AppendResult ledger_threads08(LedgerStore store, Events events) {
    return store.ledger.append(events.next());
  }

  /** 32 concurrent appenders, group-committed. */
  @Benchmark
  @Threads(32)
  public AppendResult ledger_threads32(LedgerStore store, Events events) {
    return store.ledger.append(events.next());
  }

  /** Baseline: SQLite, one appender. */
  @Benchmark
  @Threads(1)
  public byte[] baseline_sqlite_threads01(SqliteStore store, Events events) throws SQLException {
    return store.append(events.next());
  }

  /** Baseline: SQLite, eight appenders sharing the locked connection. */
  @Benchmark
  @Threads(8)
  public byte[] baseline_sqlite_threads08(SqliteStore store, Events events) throws SQLException {
    return store.append(events.next());
  }

  /** Baseline: SQLite, 32 appenders sharing the locked connection. */
  @Benchmark
  @Threads(32)
  public byte[] baseline_sqlite_threads32(SqliteStore store, Events events) throws SQLException {
    return store.append(events.next());
  }
}
