package io.hwledger.testpostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One primary and one streaming replica of it: what the replica holds while its replay runs, is
 * paused and resumes, who it runs as, what it refuses, and what closing it leaves.
 */
@Verifies("FR-STORE-010")
@Timeout(120)
class StreamingReplicaTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static EmbeddedPostgres primary;
  private static StreamingReplica replica;

  @BeforeAll
  static void start() throws Exception {
    primary = EmbeddedPostgres.start(Sql.BASE);
    // written before the base backup: in the copy of the data directory
    Sql.execute(primary.database("postgres"), "CREATE TABLE before_backup (v int)");
    Sql.execute(primary.database("postgres"), "INSERT INTO before_backup VALUES (1), (2), (3)");
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

  @Test
  void theReplicaIsAHotStandbyOnItsOwnLoopbackPortStreamingFromThePrimary() throws Exception {
    assertThat(replica.port()).isNotEqualTo(primary.port());
    try (Connection c = replica.connect()) {
      assertThat(Sql.text(c, "SELECT pg_is_in_recovery()")).isEqualTo("t");
      assertThat(Sql.text(c, "SHOW hot_standby")).isEqualTo("on");
      assertThat(Sql.text(c, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
      assertThat(Sql.text(c, "SHOW port")).isEqualTo(Integer.toString(replica.port()));
      assertThat(Sql.text(c, "SELECT inet_server_addr()")).isEqualTo("127.0.0.1");
      assertThat(Sql.text(c, "SELECT status FROM pg_stat_wal_receiver")).isEqualTo("streaming");
      assertThat(Sql.text(c, "SELECT sum(v) FROM before_backup")).isEqualTo("6");
    }
    try (Connection c = primary.connect()) {
      assertThat(Sql.text(c, "SELECT pg_is_in_recovery()")).isEqualTo("f");
      // the primary sees one standby, streaming through the replica's slot from 127.0.0.1
      assertThat(
              Sql.text(
                  c,
                  "SELECT usename || ' ' || application_name || ' ' || client_addr || ' ' || state"
                      + " FROM pg_stat_replication"))
          .isEqualTo(StreamingReplica.ROLE + " " + replica.slot() + " 127.0.0.1/32 streaming");
      assertThat(
              Sql.text(
                  c,
                  "SELECT slot_type || ' ' || active FROM pg_replication_slots WHERE slot_name = '"
                      + replica.slot()
                      + "'"))
          .isEqualTo("physical true");
    }
  }

  @Test
  void rowsCommittedOnThePrimaryAreOnTheReplicaOnceItHasReplayed() throws Exception {
    Sql.execute(primary.database("postgres"), "CREATE TABLE streamed (v int)");
    Sql.execute(
        primary.database("postgres"), "INSERT INTO streamed SELECT generate_series(1, 1000)");

    String lsn = replica.awaitReplayed(WAIT);

    // 1 + 2 + ... + 1000 = 500500
    assertThat(
            Sql.text(
                replica.database("postgres"), "SELECT count(*) || ' ' || sum(v) FROM streamed"))
        .isEqualTo("1000 500500");
    assertThat(lsn).matches("[0-9A-F]+/[0-9A-F]+");
    assertThat(
            Sql.text(
                replica.database("postgres"),
                "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn"))
        .isEqualTo("t");
  }

  @Test
  void whileReplayIsPausedTheReplicaKeepsWhatItHadAndCatchesUpAfterResume() throws Exception {
    TestDatabase onPrimary = primary.database("postgres");
    Sql.execute(onPrimary, "CREATE TABLE paused (v int)");
    Sql.execute(onPrimary, "INSERT INTO paused VALUES (1)");
    replica.awaitReplayed(WAIT);

    replica.pauseReplay();
    assertThat(replica.isReplayPaused()).isTrue();
    Sql.execute(onPrimary, "INSERT INTO paused VALUES (2), (3)");

    assertThat(Sql.text(onPrimary, "SELECT count(*) FROM paused")).isEqualTo("3");
    assertThat(Sql.text(replica.database("postgres"), "SELECT count(*) FROM paused"))
        .isEqualTo("1");
    // a paused replica would never get there: refused at once, in one line
    assertThatThrownBy(() -> replica.awaitReplayed(WAIT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is paused")
        .hasMessageContaining("resumeReplay() first")
        .hasMessageNotContaining("\n");

    replica.resumeReplay();
    assertThat(replica.isReplayPaused()).isFalse();
    replica.awaitReplayed(WAIT);

    assertThat(
            Sql.text(replica.database("postgres"), "SELECT count(*) || ' ' || sum(v) FROM paused"))
        .isEqualTo("3 6");
  }

  @Test
  void theReplicaRefusesWrites() throws Exception {
    assertThatThrownBy(
            () -> Sql.execute(replica.database("postgres"), "CREATE TABLE refused (v int)"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("cannot execute CREATE TABLE in a read-only transaction");
  }

  @Test
  void replicationIsAdmittedFrom127001OnlyForTheReplicationRole() throws Exception {
    try (Connection c = primary.connect()) {
      // every rule of pg_hba.conf: TCP from 127.0.0.1 with SCRAM; replication for one role only
      assertThat(
              Sql.text(
                  c,
                  "SELECT string_agg(type || ' ' || array_to_string(database, ',') || ' '"
                      + " || array_to_string(user_name, ',') || ' ' || address || '/' || netmask"
                      + " || ' ' || auth_method, '; ' ORDER BY line_number) FROM pg_hba_file_rules"))
          .isEqualTo(
              "host all all 127.0.0.1/255.255.255.255 scram-sha-256; host replication "
                  + StreamingReplica.ROLE
                  + " 127.0.0.1/255.255.255.255 scram-sha-256");
      assertThat(Sql.text(c, "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL"))
          .isEqualTo("0");
    }
  }

  @Test
  void theReplicaRunsAsTheServersUserInAPrivateDirectoryWithoutTheSuperusersPassword()
      throws Exception {
    long jvm = Sql.jvmUid();
    String expected =
        jvm == 0 ? "65534 65534 65534 65534" : jvm + " " + jvm + " " + jvm + " " + jvm;
    try (Connection c = replica.connect()) {
      assertThat(Sql.uids(Sql.postmasterPid(c))).as("replica's postmaster").isEqualTo(expected);
    }
    Path run = replica.runDirectory();
    assertThat(run.getParent()).isEqualTo(primary.runDirectory().getParent());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run)))
        .isEqualTo("rwx------");
    assertThat(Files.getAttribute(run, "unix:uid", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(jvm == 0 ? 65534 : (int) jvm);
    Path passfile = run.resolve("replication.pgpass");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passfile)))
        .isEqualTo("rw-------");

    byte[] superuser = primary.password().getBytes(StandardCharsets.US_ASCII);
    byte[] replication = primary.replicationPassword().getBytes(StandardCharsets.US_ASCII);
    List<Path> holdingSuperuser = new ArrayList<>();
    List<Path> holdingReplication = new ArrayList<>();
    try (Stream<Path> files = Files.walk(run)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        byte[] bytes = Files.readAllBytes(f);
        if (contains(bytes, superuser)) {
          holdingSuperuser.add(f);
        }
        if (contains(bytes, replication)) {
          holdingReplication.add(f);
        }
      }
    }
    assertThat(holdingSuperuser).as("files holding the superuser's password").isEmpty();
    assertThat(holdingReplication)
        .as("files holding the replication password")
        .containsExactly(passfile);
    assertThat(replica.toString())
        .contains(":" + replica.port())
        .doesNotContain(primary.password())
        .doesNotContain(primary.replicationPassword());
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> StreamingReplica.start(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("primary");
    assertThatThrownBy(() -> replica.awaitReplayed(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("limit");
    assertThatThrownBy(() -> replica.awaitReplayed(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be positive and at most 10 min, was PT0S");
    assertThatThrownBy(() -> replica.awaitReplayed(Duration.ofMinutes(11)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be positive and at most 10 min, was PT11M");
  }

  @Test
  void aSecondReplicaStreamsBesideTheFirstTimesOutWhenCutOffAndClosingDropsItsSlotAndDirectory()
      throws Exception {
    StreamingReplica second = StreamingReplica.start(primary);
    Path run = second.runDirectory();
    String slot = second.slot();
    try {
      assertThat(slot).isNotEqualTo(replica.slot());
      Sql.execute(primary.database("postgres"), "CREATE TABLE second (v int)");
      Sql.execute(primary.database("postgres"), "INSERT INTO second VALUES (42)");
      second.awaitReplayed(WAIT);
      assertThat(Sql.text(second.database("postgres"), "SELECT v FROM second")).isEqualTo("42");

      // cut its stream: a wait for WAL that can no longer arrive ends at its limit, in one line
      try (Connection c = second.connect()) {
        Sql.execute(c, "ALTER SYSTEM SET primary_conninfo = ''");
        Sql.execute(c, "SELECT pg_reload_conf()");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Sql.text(c, "SELECT count(*) FROM pg_stat_wal_receiver").equals("0")) {
          assertThat(System.nanoTime() - deadline).as("WAL receiver still there").isNegative();
          Thread.sleep(10);
        }
      }
      Sql.execute(primary.database("postgres"), "INSERT INTO second VALUES (1000)");
      assertThatThrownBy(() -> second.awaitReplayed(Duration.ofMillis(300)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageMatching(
              "the replica at 127\\.0\\.0\\.1:"
                  + second.port()
                  + " replayed the primary's WAL up to [0-9A-F]+/[0-9A-F]+, not [0-9A-F]+/[0-9A-F]+,"
                  + " within 300 ms");
      assertThat(Sql.text(second.database("postgres"), "SELECT sum(v) FROM second"))
          .isEqualTo("42");
    } finally {
      second.close();
    }
    second.close(); // a second close does nothing

    assertThat(run).doesNotExist();
    assertThat(
            Sql.text(
                primary.database("postgres"),
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'"))
        .isEqualTo("0");
    assertThatThrownBy(second::pauseReplay)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("pauseReplay: this streaming replica is closed");
    // the first replica streams on
    Sql.execute(primary.database("postgres"), "INSERT INTO second VALUES (43)");
    replica.awaitReplayed(WAIT);
    // 42 + 1000 + 43
    assertThat(Sql.text(replica.database("postgres"), "SELECT sum(v) FROM second"))
        .isEqualTo("1085");
  }

  @Test
  void aStoppedPrimaryCannotBeReplicated() {
    try (EmbeddedPostgres stopped = EmbeddedPostgres.start(Sql.BASE)) {
      stopped.stopImmediately();
      assertThatThrownBy(() -> StreamingReplica.start(stopped))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is not running")
          .hasMessageNotContaining("\n");
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
