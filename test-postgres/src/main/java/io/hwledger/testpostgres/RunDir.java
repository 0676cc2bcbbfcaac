package io.hwledger.testpostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One server's private directory ({@code run-*} in the work root, mode 0700): its data directory
 * and logs, and a lock file this JVM holds while the directory is in use. A JVM killed outright
 * leaves its directory behind with the lock released; the next server made in the same work root
 * deletes it.
 */
final class RunDir {
  private static final String PREFIX = "run-";
  private static final String LOCK = ".in-use";

  private final Path dir;
  private final FileChannel lockChannel;

  private RunDir(Path dir, FileChannel lockChannel) {
    this.dir = dir;
    this.lockChannel = lockChannel;
  }

  /** Deletes what killed JVMs left in {@code root}, then makes a new run directory there. */
  static RunDir create(Path root) {
    sweepStale(root);
    try {
      Path dir = Files.createTempDirectory(root, PREFIX);
      // Locked under another name, then renamed: a sweeping JVM never finds the lock file free.
      Path locking = dir.resolve(LOCK + ".new");
      FileChannel channel =
          FileChannel.open(locking, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        if (channel.tryLock() == null) {
          throw new IOException("cannot lock the new " + locking);
        }
        Files.move(locking, dir.resolve(LOCK), StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      return new RunDir(dir, channel);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a run directory in " + root, e);
    }
  }

  /** The directory itself. */
  Path path() {
    return dir;
  }

  /** The data directory initdb makes. */
  Path data() {
    return dir.resolve("data");
  }

  /** A log file in the directory, by name. */
  Path log(String name) {
    return dir.resolve(name);
  }

  /** Releases the lock and deletes the directory with everything in it. */
  void delete() {
    try {
      lockChannel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release " + dir.resolve(LOCK), e);
    } finally {
      Trees.delete(dir);
    }
  }

  /**
   * Deletes each run directory of {@code root} whose lock no process holds and whose postmaster
   * (named in {@code data/postmaster.pid}) no longer runs. One being made by another JVM has its
   * lock held from the moment it has a lock file.
   */
  static void sweepStale(Path root) {
    try (DirectoryStream<Path> runs = Files.newDirectoryStream(root, PREFIX + "*")) {
      for (Path run : runs) {
        if (abandoned(run)) {
          Trees.delete(run);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // Another JVM may be deleting the same directories; what stays is swept next time.
    }
  }

  private static boolean abandoned(Path run) throws IOException {
    Path lockFile = run.resolve(LOCK);
    if (!Files.isRegularFile(lockFile)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      return lock != null && !postmasterRuns(run.resolve("data").resolve("postmaster.pid"));
    } catch (OverlappingFileLockException ours) {
      return false;
    }
  }

  private static boolean postmasterRuns(Path pidFile) throws IOException {
    if (!Files.isRegularFile(pidFile)) {
      return false;
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    return !lines.isEmpty()
        && lines.get(0).strip().matches("[0-9]{1,10}")
        && Files.exists(Path.of("/proc", lines.get(0).strip()));
  }
}
