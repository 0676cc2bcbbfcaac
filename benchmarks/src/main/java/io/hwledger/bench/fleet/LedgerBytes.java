package io.hwledger.bench.fleet;

import io.hwledger.ledger.Ledger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a run wrote to the fleet's ledger, read back after the server closed it (closing cuts the
 * segment allocated ahead back to its frames, ADR 0005): bytes on disk by part, and each record's
 * frame size by event type and phase.
 *
 * <p>A record's frame is {@code 4 + body + 32 + 4} bytes and its body {@code 1 + 8 + 8 + 2 + type +
 * 4 + 4 + payload + 32} (ledger's {@code RecordCodec}), so a frame is {@value #FRAME_FIXED} bytes
 * plus its type's and payload's UTF-8 bytes. The sum over all records is checked against the
 * segment files' size.
 */
final class LedgerBytes {
  /** Bytes of a record frame besides its type and payload. */
  static final int FRAME_FIXED = 4 + 1 + 8 + 8 + 2 + 4 + 4 + 32 + 32 + 4;

  /** Records and frame bytes of one event type in one phase. */
  static final class Tally {
    long records;
    long bytes;

    void add(long frame) {
      records++;
      bytes += frame;
    }
  }

  /** Bytes of the segment files (the records). */
  final long segmentBytes;

  /** Bytes of the Merkle tree files. */
  final long treeBytes;

  /** Every other file: the head, the writer lock. */
  final long otherBytes;

  /** Records in the ledger. */
  final long records;

  /** Frame bytes of every record. */
  final long frameBytes;

  /** Ledger times of the first and last {@code fleet.gpu.daily} record, epoch ms; -1 if none. */
  long dailyFirstMillis = -1;

  long dailyLastMillis = -1;

  /** Per phase (setup, warm-up, run, after), per event type. */
  final Map<String, Map<String, Tally>> byPhase = new TreeMap<>();

  private LedgerBytes(Path dir, long warmFrom, long runFrom, long runTo) {
    long[] parts = new long[3];
    try (Stream<Path> files = Files.walk(dir, 3)) {
      files
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .forEach(
              p -> {
                long size = size(p);
                String rel = dir.relativize(p).toString();
                parts[rel.startsWith("segments") ? 0 : rel.startsWith("tree") ? 1 : 2] += size;
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    segmentBytes = parts[0];
    treeBytes = parts[1];
    otherBytes = parts[2];
    long[] frames = new long[1];
    try (Ledger ledger = Ledger.openReadOnly(dir)) {
      records = ledger.size();
      ledger.forEach(
          0,
          ledger.size(),
          e -> {
            long frame =
                FRAME_FIXED + e.type().getBytes(StandardCharsets.UTF_8).length + e.payload().length;
            frames[0] += frame;
            if (e.type().equals("fleet.gpu.daily")) {
              long at = e.timestamp().toEpochMilli();
              dailyFirstMillis = dailyFirstMillis < 0 ? at : Math.min(dailyFirstMillis, at);
              dailyLastMillis = Math.max(dailyLastMillis, at);
            }
            String phase =
                e.seq() < warmFrom
                    ? "setup"
                    : e.seq() < runFrom ? "warm-up" : e.seq() < runTo ? "run" : "after";
            byPhase
                .computeIfAbsent(phase, k -> new TreeMap<>())
                .computeIfAbsent(e.type(), k -> new Tally())
                .add(frame);
          });
    }
    frameBytes = frames[0];
  }

  /**
   * Reads a closed ledger.
   *
   * @param dir the ledger's directory
   * @param warmFrom the first record of the warm-up
   * @param runFrom the first record of the measured phase
   * @param runTo the first record after it
   * @return the tallies
   */
  static LedgerBytes read(Path dir, long warmFrom, long runFrom, long runTo) {
    return new LedgerBytes(dir, warmFrom, runFrom, runTo);
  }

  /** Total bytes of the regular files under {@code dir}; 0 if it does not exist. */
  static long directorySize(Path dir) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir, 3)) {
      return files
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .mapToLong(LedgerBytes::size)
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records and bytes of one phase, types matching {@code prefix} (empty for all). */
  Tally phase(String phase, String prefix) {
    Tally t = new Tally();
    byPhase
        .getOrDefault(phase, Map.of())
        .forEach(
            (type, x) -> {
              if (type.startsWith(prefix)) {
                t.records += x.records;
                t.bytes += x.bytes;
              }
            });
    return t;
  }

  /** Merkle tree bytes per record, as stored. */
  double treeBytesPerRecord() {
    return records == 0 ? 0 : treeBytes / (double) records;
  }
}
