package io.hwledger.ledger;

import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongConsumer;

/**
 * Copies a ledger from one {@link LedgerStore} to another, byte for byte, and proves that both have
 * the same root at the source's size. A target that already holds records must hold exactly the
 * source's first records (an interrupted migration resumes where it stopped); anything else is
 * refused before a record is written.
 */
public final class LedgerMigration {
  /** Copies in flight at once: enough to fill the target's group commits. */
  private static final int WINDOW = 4096;

  private LedgerMigration() {}

  /**
   * The outcome of a migration.
   *
   * @param copied records appended to the target
   * @param alreadyThere records the target held before, equal to the source's first ones
   * @param size records on both sides afterwards
   * @param root the Merkle root both sides have at {@code size}
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out, never compared
  public record Result(long copied, long alreadyThere, long size, byte[] root) {
    /**
     * Copies the root.
     *
     * @param copied records appended to the target
     * @param alreadyThere records the target held before
     * @param size records on both sides afterwards
     * @param root the Merkle root both sides have
     */
    public Result {
      root = root.clone();
    }

    /**
     * The root both sides have.
     *
     * @return a fresh copy of the 32 bytes
     */
    @Override
    public byte[] root() {
      return root.clone();
    }

    /**
     * The root as lower-case hex.
     *
     * @return 64 hex digits
     */
    public String rootHex() {
      return HexFormat.of().formatHex(root);
    }
  }

  /**
   * Copies every record of {@code from} that {@code to} lacks, then checks both roots.
   *
   * @param from the source; read only
   * @param to the target, open for writing
   * @param progress receives the number of records copied so far, now and then
   * @return what was copied and the root both sides share
   * @throws LedgerException if {@code to} holds records that are not {@code from}'s first ones, a
   *     copy fails, or the roots differ afterwards
   */
  public static Result copy(LedgerStore from, LedgerStore to, LongConsumer progress) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(progress, "progress");
    long size = from.size();
    long there = to.size();
    if (there > size) {
      throw new LedgerException(
          "the target "
              + to.location()
              + " holds "
              + there
              + " records, more than the source's "
              + size
              + "; not copying into it");
    }
    if (!MessageDigest.isEqual(to.root(), from.root(there))) {
      throw new LedgerException(
          "the target "
              + to.location()
              + " holds "
              + there
              + " records that are not the source's first "
              + there
              + " (the roots differ); not copying into it");
    }
    Deque<CompletableFuture<AppendResult>> inFlight = new ArrayDeque<>();
    long[] queued = {0};
    from.forEach(
        there,
        size - there,
        record -> {
          if (inFlight.size() == WINDOW) {
            await(inFlight.removeFirst());
          }
          inFlight.addLast(to.appendCopyAsync(record));
          if (++queued[0] % WINDOW == 0) {
            progress.accept(queued[0]);
          }
        });
    while (!inFlight.isEmpty()) {
      await(inFlight.removeFirst());
    }
    progress.accept(queued[0]);
    byte[] root = from.root(size);
    if (to.size() != size || !MessageDigest.isEqual(to.root(), root)) {
      throw new LedgerException(
          "after copying, "
              + to.location()
              + " has "
              + to.size()
              + " records and root "
              + HexFormat.of().formatHex(to.root())
              + " but the source has "
              + size
              + " and "
              + HexFormat.of().formatHex(root));
    }
    return new Result(queued[0], there, size, root);
  }

  private static void await(CompletableFuture<AppendResult> copy) {
    try {
      copy.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted while copying", e);
    } catch (ExecutionException e) {
      throw new LedgerException("copying failed: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
