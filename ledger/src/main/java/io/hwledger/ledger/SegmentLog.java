package io.hwledger.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
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
  private final long retainedFrom;
  private FileChannel current;
  private long currentFirst;
  private long currentSize;
  private long allocated;
  private boolean allocateAhead = true;

  private SegmentLog(Path dir, long segmentBytes, long retainedFrom) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.retainedFrom = retainedFrom;
  }

  /**
   * Opens (creating when needed) the segments in {@code dir} for appending; {@link #recover} must
   * run before the first append.
   *
   * @param retainedFrom the first record still held ({@link RetainedStart}); segments that end
   *     before it are left over from an interrupted retention and are not part of the log
   */
  static SegmentLog open(Path dir, long segmentBytes, long retainedFrom) throws IOException {
    Files.createDirectories(dir);
    return new SegmentLog(dir, segmentBytes, retainedFrom);
  }

  /**
   * Scans the last segment and recovers a torn tail; returns the record count and the last record's
   * hash.
   *
   * <p>A frame that is incomplete or fails its checksum is a torn tail only when it was never
   * acknowledged and nothing but zeros follows it: then exactly its bytes (not the zeros allocated
   * after them) move to a {@code .torn-OFFSET} file, which is forced before the segment is cut, so
   * recovery needs only as much free space as the torn bytes. Otherwise opening refuses and changes
   * nothing: the damaged record was acknowledged ({@code acknowledged}, from the head or the tree,
   * covers it) or more data follows it.
   *
   * @param acknowledged records known to have been acknowledged (a lower bound)
   * @throws LedgerException naming the record when an acknowledged record is damaged
   */
  long recover(long acknowledged) throws IOException {
    List<Path> segments = list(dir, retainedFrom);
    if (segments.isEmpty()) {
      return retainedFrom;
    }
    Path last = segments.get(segments.size() - 1);
    long first = firstSeq(last);
    long records = first;
    long end = 0;
    try (FrameReader reader = new FrameReader(last, 0)) {
      FrameReader.Frame frame;
      while ((frame = reader.next()) != null) {
        if (frame.status() != FrameReader.Status.OK) {
          long tornEnd = tornEnd(last, frame, records, acknowledged);
          quarantine(dir, last, frame.offset(), tornEnd);
          break;
        }
        long seq = RecordCodec.seq(frame.buffer(), FrameReader.BODY);
        if (seq != records) {
          throw new LedgerException(
              "segment "
                  + last.getFileName()
                  + " holds record "
                  + seq
                  + " where "
                  + records
                  + " belongs; run verify");
        }
        records++;
        end = frame.end();
      }
    }
    current = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.READ);
    currentFirst = first;
    currentSize = end;
    allocated = current.size();
    return records;
  }

  /**
   * Where the torn bytes starting at {@code frame} end (after its last non-zero byte), when they
   * are a torn tail; throws when they are damage.
   */
  private static long tornEnd(Path segment, FrameReader.Frame frame, long seq, long acknowledged)
      throws IOException {
    String where =
        "record " + seq + " in " + segment.getFileName() + " at offset " + frame.offset();
    if (seq < acknowledged) {
      throw new LedgerException(
          where
              + " is damaged ("
              + describe(frame.status())
              + ") but was acknowledged ("
              + acknowledged
              + " records were): corruption, not a torn write; nothing was changed; run verify");
    }
    long claimedEnd =
        switch (frame.status()) {
          case BAD_CHECKSUM -> frame.end();
          case BAD_LENGTH -> frame.offset() + 4;
          default -> Files.size(segment);
        };
    long lastNonZero = lastNonZeroByte(segment, frame.offset());
    if (lastNonZero >= claimedEnd) {
      throw new LedgerException(
          where
              + " is damaged ("
              + describe(frame.status())
              + ") and more data follows it: corruption, not a torn write; nothing was changed;"
              + " run verify");
    }
    return lastNonZero + 1;
  }

  private static String describe(FrameReader.Status status) {
    return switch (status) {
      case INCOMPLETE -> "incomplete";
      case BAD_LENGTH -> "impossible length";
      case BAD_CHECKSUM -> "checksum mismatch";
      case OK -> "intact";
    };
  }

  /** The offset of the last non-zero byte at or after {@code from}, or {@code from − 1}. */
  private static long lastNonZeroByte(Path segment, long from) throws IOException {
    long last = from - 1;
    try (FileChannel c = FileChannel.open(segment, StandardOpenOption.READ)) {
      ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
      long position = from;
      int got;
      while ((got = c.read(chunk.clear(), position)) > 0) {
        byte[] a = chunk.array();
        for (int i = got - 1; i >= 0; i--) {
          if (a[i] != 0) {
            last = position + i;
            break;
          }
        }
        position += got;
      }
    }
    return last;
  }

  /**
   * Moves the torn bytes {@code [from, to)} of {@code segment} to {@code SEGMENT.torn-FROM},
   * forced, then cuts the segment at {@code from}. If the copy fails (a full disk), the segment is
   * left as it was. {@code dir} is the segment's directory, forced after the cut.
   */
  private static void quarantine(Path dir, Path segment, long from, long to) throws IOException {
    Path torn = segment.resolveSibling(segment.getFileName() + ".torn-" + from);
    try (FileChannel in = FileChannel.open(segment, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(
                torn,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
      long copied = 0;
      while (copied < to - from) {
        copied += in.transferTo(from + copied, to - from - copied, out);
      }
      out.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(torn);
      throw new IOException(
          "cannot move the torn tail of " + segment.getFileName() + " aside: " + e.getMessage(), e);
    }
    try (FileChannel cut = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      cut.truncate(from);
      cut.force(true);
    }
    forceDirectory(dir);
    LOG.warn(
        "recovered a torn tail: moved {} bytes from {} to {}",
        to - from,
        segment.getFileName(),
        torn.getFileName());
  }

  /**
   * The complete records of the segments in {@code dir} from {@code retainedFrom} on: their count
   * and where the last segment's valid frames end, without changing anything. A damaged frame in
   * the last segment ends the count there (the caller judges whether it was acknowledged).
   */
  static Tail tail(Path dir, long retainedFrom) throws IOException {
    List<Path> segments = list(dir, retainedFrom);
    if (segments.isEmpty()) {
      return new Tail(retainedFrom, -1, null);
    }
    Path last = segments.get(segments.size() - 1);
    long count = firstSeq(last);
    try (FrameReader reader = new FrameReader(last, 0)) {
      FrameReader.Frame frame;
      while ((frame = reader.next()) != null) {
        if (frame.status() != FrameReader.Status.OK) {
          return new Tail(count, frame.offset(), last);
        }
        count++;
      }
    }
    return new Tail(count, -1, null);
  }

  /**
   * What {@link #tail} found: {@code records} complete records, and when the last segment holds a
   * damaged or torn frame after them, its offset ({@code -1} when none) and segment.
   */
  record Tail(long records, long damagedAt, Path segment) {}

  /**
   * Appends whole frames whose first record is {@code firstSeq}, rolling to a new segment first
   * when the current one is full.
   *
   * @return the offset in the current segment ({@link #currentSegment()}) where the frames start
   */
  long append(ByteBuffer frames, long firstSeq) throws IOException {
    if (current == null || currentSize >= segmentBytes) {
      roll(firstSeq);
    }
    long start = currentSize;
    long end = currentSize + frames.remaining();
    if (end > allocated && allocateAhead) {
      allocate(Math.max(end, segmentBytes));
    }
    while (frames.hasRemaining()) {
      currentSize += current.write(frames, currentSize);
    }
    return start;
  }

  /** The first sequence number of the segment being written. */
  long currentSegment() {
    return currentFirst;
  }

  /**
   * Extends the current segment to {@code size} bytes without writing them (a sparse tail). Where
   * that fails (a file size limit such as {@code ulimit -f}, a full disk), the segment grows with
   * its writes from then on instead, and only a write that itself fails stops the writer.
   */
  private void allocate(long size) throws IOException {
    try {
      current.write(ByteBuffer.allocate(1), size - 1);
      current.force(true); // once, so that batch fsyncs find the size already durable
      allocated = size;
    } catch (IOException e) {
      allocateAhead = false;
      LOG.debug("cannot allocate {} ahead to {} bytes ({}); growing with writes", dir, size, e);
    }
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
    currentFirst = firstSeq;
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

  /**
   * The segment files of {@code dir} in sequence order, from the one holding record {@code
   * retainedFrom} on (those that end before it are left over from an interrupted retention).
   */
  static List<Path> list(Path dir, long retainedFrom) throws IOException {
    List<Path> all = list(dir);
    int from = 0;
    while (from + 1 < all.size() && firstSeq(all.get(from + 1)) <= retainedFrom) {
      from++;
    }
    return all.subList(from, all.size());
  }

  /** The segment files of {@code dir}, in sequence order. */
  static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path p : ds) {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          // a FIFO would block every reader forever; a link could lead outside the ledger
          throw new LedgerException("segment " + p + " is not a regular file");
        }
        out.add(p);
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * What is wrong when {@code segment} is the next one but record {@code seq} is expected: the
   * records between are missing.
   */
  static String gapBefore(Path segment, long seq) {
    long first = firstSeq(segment);
    return "records "
        + seq
        + ".."
        + (first - 1)
        + " are missing: segment "
        + segment.getFileName()
        + " starts at record "
        + first;
  }

  /** The sequence number of a segment's first record, from its name. */
  static long firstSeq(Path segment) {
    String name = Objects.toString(segment.getFileName(), "");
    if (!name.endsWith(SUFFIX)) {
      throw new LedgerException("unexpected segment file name " + segment);
    }
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
