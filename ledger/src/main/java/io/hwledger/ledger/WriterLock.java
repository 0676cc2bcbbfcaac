package io.hwledger.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * The one-writer rule of a ledger: an exclusive lock on its {@code lock} file, held by the writing
 * process, and a way for readers to ask whether a writer is at work without disturbing it.
 *
 * <p>File locks belong to processes, and on POSIX systems closing any channel to a file drops every
 * lock the process holds on it. So this process's own writers are also kept in a registry, asked
 * first, and a probe opens the lock file only when no writer of this process holds it; the probe
 * takes a shared lock for an instant, which a writer starting in another process at that instant
 * waits out (it retries for about 100 ms).
 */
final class WriterLock implements AutoCloseable {
  static final String FILE = "lock";
  private static final int ATTEMPTS = 20;
  private static final long RETRY_NANOS = 5_000_000;

  /** Ledger directories (real paths) this process writes. Guarded by itself. */
  private static final Set<Path> HELD = new HashSet<>();

  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;

  private WriterLock(Path key, FileChannel channel, FileLock lock) {
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the writer's lock of the existing ledger directory {@code dir}.
   *
   * @throws LedgerException if another writer, in this process or another, holds it
   */
  static WriterLock acquire(Path dir) throws IOException {
    Path key = dir.toRealPath();
    synchronized (HELD) {
      if (HELD.contains(key)) {
        throw inUse(dir, "another writer in this process");
      }
      FileChannel channel =
          FileChannel.open(
              dir.resolve(FILE),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock lock = null;
      try {
        for (int attempt = 0; lock == null && attempt < ATTEMPTS; attempt++) {
          if (attempt > 0) {
            LockSupport.parkNanos(RETRY_NANOS); // a reader's probe holds it for an instant
          }
          lock = channel.tryLock();
        }
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        channel.close();
        throw inUse(dir, "another writer (" + dir.resolve(FILE) + " is locked)");
      }
      HELD.add(key);
      return new WriterLock(key, channel, lock);
    }
  }

  /**
   * Whether a writer, in this process or another, holds the ledger in {@code dir} now. An
   * unreadable lock file counts as held, so that readers stay with what writers acknowledged.
   */
  static boolean isHeld(Path dir) {
    synchronized (HELD) {
      Path lockFile = dir.resolve(FILE);
      try {
        if (HELD.contains(dir.toRealPath())) {
          return true;
        }
        if (!Files.isRegularFile(lockFile)) {
          return false;
        }
      } catch (IOException e) {
        return true;
      }
      try (FileChannel probe = FileChannel.open(lockFile, StandardOpenOption.READ)) {
        FileLock shared = probe.tryLock(0, Long.MAX_VALUE, true);
        if (shared == null) {
          return true;
        }
        shared.release();
        return false;
      } catch (IOException | OverlappingFileLockException e) {
        return true;
      }
    }
  }

  private static LedgerException inUse(Path dir, String by) {
    return new LedgerHeldException("ledger " + dir + " is in use by " + by);
  }

  /** Releases the lock. */
  @Override
  public void close() throws IOException {
    synchronized (HELD) {
      try {
        lock.release();
      } finally {
        channel.close();
        HELD.remove(key);
      }
    }
  }
}
