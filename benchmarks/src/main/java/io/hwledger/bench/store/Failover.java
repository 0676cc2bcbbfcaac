package io.hwledger.bench.store;

import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.postgres.PostgresLedgerStore;
import io.hwledger.ledger.postgres.PostgresSettings;
import io.hwledger.testpostgres.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One failover of the PostgreSQL store: a {@link FailoverWriter} in a child JVM appends from a few
 * threads; a standby in this JVM retries {@link PostgresLedgerStore#open} every {@value
 * #RETRY_MILLIS} ms (refused while the child holds the writer's lock); the child is killed with
 * SIGKILL ({@link Process#destroyForcibly()} on Linux), its session ends, the lock is released, and
 * the standby's next try opens the ledger and appends. Measured from just before the kill: when the
 * standby's successful {@code open} began and returned, and when its first append was acknowledged.
 * Then every append the child acknowledged (printed) must be in the ledger with the same hash.
 * Public so that the fleet's failover harness ({@code io.hwledger.bench.fleet.FleetFailover}) runs
 * the same store-level failover in its own run, for the comparison.
 */
public final class Failover {
  /** The standby's retry interval. */
  public static final long RETRY_MILLIS = 20;

  /** Acknowledgements the child must have printed before the kill. */
  static final int MIN_ACKS = 200;

  private static final Duration START_LIMIT = Duration.ofSeconds(60);
  private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(60);
  private static final int MAX_TRIES = 10_000;

  /**
   * What one failover measured.
   *
   * @param acked appends the child acknowledged before it was killed
   * @param committedAtTakeover the ledger's size when the standby opened it
   * @param lost acknowledged appends missing from the ledger or with another hash (must be 0)
   * @param refused the standby's tries refused before it got the lock
   * @param killToOpenStartNanos from the kill to the start of the standby's successful open
   * @param openNanos how long that open took (lock, migrations check, pool)
   * @param killToAckNanos from the kill to the standby's first acknowledged append
   */
  public record Run(
      long acked,
      long committedAtTakeover,
      long lost,
      int refused,
      long killToOpenStartNanos,
      long openNanos,
      long killToAckNanos) {}

  @SuppressWarnings("ArrayRecordComponent") // never compared as a record
  private record Ack(long seq, byte[] hash) {}

  private Failover() {}

  /**
   * Runs one failover in a new schema.
   *
   * @param db the database
   * @param schema a new schema for this run's ledger
   * @param childAppenders the child's appender threads
   * @param settle how long the child appends (at least {@value #MIN_ACKS} acknowledgements) before
   *     the kill
   * @param childLog where the child's stderr goes
   * @return what it measured
   * @throws Exception if the child or the standby fails, or a deadline passes
   */
  public static Run once(
      TestDatabase db, String schema, int childAppenders, Duration settle, Path childLog)
      throws Exception {
    PostgresSettings settings =
        PostgresSettings.of(db.jdbcUrl())
            .withCredentials(db.user(), db.password())
            .withSchema(schema);
    Process child = start(db, schema, childAppenders, childLog);
    List<Ack> acks = new ArrayList<>();
    Thread reader = reader(child, acks);
    Standby standby = new Standby(settings);
    try {
      awaitAcks(child, acks, settle, childLog);
      standby.thread.start();
      long refusedBy = System.nanoTime() + START_LIMIT.toNanos();
      while (standby.refused.get() == 0 && standby.failure.get() == null) {
        if (System.nanoTime() - refusedBy > 0) {
          throw new IllegalStateException("the standby made no try within 60 s");
        }
        Thread.sleep(1);
      }
      long killed = System.nanoTime();
      child.destroyForcibly();
      standby.thread.join(TAKEOVER_LIMIT.toMillis());
      if (standby.thread.isAlive()) {
        throw new IllegalStateException("the standby did not take over within 60 s");
      }
      if (standby.failure.get() != null) {
        throw new IllegalStateException("the standby failed", standby.failure.get());
      }
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the killed writer did not exit within 30 s");
      }
      reader.join(30_000);
      List<Ack> acked;
      synchronized (acks) {
        acked = List.copyOf(acks);
      }
      long lost;
      try (PostgresLedgerStore store = standby.store) {
        lost = lost(store, acked);
        if (standby.firstSeq != standby.sizeAtOpen) {
          throw new IllegalStateException(
              "the standby's first append got seq "
                  + standby.firstSeq
                  + " on a ledger of "
                  + standby.sizeAtOpen);
        }
      }
      return new Run(
          acked.size(),
          standby.sizeAtOpen,
          lost,
          standby.refused.get(),
          standby.openStarted - killed,
          standby.opened - standby.openStarted,
          standby.ackedAt - killed);
    } finally {
      child.destroyForcibly();
      if (standby.thread.isAlive()) {
        standby.stop = true;
        standby.thread.join(TAKEOVER_LIMIT.toMillis());
      }
    }
  }

  private static Process start(TestDatabase db, String schema, int appenders, Path log)
      throws IOException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            FailoverWriter.class.getName(),
            db.jdbcUrl(),
            Integer.toString(appenders));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("HWLEDGER_DB_"));
    env.put(PostgresSettings.ENV_USER, db.user());
    env.put(PostgresSettings.ENV_PASSWORD, db.password());
    env.put(PostgresSettings.ENV_SCHEMA, schema);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }

  /** Reads the child's acknowledgements until its stdout ends. */
  private static Thread reader(Process child, List<Ack> acks) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  if (line.startsWith(FailoverWriter.ACK)) {
                    String[] f = line.split(" ", 3);
                    Ack ack = new Ack(Long.parseLong(f[1]), HexFormat.of().parseHex(f[2]));
                    synchronized (acks) {
                      acks.add(ack);
                    }
                  }
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "failover-child-stdout");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void awaitAcks(Process child, List<Ack> acks, Duration settle, Path log)
      throws InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    long firstAck = 0;
    while (true) {
      int n;
      synchronized (acks) {
        n = acks.size();
      }
      long now = System.nanoTime();
      if (n > 0 && firstAck == 0) {
        firstAck = now;
      }
      if (n >= MIN_ACKS && now - firstAck >= settle.toNanos()) {
        return;
      }
      if (!child.isAlive()) {
        throw new IllegalStateException(
            "the writer exited " + child.exitValue() + " before the kill; see " + log);
      }
      if (now - deadline > 0) {
        throw new IllegalStateException(
            "the writer acknowledged " + n + " appends within 60 s; see " + log);
      }
      Thread.sleep(10);
    }
  }

  /** Acknowledged appends that the ledger does not hold with the same hash. */
  private static long lost(PostgresLedgerStore store, List<Ack> acked) {
    Map<Long, byte[]> expected = new HashMap<>();
    for (Ack a : acked) {
      expected.put(a.seq(), a.hash());
    }
    if (expected.size() != acked.size()) {
      throw new IllegalStateException("the writer acknowledged a sequence number twice");
    }
    long[] found = new long[1];
    store.forEach(
        0,
        Long.MAX_VALUE,
        r -> {
          byte[] hash = expected.get(r.seq());
          if (hash != null && MessageDigest.isEqual(hash, r.hash())) {
            found[0]++;
          }
        });
    return acked.size() - found[0];
  }

  /**
   * Tries to open the ledger every {@value #RETRY_MILLIS} ms (start to start; at once when a
   * refused try took longer), then appends once.
   */
  private static final class Standby {
    final Thread thread;
    final AtomicInteger refused = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    volatile boolean stop;
    volatile PostgresLedgerStore store;
    volatile long openStarted;
    volatile long opened;
    volatile long ackedAt;
    volatile long sizeAtOpen;
    volatile long firstSeq;

    Standby(PostgresSettings settings) {
      thread =
          new Thread(
              () -> {
                try {
                  takeOver(settings);
                } catch (Throwable e) { // reported by the harness
                  failure.set(e);
                }
              },
              "failover-standby");
      thread.setDaemon(true);
    }

    private void takeOver(PostgresSettings settings) throws InterruptedException {
      for (int i = 0; i < MAX_TRIES && !stop; i++) {
        long start = System.nanoTime();
        try {
          PostgresLedgerStore s = PostgresLedgerStore.open(settings, LedgerOptions.defaults());
          opened = System.nanoTime();
          openStarted = start;
          sizeAtOpen = s.size();
          firstSeq = s.append(StoreEvents.event(1_000, i)).seq();
          ackedAt = System.nanoTime();
          store = s;
          return;
        } catch (LedgerException e) {
          if (!e.getMessage().contains("is held by another writer")) {
            throw e;
          }
          refused.incrementAndGet();
        }
        long next = start + RETRY_MILLIS * 1_000_000L - System.nanoTime();
        if (next > 0) {
          Thread.sleep(next / 1_000_000L, (int) (next % 1_000_000L));
        }
      }
      throw new IllegalStateException(
          "the standby did not get the lock in " + MAX_TRIES + " tries");
    }
  }
}
