package io.hwledger.ledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hwledger.ledger.AppendResult;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerHeldException;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.Verification;
import io.hwledger.testpostgres.TestDatabase;
import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.LoopbackProxy;
import io.hwledger.testsupport.Verifies;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The single writer of a PostgreSQL ledger under failure: the advisory lock admits one writer among
 * racing ones, a writer whose session is lost stops and the next one carries on from what was
 * committed, and the database restarting or crashing under load loses no acknowledged append.
 */
@Verifies("FR-STORE-003")
class PostgresWriterTest {

  private static LedgerEvent event(int n) {
    return LedgerEvent.of("test.append", 1, "{\"n\":" + n + "}");
  }

  @Test
  void aSecondWriterIsToldWhoHoldsTheLedger() throws Exception {
    PostgresSettings s = PostgresStoreContractTest.settings(TestPostgres.newDatabase());
    try (LedgerStore first = PostgresLedgerStore.open(s, LedgerOptions.defaults())) {
      assertThatThrownBy(() -> PostgresLedgerStore.open(s, LedgerOptions.defaults()))
          .isInstanceOf(LedgerHeldException.class)
          .hasMessageStartingWith(
              "ledger " + s.location() + " is held by another writer (server process ")
          .hasMessageContaining("application hwledger-writer");
      assertThat(first.append(event(0)).seq()).isZero();
    }
  }

