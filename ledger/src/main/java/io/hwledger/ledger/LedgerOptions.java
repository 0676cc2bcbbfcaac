package io.hwledger.ledger;

import java.time.Clock;
import java.util.Objects;

/**
 * How a ledger is opened: its clock, durability policy, segment size and largest group commit.
 * Immutable; start from {@link #defaults()} and change what differs.
 *
 * @param clock source of record timestamps (injected, so tests control time)
 * @param durability when an append is acknowledged
 * @param segmentBytes size after which the writer starts a new segment file, bytes
 * @param maxBatch the most appends committed together in one write and one fsync
 */
public record LedgerOptions(Clock clock, Durability durability, long segmentBytes, int maxBatch) {

  /** Default segment size: 64 MiB. */
  public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

  /** Default largest batch: 4096 appends. */
  public static final int DEFAULT_MAX_BATCH = 4096;

  /**
   * Validates the arguments.
   *
   * @param clock source of record timestamps
   * @param durability when an append is acknowledged
   * @param segmentBytes segment size that triggers a new file, bytes, at least 1024
   * @param maxBatch the most appends per group commit, at least 1
   * @throws IllegalArgumentException if {@code segmentBytes} is below 1024 or {@code maxBatch} is
   *     not positive
   */
  public LedgerOptions {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(durability, "durability");
    if (segmentBytes < 1024) {
      throw new IllegalArgumentException("segmentBytes must be at least 1024, was " + segmentBytes);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be positive, was " + maxBatch);
    }
  }

  /**
   * The options {@link Ledger#open(java.nio.file.Path)} uses.
   *
   * @return the UTC system clock, fsync per batch, 64 MiB segments, batches of up to 4096
   */
  public static LedgerOptions defaults() {
    return new LedgerOptions(
        Clock.systemUTC(), Durability.FSYNC_EACH_BATCH, DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_BATCH);
  }

  /**
   * These options with another clock.
   *
   * @param clock source of record timestamps
   * @return new options; these are unchanged
   */
  public LedgerOptions withClock(Clock clock) {
    return new LedgerOptions(clock, durability, segmentBytes, maxBatch);
  }

  /**
   * These options with another durability policy.
   *
   * @param durability when an append is acknowledged
   * @return new options; these are unchanged
   */
  public LedgerOptions withDurability(Durability durability) {
    return new LedgerOptions(clock, durability, segmentBytes, maxBatch);
  }

  /**
   * These options with another segment size.
   *
   * @param bytes segment size that triggers a new file, at least 1024
   * @return new options; these are unchanged
   * @throws IllegalArgumentException if {@code bytes} is below 1024
   */
  public LedgerOptions withSegmentBytes(long bytes) {
    return new LedgerOptions(clock, durability, bytes, maxBatch);
  }

  /**
   * These options with another largest batch.
   *
   * @param appends the most appends per group commit, at least 1
   * @return new options; these are unchanged
   * @throws IllegalArgumentException if {@code appends} is not positive
   */
  public LedgerOptions withMaxBatch(int appends) {
    return new LedgerOptions(clock, durability, segmentBytes, appends);
  }
}
