package io.hwledger.testpostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binaries are unpacked once, where the server's user can reach them. */
@Verifies("FR-STORE-001")
class BinariesTest {
  @TempDir Path tmp;
  private ServerUser root;
  private ServerUser self;

  @BeforeEach
  void users() throws Exception {
    Path passwd = Files.writeString(tmp.resolve("passwd"), "nobody:x:65534:65534::/:/bin/false\n");
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Files.createFile(
        bin.resolve("setpriv"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    long uid = Sql.jvmUid();
    // the root case's checks of directories, whoever runs the test (nothing here is chowned)
    root = ServerUser.detect(0, passwd, bin.toString());
    self = ServerUser.detect(uid == 0 ? 1 : uid, passwd, bin.toString());
  }

  @Test
  void aBaseDirectoryNobodyCanReachIsTheWorkRoot() throws Exception {
    Path open = Files.createDirectories(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path shared = tmp.resolve("shared");

    assertThat(Binaries.workRoot(open.resolve("target/embedded-pg"), root, shared))
        .isEqualTo(open.resolve("target/embedded-pg"));
    assertThat(shared).doesNotExist();
  }

  @Test
  void aBaseDirectoryNobodyCannotReachGivesWayToTheSharedRootMade0755() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("root-home"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path shared = tmp.resolve("shared");

    assertThat(Binaries.workRoot(home.resolve("checkout/target/embedded-pg"), root, shared))
        .isEqualTo(shared);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)))
        .isEqualTo("rwxr-xr-x");
    assertThat(Binaries.workRoot(home.resolve("checkout/target/embedded-pg"), self, shared))
        .as("a JVM that is not root runs the server itself, reaching its own directories")
        .isEqualTo(home.resolve("checkout/target/embedded-pg"));
  }

  @Test
  void aSharedRootOthersMayWriteIsRefusedInOneLine() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("root-home"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> Binaries.workRoot(home.resolve("target"), root, shared))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "refusing "
                + shared
                + " for the embedded PostgreSQL: it must be a directory"
                + " owned by uid "
                + Sql.jvmUid()
                + " and writable by it alone (it is a directory of uid "
                + Sql.jvmUid()
                + ", mode rwxrwxrwx)");
  }

  @Test
  void racingUnpacksEndWithOneCompleteCopyAndNoLeftovers() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Path>> racers = new ArrayList<>();
      Callable<Path> unpack = () -> Binaries.unpackBundled(tmp);
      racers.add(pool.submit(unpack));
      racers.add(pool.submit(unpack));
      for (Future<Path> racer : racers) {
        assertThat(racer.get(120, TimeUnit.SECONDS)).isEqualTo(tmp.resolve("pg-14.22.0"));
      }
    } finally {
      pool.shutdownNow();
    }
    Path dir = tmp.resolve("pg-14.22.0");
    assertThat(dir.resolve(".complete")).exists();
    assertThat(Binaries.require(dir, self)).isEqualTo(dir);
    try (Stream<Path> children = Files.list(tmp)) {
      assertThat(children.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("passwd", "bin", "pg-14.22.0");
    }
  }
}