  @Test
  void ofWouldBeWritersRacingToOpenExactlyOneWins() throws Exception {
    PostgresSettings s = PostgresStoreContractTest.settings(TestPostgres.newDatabase());
    PostgresLedgerStore.open(s, LedgerOptions.defaults()).close(); // migrate once, outside the race
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<LedgerStore> winners = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger refused = new AtomicInteger();
    try {
      List<Future<?>> tries = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        tries.add(
            pool.submit(
                () -> {
                  go.await();
                  try {
                    winners.add(PostgresLedgerStore.open(s, LedgerOptions.defaults()));
                  } catch (LedgerException e) {
                    assertThat(e).hasMessageContaining("is held by another writer");
                    refused.incrementAndGet();
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : tries) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      winners.forEach(LedgerStore::close);
    }
    assertThat(winners).hasSize(1);
    assertThat(refused).hasValue(3);
  }

  @Test
  void aWriterWhoseSessionIsLostStopsAndTheNextWriterCarriesOn() throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    PostgresSettings s = PostgresStoreContractTest.settings(db);
    List<AppendResult> acked = new ArrayList<>();
    byte[] root;
    try (LedgerStore lost = PostgresLedgerStore.open(s, LedgerOptions.defaults())) {
      for (int i = 0; i < 10; i++) {
        acked.add(lost.append(event(i)));
      }
      root = lost.root();
      assertThat(lost.writerStopped()).isFalse();
      assertThat(TestPostgres.terminateConnections(db, "hwledger-writer")).isEqualTo(1);
      try (LedgerStore next = PostgresLedgerStore.open(s, LedgerOptions.defaults())) {
        assertThat(next.size()).isEqualTo(10);
        assertThat(next.root()).isEqualTo(root);
        // The old writer's batch cannot commit: its session, and with it the lock, is gone.
        assertThatThrownBy(() -> lost.append(event(99)))
            .isInstanceOf(LedgerException.class)
            .hasMessageContaining("stopped after a batch failed");
        assertThatThrownBy(() -> lost.append(event(100)))
            .isInstanceOf(LedgerException.class)
            .hasMessageContaining("stopped after a batch failed");
        // what a fleet server that led through it checks before it steps down (ADR 0022)
        assertThat(lost.writerStopped()).isTrue();
        assertThat(next.writerStopped()).isFalse();
        assertThat(next.append(event(10)).seq()).isEqualTo(10);
        assertThat(next.read(0, 10))
            .extracting(r -> r.hashHex())
            .containsExactlyElementsOf(acked.stream().map(AppendResult::hashHex).toList());
      }
    }
    Verification v = PostgresLedgerStore.verify(s, n -> {});
    assertThat(v.ok()).as(v.toString()).isTrue();
    assertThat(v.size()).isEqualTo(11);
  }

  @Test
  void aConnectionCutMidBatchStopsTheWriterAndTheNextOneLosesNoAcknowledgedAppend()
      throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    PostgresSettings direct = PostgresStoreContractTest.settings(db);
    int port = URI.create(db.jdbcUrl().substring("jdbc:".length())).getPort();
    List<AppendResult> acked = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failed = new AtomicInteger();
    try (LoopbackProxy proxy = LoopbackProxy.start(port)) {
      PostgresSettings proxied =
          direct.withUrl(db.jdbcUrl().replace(":" + port + "/", ":" + proxy.port() + "/"));
      try (LedgerStore store = PostgresLedgerStore.open(proxied, LedgerOptions.defaults())) {
        ExecutorService appenders = Executors.newFixedThreadPool(8);
        CountDownLatch started = new CountDownLatch(200);
        try {
          List<Future<?>> running = new ArrayList<>();
          for (int t = 0; t < 8; t++) {
            running.add(
                appenders.submit(
                    () -> {
                      for (int i = 0; i < 5_000; i++) {
                        try {
                          acked.add(store.append(event(i)));
                          started.countDown();
                        } catch (LedgerException e) {
                          failed.incrementAndGet();
                          return;
                        }
                      }
                    }));
          }
          assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
          proxy.cut(); // every connection reset while eight appenders keep batches in flight
          for (Future<?> f : running) {
            f.get(120, TimeUnit.SECONDS);
          }
        } finally {
          appenders.shutdownNow();
        }
        assertThat(failed.get()).isPositive();
        assertThatThrownBy(() -> store.append(event(-1)))
            .isInstanceOf(LedgerException.class)
            .hasMessageContaining("stopped after a batch failed");
      }
    }
    // The server notices the reset and ends the session, releasing the lock; a new writer, told
    // who holds it until then, takes over and finds every acknowledged append.
    LedgerStore next = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (next == null) {
      try {
        next = PostgresLedgerStore.open(direct, LedgerOptions.defaults());
      } catch (LedgerHeldException e) {
        assertThat(System.nanoTime()).as(e.getMessage()).isLessThan(deadline);
        Thread.sleep(50);
      }
    }
    try (LedgerStore store = next) {
      for (AppendResult r : acked) {
        assertThat(store.leafHash(r.seq()))
            .as("acknowledged record %d", r.seq())
            .isEqualTo(r.hash());
      }
      assertThat(store.append(event(0)).seq()).isEqualTo(store.size() - 1);
    }
    assertThat(PostgresLedgerStore.verify(direct, n -> {}).ok()).isTrue();
  }

  @Test
  void aBatchFromASessionWithoutTheLockFailsInItsTransactionAndLeavesNothing() throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    PostgresSettings s = PostgresStoreContractTest.settings(db);
    try (LedgerStore store = PostgresLedgerStore.open(s, LedgerOptions.defaults());
        Connection other = db.connect()) {
      store.append(event(0));
      int classId;
      int objectId;
      try (Statement st = other.createStatement();
          ResultSet r =
              st.executeQuery(
                  "SELECT classid::bigint, objid::bigint FROM pg_locks"
                      + " WHERE locktype = 'advisory' AND granted")) {
        assertThat(r.next()).isTrue();
        classId = (int) r.getLong(1); // oids are unsigned 32-bit: the lock's int keys, as stored
        objectId = (int) r.getLong(2);
      }
      // A session that lost the lock (or never had it) sends a well-formed batch: record 1 with
      // the right keys. The check inside the call's transaction refuses it before any insert.
      try (PreparedStatement append =
          other.prepareStatement("SELECT hwledger.ledger_append(?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        append.setInt(1, classId);
        append.setInt(2, objectId);
        append.setString(3, "hwledger_hwledger");
        append.setArray(4, other.createArrayOf("bigint", new Long[] {1L}));
        append.setArray(5, other.createArrayOf("bytea", new byte[][] {new byte[32]}));
        append.setArray(6, other.createArrayOf("bytea", new byte[][] {new byte[] {1}}));
        append.setArray(7, other.createArrayOf("smallint", new Short[] {1}));
        append.setArray(8, other.createArrayOf("bigint", new Long[] {0L}));
        append.setArray(9, other.createArrayOf("bytea", new byte[][] {new byte[32]}));
        assertThatThrownBy(append::execute)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("this session does not hold the writer's lock of the ledger")
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("HW001"));
      }
      try (Statement st = other.createStatement();
          ResultSet r = st.executeQuery("SELECT count(*) FROM hwledger.ledger_node")) {
        r.next();
        assertThat(r.getLong(1)).isZero();
      }
      assertThat(store.append(event(1)).seq()).isEqualTo(1);
    }
    assertThat(PostgresLedgerStore.verify(s, n -> {}).size()).isEqualTo(2);
  }

