package io.hwledger.ledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.ledger.ConsistencyProof;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerFollower;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.LedgerStores;
import io.hwledger.ledger.MerkleTree;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.ledger.Verification;
import io.hwledger.testpostgres.EmbeddedPostgres;
import io.hwledger.testpostgres.StreamingReplica;
import io.hwledger.testpostgres.TestDatabase;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The PostgreSQL store on a real streaming replica that lags its primary: a primary and a hot
 * standby of it (test-postgres's {@link StreamingReplica}), the writer on the primary and the
 * readers, verifier, follower and a would-be writer on the replica, all through {@link
 * LedgerStores} as a fleet server opens them. The replica is held behind by pausing its replay, so
 * what it holds is known exactly: the events appended before the pause. Each test has a schema of
 * its own in the {@code postgres} database.
 *
 * <p>Expected values come from outside the store: the counts of events appended, the records and
 * roots the primary's store gives for the same sizes, and RFC 9162 consistency proofs checked with
 * {@link MerkleTree#verifyConsistency}.
 */
@Timeout(120) // every wait below is bounded; this only turns a hang into a failure
class ReplicaTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final LedgerOptions OPTIONS = LedgerOptions.defaults();

  private static EmbeddedPostgres primary;
  private static StreamingReplica replica;

  @BeforeAll
  static void start() {
    primary = EmbeddedPostgres.start(Path.of("target", "embedded-pg"));
    replica = StreamingReplica.start(primary);
  }

  @AfterAll
  static void stop() {
    try {
      if (replica != null) {
        replica.close();
      }
    } finally {
      primary.close();
    }
  }

  @AfterEach
  void replayRuns() {
    replica.resumeReplay();
  }

  /** Where a ledger is, and the environment with its role, password and schema. */
  private record Location(String url, Map<String, String> env) {
    static Location of(TestDatabase db, String schema) {
      return new Location(
          db.jdbcUrl(),
          Map.of(
              PostgresSettings.ENV_USER, db.user(),
              PostgresSettings.ENV_PASSWORD, db.password(),
              PostgresSettings.ENV_SCHEMA, schema));
    }
  }

  private static Location onPrimary(String schema) {
    return Location.of(primary.database("postgres"), schema);
  }

  private static Location onReplica(String schema) {
    return Location.of(replica.database("postgres"), schema);
  }

  private static LedgerStore openWriter(Location at) {
    return LedgerStores.open(at.url(), OPTIONS, at.env());
  }

  private static LedgerStore openReadOnly(Location at) {
    return LedgerStores.openReadOnly(at.url(), at.env());
  }

  private static Verification verify(Location at) {
    return LedgerStores.verify(at.url(), at.env(), n -> {});
  }

  @Test
  @Verifies("FR-STORE-011")
  void aReadOnlyStoreAndVerifyOnAPausedReplicaSeeExactlyThePrefixItReplayed() throws Exception {
    List<LedgerEvent> events = Events.random(41, 12);
    try (LedgerStore writer = openWriter(onPrimary("paused_prefix"))) {
      events.subList(0, 7).forEach(writer::append);
      replica.awaitReplayed(WAIT);
      replica.pauseReplay();
      events.subList(7, 12).forEach(writer::append);
      assertThat(writer.size()).isEqualTo(12);

      byte[] replicaRoot;
      try (LedgerStore reader = openReadOnly(onReplica("paused_prefix"))) {
        // the 7 events appended before the pause, not the 12 the primary holds
        assertThat(reader.size()).isEqualTo(7);
        List<RecordedEvent> seen = reader.read(0, 100);
        assertThat(seen).extracting(RecordedEvent::seq).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(seen)
            .extracting(RecordedEvent::type)
            .containsExactlyElementsOf(
                events.subList(0, 7).stream().map(LedgerEvent::type).toList());
        assertThat(seen).isEqualTo(writer.read(0, 7));
        replicaRoot = reader.root();
        assertThat(replicaRoot).isEqualTo(writer.root(7));
        assertThatThrownBy(() -> reader.leafHash(7))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("no record 7 in a ledger of 7");
      }
      // the replica's ledger is a prefix of the primary's: the primary's proof from 7 to 12
      // verifies against the root the replica gave
      ConsistencyProof proof = writer.consistencyProof(7, 12);
      assertThat(MerkleTree.verifyConsistency(7, 12, replicaRoot, writer.root(), proof.path()))
          .isTrue();

      Verification v = verify(onReplica("paused_prefix"));
      assertThat(v.ok()).as(v.toString()).isTrue();
      assertThat(v.size()).isEqualTo(7);
      assertThat(v.root()).isEqualTo(replicaRoot);
      assertThat(verify(onPrimary("paused_prefix")).size()).isEqualTo(12);
    }
  }

  @Test
  @Verifies("FR-STORE-011")
  void afterResumeTheReplicaCatchesUpToThePrimarysSizeAndRoot() throws Exception {
    List<LedgerEvent> events = Events.random(42, 15);
    try (LedgerStore writer = openWriter(onPrimary("caught_up"))) {
      events.subList(0, 9).forEach(writer::append);
      replica.awaitReplayed(WAIT);
      replica.pauseReplay();
      events.subList(9, 15).forEach(writer::append);
      try (LedgerStore behind = openReadOnly(onReplica("caught_up"))) {
        assertThat(behind.size()).isEqualTo(9);
      }

      replica.resumeReplay();
      replica.awaitReplayed(WAIT);

      try (LedgerStore caughtUp = openReadOnly(onReplica("caught_up"))) {
        assertThat(caughtUp.size()).isEqualTo(15).isEqualTo(writer.size());
        assertThat(caughtUp.root()).isEqualTo(writer.root());
        assertThat(caughtUp.read(0, 100)).isEqualTo(writer.read(0, 100));
      }
      Verification v = verify(onReplica("caught_up"));
      assertThat(v.ok()).as(v.toString()).isTrue();
      assertThat(v.size()).isEqualTo(15);
      assertThat(v.root()).isEqualTo(writer.root());
    }
  }

  @Test
  @Verifies("FR-STORE-012")
  void aWriterOnTheReplicaIsRefusedInOneLineAndTheLedgerIsUnchanged() throws Exception {
    try (LedgerStore writer = openWriter(onPrimary("no_writer"))) {
      Events.random(43, 3).forEach(writer::append);
    }
    replica.awaitReplayed(WAIT);

    for (String schema : List.of("no_writer", "no_ledger_yet")) {
      assertThatThrownBy(() -> openWriter(onReplica(schema)).close())
          .as("schema %s", schema)
          .isInstanceOf(LedgerException.class)
          .hasMessageStartingWith("opening ledger " + onReplica(schema).url())
          .hasMessageContaining("hot standby")
          .hasMessageContaining("open the writer on the primary")
          .hasMessageNotContaining("\n");
    }

    // nothing was taken or written: the primary's writer opens and goes on from record 3
    try (LedgerStore writer = openWriter(onPrimary("no_writer"))) {
      assertThat(writer.append(LedgerEvent.of("test.after", 1, "{}")).seq()).isEqualTo(3);
    }
    replica.awaitReplayed(WAIT);
    try (LedgerStore reader = openReadOnly(onReplica("no_writer"))) {
      assertThat(reader.size()).isEqualTo(4);
    }
    assertThatThrownBy(() -> openReadOnly(onReplica("no_ledger_yet")).close())
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("no ledger at");
  }

  @Test
  @Verifies("FR-STORE-013")
  void aFollowerOnTheReplicaFollowsThePrimarysAppendsAndHoldsItsPrefixWhileReplayIsPaused()
      throws Exception {
    List<LedgerEvent> events = Events.random(44, 11);
    try (LedgerStore writer = openWriter(onPrimary("follower"))) {
      events.subList(0, 4).forEach(writer::append);
      replica.awaitReplayed(WAIT);
      Location at = onReplica("follower");
      try (LedgerFollower follower = LedgerStores.follow(at.url(), at.env())) {
        assertThat(follower.size()).isEqualTo(4);
        // a standby cannot LISTEN: this follower polls, where one on the primary listens
        assertThat(((PostgresFollower) follower).polls()).isTrue();
        Location primaryAt = onPrimary("follower");
        try (LedgerFollower onPrimary = LedgerStores.follow(primaryAt.url(), primaryAt.env())) {
          assertThat(((PostgresFollower) onPrimary).polls()).isFalse();
        }
        // nothing new: the wait ends when its time is up, at the same size
        assertThat(follower.awaitGrowth(4, Duration.ofMillis(300))).isEqualTo(4);

        events.subList(4, 9).forEach(writer::append);
        assertThat(awaitSize(follower, 9)).isEqualTo(9);
        List<RecordedEvent> seen = new ArrayList<>();
        follower.forEach(0, 100, seen::add);
        assertThat(seen).isEqualTo(writer.read(0, 100));

        // replay paused: the primary goes on, the follower holds the 9 records it has
        replica.pauseReplay();
        events.subList(9, 11).forEach(writer::append);
        assertThat(follower.awaitGrowth(9, Duration.ofMillis(300))).isEqualTo(9);
        follower.forEach(9, 100, seen::add);
        assertThat(seen).hasSize(9);

        replica.resumeReplay();
        assertThat(awaitSize(follower, 11)).isEqualTo(11);
        follower.forEach(9, 100, seen::add);
        assertThat(seen).isEqualTo(writer.read(0, 100)).hasSize(11);
      }
    }
  }

  /**
   * Follows until the follower holds {@code target} records or 30 s pass; the replica may replay a
   * batch in more than one step, so one wake-up may show part of it.
   */
  private static long awaitSize(LedgerFollower follower, long target) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    long size = follower.size();
    while (size < target && deadline - System.nanoTime() > 0) {
      size = follower.awaitGrowth(size, Duration.ofNanos(deadline - System.nanoTime()));
    }
    return size;
  }
}
