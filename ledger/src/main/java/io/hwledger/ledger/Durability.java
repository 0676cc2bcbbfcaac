package io.hwledger.ledger;

/**
 * When an append counts as acknowledged. Appends from many threads are group-committed: the writer
 * takes every append waiting, writes them in one system call and then applies this policy once for
 * the whole batch.
 */
public enum Durability {
  /**
   * The default: an append returns after its batch is written and forced to the storage device
   * ({@code FileChannel.force}). An acknowledged event survives a process crash and a power loss.
   */
  FSYNC_EACH_BATCH,
  /**
   * An append returns after its batch is handed to the operating system; the writer forces the file
   * when it rolls a segment and on {@link Ledger#close()}. An acknowledged event survives a crash
   * of the process (the kernel still writes it) but may be lost on power loss or a kernel crash.
   */
  OS_BUFFERED
}
