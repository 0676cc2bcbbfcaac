package io.hwledger.testpostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What cannot start says so in one line naming what is wrong. */
@Verifies("FR-STORE-001")
class EmbeddedPostgresErrorsTest {
  @TempDir Path tmp;

  @Test
  void aMissingBinariesDirectoryIsNamed() {
    Path missing = tmp.resolve("no-such-postgres");

    assertThatThrownBy(() -> EmbeddedPostgres.builder().baseDir(Sql.BASE).binaries(missing).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("PostgreSQL binaries directory " + missing + " does not exist");
  }

  @Test
  void aBinariesDirectoryWithoutPostgresNamesTheMissingProgram() throws Exception {
    Path install = Files.createDirectories(tmp.resolve("pg/bin"));
    for (String tool : new String[] {"initdb", "pg_ctl"}) {
      Files.createFile(
          install.resolve(tool),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    assertThatThrownBy(
            () -> EmbeddedPostgres.builder().baseDir(Sql.BASE).binaries(tmp.resolve("pg")).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "PostgreSQL binaries directory "
                + tmp.resolve("pg")
                + " has no executable bin/postgres");
  }

  @Test
  void aPortOutsideTheTcpRangeIsRefused() {
    assertThatThrownBy(() -> EmbeddedPostgres.builder().port(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be 1 to 65535, not 0");
    assertThatThrownBy(() -> EmbeddedPostgres.builder().port(65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be 1 to 65535, not 65536");
  }

  @Test
  void aPortInUseIsNamedInOneLine() throws Exception {
    try (ServerSocket taken =
        new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      int port = taken.getLocalPort();

      assertThatThrownBy(() -> EmbeddedPostgres.builder().baseDir(Sql.BASE).port(port).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("port " + port + " on 127.0.0.1 is not free for PostgreSQL: ")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void aFreeFixedPortIsUsed() throws Exception {
    int port;
    try (ServerSocket probe =
        new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      port = probe.getLocalPort();
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().baseDir(Sql.BASE).port(port).start()) {
      assertThat(pg.port()).isEqualTo(port);
      assertThat(Sql.text(pg.database("postgres"), "SHOW port")).isEqualTo(Integer.toString(port));
    }
  }
}
