package io.hwledger.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only segment files of a ledger: {@code segments/NNNNNNNNNNNNNNNNNNNN.seg}, named by
 * the sequence number of their first record, each a run of {@link RecordCodec} frames.
 *
 * <p>Opening recovers a torn tail: when the last segment ends in a frame that is incomplete or
 * fails its checksum and nothing valid follows it (what a crash in the middle of a write leaves),
 * those bytes are moved to a {@code .torn-OFFSET} file beside the segment and the segment is cut
 * back to its last complete record. A damaged frame followed by a valid one is corruption, not a
 * torn write: opening refuses, and nothing is truncated.
 *
 * <p>While open for writing, the current segment is allocated ahead to {@code segmentBytes} (a
 * sparse extension, zeros to readers), so that the fsync after each batch need not also change the
 * file's size: that halves what SQLite's write-ahead log, which reuses its file, saves over a
 * growing file. Closing, or rolling to the next segment, cuts the file back to its frames; after a
 * crash the zeros that follow the last frame read as the end of the log ({@link FrameReader}).
 */
final class SegmentLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);
  private static final String SUFFIX = ".seg";

  private final Path dir;
  private final long segmentBytes;
  private FileChannel current;
  private long currentSize;
  private long allocated;

  /** What opening found. */
  record State(long records, byte[] lastHash) {}

  private SegmentLog(Path dir, long segmentBytes) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
  }

  /**
   * Opens (creating when needed) the segments in {@code dir} for appending, recovering the tail.
   */
  static SegmentLog open(Path dir, long segmentBytes) throws IOException {
    Files.createDirectories(dir);
    SegmentLog log = new SegmentLog(dir, segmentBytes);
    return log;
  }

  /** Scans and recovers the last segment; returns the record count and the last record's hash. */
  State recover() throws IOException {
    List<Path> segments = list(dir);
    if (segments.isEmpty()) {
      return new State(0, RecordCodec.GENESIS);
    }
    Path last = segments.get(segments.size() - 1);
    long first = firstSeq(last);
    Scan scan = scan(last, first);
    if (scan.damagedAt >= 0) {
      quarantine(last, scan.damagedAt);
    }
    current = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.READ);
    currentSize = scan.damagedAt >= 0 ? scan.damagedAt : scan.end;
    allocated = current.size();
    long records = first + scan.count;
    byte[] lastHash = scan.lastHash;
    if (scan.count == 0) {
      lastHash = lastHashBefore(segments, segments.size() - 1, first);
    }
    return new State(records, lastHash);
  }

  /**
   * Records in the segments of {@code dir} up to the first damaged frame of the last segment,
   * without changing anything.
   */
  static long countCompleteRecords(Path dir) throws IOException {
    List<Path> segments = list(dir);
    if (segments.isEmpty()) {
      return 0;
    }
    Path last = segments.get(segments.size() - 1);
    long count = firstSeq(last);
    try (FrameReader reader = new FrameReader(last, 0)) {
      FrameReader.Frame frame;
      while ((frame = reader.next()) != null && frame.status() == FrameReader.Status.OK) {
        count++;
      }
    }
    return count;
  }

  private byte[] lastHashBefore(List<Path> segments, int index, long first) throws IOException {
    if (first == 0) {
      return RecordCodec.GENESIS;
    }
    if (index == 0) {
      throw new LedgerException(
          "segment "
              + segments.get(0).getFileName()
              + " starts at "
              + first
              + " and no earlier segment holds record "
              + (first - 1));
    }
    Path previous = segments.get(index - 1);
    Scan scan = scan(previous, firstSeq(previous));
    if (scan.damagedAt >= 0 || firstSeq(previous) + scan.count != first) {
      throw new LedgerException(
          "segment " + previous.getFileName() + " does not end at record " + (first - 1));
    }
    return scan.lastHash;
  }

  private static final class Scan {
    long count;
    byte[] lastHash;
    long damagedAt = -1;
    long end;
  }

  private static Scan scan(Path segment, long firstSeq) throws IOException {
    Scan scan = new Scan();
    try (FrameReader reader = new FrameReader(segment, 0)) {
      FrameReader.Frame frame;
      while ((frame = reader.next()) != null) {
        long expected = firstSeq + scan.count;
        if (frame.status() != FrameReader.Status.OK) {
          if (frame.status() == FrameReader.Status.BAD_CHECKSUM
              && validFrameAt(segment, frame.end())) {
            throw new LedgerException(
                "record "
                    + expected
                    + " in "
                    + segment.getFileName()
                    + " at offset "
                    + frame.offset()
                    + " fails its checksum but later records are intact:"
                    + " corruption, not a torn write; run verify");
          }
          scan.damagedAt = frame.offset();
          return scan;
        }
        long seq = RecordCodec.decode(frame.body()).seq();
        if (seq != expected) {
          throw new LedgerException(
              "segment "
                  + segment.getFileName()
                  + " holds record "
                  + seq
                  + " where "
                  + expected
                  + " belongs");
        }
        scan.count++;
        scan.lastHash = frame.hash();
        scan.end = frame.end();
      }
    }
    return scan;
  }

  private static boolean validFrameAt(Path segment, long offset) throws IOException {
    if (offset >= Files.size(segment)) {
      return false;
    }
    try (FrameReader reader = new FrameReader(segment, offset)) {
      FrameReader.Frame next = reader.next();
      return next != null && next.status() == FrameReader.Status.OK;
    }
  }

  private static void quarantine(Path segment, long offset) throws IOException {
    Path torn = segment.resolveSibling(segment.getFileName() + ".torn-" + offset);
    try (FileChannel in =
            FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel out =
            FileChannel.open(
                torn,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
      long length = in.size() - offset;
      long copied = 0;
      while (copied < length) {
        copied += in.transferTo(offset + copied, length - copied, out);
      }
      out.force(true);
      in.truncate(offset);
      in.force(true);
    }
    LOG.warn(
        "recovered a torn tail: moved {} bytes from {} to {}",
        Files.size(torn),
        segment.getFileName(),
        torn.getFileName());
  }

  /**
   * Appends whole frames whose first record is {@code firstSeq}, rolling to a new segment first
   * when the current one is full.
   */
  void append(ByteBuffer frames, long firstSeq) throws IOException {
    if (current == null || currentSize >= segmentBytes) {
      roll(firstSeq);
    }
    long end = currentSize + frames.remaining();
    if (end > allocated) {
      allocate(Math.max(end, segmentBytes));
    }
    while (frames.hasRemaining()) {
      currentSize += current.write(frames, currentSize);
    }
  }

  /** Extends the current segment to {@code size} bytes without writing them (a sparse tail). */
  private void allocate(long size) throws IOException {
    current.write(ByteBuffer.allocate(1), size - 1);
    current.force(true); // once, so that batch fsyncs find the size already durable
    allocated = size;
  }

  /** Cuts the current segment back to its frames. */
  private void trim() throws IOException {
    if (allocated > currentSize) {
      current.truncate(currentSize);
      allocated = currentSize;
    }
  }

  private void roll(long firstSeq) throws IOException {
    if (current != null) {
      trim();
      current.force(true);
      current.close();
    }
    Path next = dir.resolve(name(firstSeq));
    current =
        FileChannel.open(
            next, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
    currentSize = 0;
    allocated = 0;
    forceDirectory(dir);
  }

  /** Forces written frames to the storage device. */
  void force() throws IOException {
    if (current != null) {
      current.force(false);
    }
  }

  /** Cuts the current segment back to its frames, forces it, and closes it. */
  @Override
  public void close() throws IOException {
    if (current != null) {
      try {
        trim();
        current.force(true);
      } finally {
        current.close();
      }
    }
  }

  /**
   * Closes without touching the file, after a failed write or fsync: whatever follows the last
   * acknowledged frame is left for recovery to judge on the next open.
   */
  void abandon() throws IOException {
    if (current != null) {
      current.close();
    }
  }

  static String name(long firstSeq) {
    return String.format(Locale.ROOT, "%020d%s", firstSeq, SUFFIX);
  }

  /** The segment files of {@code dir}, in sequence order. */
  static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path p : ds) {
        out.add(p);
      }
    }
    out.sort(null);
    return out;
  }

  /** The sequence number of a segment's first record, from its name. */
  static long firstSeq(Path segment) {
    String name = segment.getFileName().toString();
    try {
      return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    } catch (NumberFormatException e) {
      throw new LedgerException("unexpected segment file name " + name, e);
    }
  }

  static void forceDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot open or force a directory; the file's own force still holds.
      LOG.debug("cannot force directory {}: {}", dir, e.toString());
    }
  }
}
