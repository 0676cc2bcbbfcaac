package io.hwledger.bench.store;

import io.hwledger.ledger.Durability;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.Verification;
import java.nio.file.Path;

/** The file store ({@link Ledger}), fsync per group-committed batch. Counted by verifying it. */
final class FileTarget implements AppendTarget {
  private final Path dir;
  private final Ledger ledger;

  /**
   * Opens a new ledger.
   *
   * @param dir a directory that does not exist yet
   */
  FileTarget(Path dir) {
    this.dir = dir;
    this.ledger =
        Ledger.open(dir, LedgerOptions.defaults().withDurability(Durability.FSYNC_EACH_BATCH));
  }

  @Override
  public void append(int appender, LedgerEvent event) {
    ledger.append(event);
  }

  @Override
  public long closeAndCount() {
    ledger.close();
    Verification v = Ledger.verify(dir);
    if (!v.ok()) {
      throw new IllegalStateException(
          "the file ledger does not verify at record "
              + v.firstBadSeq()
              + ": "
              + v.reason().orElse(""));
    }
    return v.size();
  }
}
