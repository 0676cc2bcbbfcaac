package io.hwledger.testpostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Root runs the server as nobody through setpriv, or says in one line what is missing. */
@Verifies("FR-STORE-001")
class ServerUserTest {
  @TempDir Path tmp;
  private Path passwd;
  private Path bin;

  @BeforeEach
  void fakeSystem() throws Exception {
    passwd =
        Files.writeString(
            tmp.resolve("passwd"),
            "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    bin = Files.createDirectories(tmp.resolve("bin"));
    Files.createFile(
        bin.resolve("setpriv"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
  }

  @Test
  void rootRunsTheServerAsNobodyWithItsGroupsClearedAndDyingWithItsOwner() {
    ServerUser user = ServerUser.detect(0, passwd, "/nowhere:" + bin);

    assertThat(user.asNobody()).isTrue();
    assertThat(user.serverUid()).isEqualTo(65534);
    assertThat(user.command(List.of("/pg/bin/postgres", "-D", "/d"), true))
        .containsExactly(
            bin + "/setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--pdeathsig=INT",
            "--",
            "/pg/bin/postgres",
            "-D",
            "/d");
    assertThat(user.command(List.of("/pg/bin/initdb"), false))
        .containsExactly(
            bin + "/setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            "/pg/bin/initdb");
  }

  @Test
  void anotherUserRunsTheServerItselfStillDyingWithItsOwner() {
    ServerUser user = ServerUser.detect(1000, passwd, bin.toString());

    assertThat(user.asNobody()).isFalse();
    assertThat(user.serverUid()).isEqualTo(1000);
    assertThat(user.command(List.of("/pg/bin/postgres"), true))
        .containsExactly(bin + "/setpriv", "--pdeathsig=INT", "--", "/pg/bin/postgres");
    assertThat(user.command(List.of("/pg/bin/initdb"), false)).containsExactly("/pg/bin/initdb");
    assertThat(
            ServerUser.detect(1000, passwd, "/nowhere").command(List.of("/pg/bin/postgres"), true))
        .containsExactly("/pg/bin/postgres");
  }

  @Test
  void rootWithoutSetprivIsToldSoInOneLine() {
    assertThatThrownBy(() -> ServerUser.detect(0, passwd, "/nowhere"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "PostgreSQL refuses to run as root and setpriv (util-linux) is not on PATH"
                + " to run it as nobody");
  }

  @Test
  void rootWithoutTheUserNobodyIsToldSoInOneLine() throws Exception {
    Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\n");

    assertThatThrownBy(() -> ServerUser.detect(0, passwd, bin.toString()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "PostgreSQL refuses to run as root and "
                + passwd
                + " has no user 65534 (nobody) to run it as");
  }

  @Test
  void aDirectoryNobodyCannotEnterIsNamed() throws Exception {
    Path closed = Files.createDirectories(tmp.resolve("closed"));
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    Path inside = Files.createDirectories(closed.resolve("inside"));
    ServerUser root = ServerUser.detect(0, passwd, bin.toString());

    assertThat(root.blockingDirectory(inside)).isIn(closed, tmp, tmp.getParent());
    assertThatThrownBy(() -> root.requireReachable(inside))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "PostgreSQL runs as nobody because the JVM is root, and nobody" + " cannot enter ")
        .hasMessageEndingWith(" (no o+x), which holds " + inside);
    assertThat(ServerUser.detect(1000, passwd, bin.toString()).blockingDirectory(inside)).isNull();
  }
}