  @Test
  void aCleanRestartUnderLoadLosesNoAcknowledgedAppend() throws Exception {
    assumeTrue(TestPostgres.canRestart(), "an external server cannot be restarted by the tests");
    underLoad(TestPostgres::restart);
  }

  @Test
  void aCrashOfTheDatabaseUnderLoadLosesNoAcknowledgedAppend() throws Exception {
    assumeTrue(TestPostgres.canRestart(), "an external server cannot be restarted by the tests");
    underLoad(TestPostgres::stopImmediatelyAndStart);
  }

  private static void underLoad(Runnable disruption) throws Exception {
    PostgresSettings s = PostgresStoreContractTest.settings(TestPostgres.newDatabase());
    List<AppendResult> acked = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failed = new AtomicInteger();
    try (LedgerStore store = PostgresLedgerStore.open(s, LedgerOptions.defaults())) {
      ExecutorService appenders = Executors.newFixedThreadPool(4);
      CountDownLatch started = new CountDownLatch(40);
      try {
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          running.add(
              appenders.submit(
                  () -> {
                    for (int i = 0; i < 2_000; i++) {
                      try {
                        acked.add(store.append(event(i)));
                        started.countDown();
                      } catch (LedgerException e) {
                        failed.incrementAndGet();
                        return; // the writer stopped: this appender is done
                      }
                    }
                  }));
        }
        assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
        disruption.run();
        for (Future<?> f : running) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        appenders.shutdownNow();
      }
    }
    assertThat(failed.get()).as("appends refused after the restart").isPositive();
    try (LedgerStore reopened = PostgresLedgerStore.open(s, LedgerOptions.defaults())) {
      assertThat(reopened.size()).isGreaterThanOrEqualTo(acked.size());
      for (AppendResult r : acked) {
        assertThat(reopened.leafHash(r.seq()))
            .as("acknowledged record %d", r.seq())
            .isEqualTo(r.hash());
      }
      assertThat(reopened.append(event(-1)).seq()).isEqualTo(reopened.size() - 1);
    }
    Verification v = PostgresLedgerStore.verify(s, n -> {});
    assertThat(v.ok()).as(v.toString()).isTrue();
  }

  @Test
  void eachCommitIsNotifiedWithTheNewSize() throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    PostgresSettings s = PostgresStoreContractTest.settings(db);
    try (PostgresLedgerStore store = PostgresLedgerStore.open(s, LedgerOptions.defaults());
        Connection listener = db.connect()) {
      try (Statement st = listener.createStatement()) {
        st.execute("LISTEN " + store.notifyChannel());
      }
      store.append(event(0));
      store.append(event(1));
      List<String> sizes = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (sizes.size() < 2 && System.nanoTime() < deadline) {
        PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(500);
        if (got != null) {
          for (PGNotification n : got) {
            sizes.add(n.getParameter());
          }
        }
      }
      assertThat(store.notifyChannel()).isEqualTo("hwledger_hwledger");
      assertThat(sizes).containsExactly("1", "2");
    }
  }
}
