package io.hwledger.ledger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows a ledger directory by reopening it read-only (a snapshot of what its writer has
 * acknowledged) every {@link #POLL_MILLIS} while waiting: a directory cannot notify.
 */
final class DirectoryFollower implements LedgerFollower {
  /** How often a waiting follower looks again, milliseconds. */
  static final long POLL_MILLIS = 50;

  private final Path dir;
  private Ledger snapshot;

  DirectoryFollower(Path dir) {
    this.dir = dir;
    this.snapshot = Ledger.openReadOnly(dir);
  }

  @Override
  public long size() {
    return snapshot.size();
  }

  @Override
  public long awaitGrowth(long known, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Ledger now = Ledger.openReadOnly(dir);
      snapshot.close();
      snapshot = now;
      long left = deadline - System.nanoTime();
      if (now.size() > known || left <= 0) {
        return now.size();
      }
      Thread.sleep(Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1));
    }
  }

  @Override
  public void forEach(long from, long limit, Consumer<RecordedEvent> visitor) {
    snapshot.forEach(from, limit, visitor);
  }

  @Override
  public String location() {
    return dir.toString();
  }

  @Override
  public void close() {
    snapshot.close();
  }
}
