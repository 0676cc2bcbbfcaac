package io.hwledger.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/**
 * Hashes records forward from a {@link ChainPoint}: each record's frame checksum, layout, sequence
 * number and link to the previous record are checked, its hash is recomputed from its bytes and
 * compared with the stored one, and it is pushed onto the point's Merkle frontier. The result is
 * the point the records come to, computed from the records alone.
 *
 * <p>The walk stops at the first frame that is not complete in the last segment (the caller judges
 * whether that is a torn tail), or at a given size. Anything else wrong — a damaged frame with
 * segments after it, a record out of sequence, a broken link, a hash that does not match its bytes,
 * a missing segment — is damage, and throws a {@link LedgerException} naming the record.
 */
final class ChainWalk {
  private static final MerkleFrontier.NodeSink IGNORE_NODES = (level, index, node) -> {};

  private ChainWalk() {}

  /** Receives each record's hash, in order. */
  interface LeafSink {
    void leaf(long seq, byte[] hash) throws IOException;
  }

  /**
   * Where the walk ended: the point reached, where its last record lies, and whether it stopped at
   * a frame that is not complete ({@code stoppedAt} its offset in {@code stoppedIn}, else −1).
   */
  record End(ChainPoint point, LedgerHead.Position position, long stoppedAt, Path stoppedIn) {}

  /**
   * Whether record {@code slot.point().size() − 1} is still where {@code slot} says and hashes to
   * its last hash, which, through the chain, commits to every record before it. A head at size 0
   * always holds.
   */
  static boolean confirms(Path segmentsDir, LedgerHead.Slot slot) throws IOException {
    ChainPoint point = slot.point();
    if (point.size() == 0) {
      return true;
    }
    LedgerHead.Position at = slot.position();
    Path segment = segmentsDir.resolve(SegmentLog.name(at.segment()));
    if (!Files.isRegularFile(segment) || at.frameStart() < 0 || at.frameStart() >= at.frameEnd()) {
      return false;
    }
    try (FrameReader reader = new FrameReader(segment, at.frameStart())) {
      FrameReader.Frame frame = reader.next();
      return frame != null
          && frame.status() == FrameReader.Status.OK
          && frame.end() == at.frameEnd()
          && RecordCodec.layoutProblem(frame.buffer(), FrameReader.BODY, frame.length()) == null
          && RecordCodec.seq(frame.buffer(), FrameReader.BODY) == point.size() - 1
          && MessageDigest.isEqual(
              RecordCodec.hash(frame.buffer(), FrameReader.BODY, frame.length()), point.lastHash());
    } catch (IOException e) {
      return false; // shorter than the position: the records moved or shrank
    }
  }

  /**
   * Walks from {@code from} (whose last record lies at {@code at}, or null to find it by reading
   * frames from the start of its segment) up to record {@code to} (exclusive) or the end of the
   * complete records.
   *
   * @param segments the ledger's segments, in order ({@link SegmentLog#list(Path, long)})
   */
  static End walk(
      List<Path> segments, ChainPoint from, LedgerHead.Position at, long to, LeafSink sink)
      throws IOException {
    if (from.size() == 0) {
      at = null; // nothing before the point to find
    }
    MerkleFrontier frontier = from.frontier();
    byte[] prev = from.lastHash();
    long seq = from.size();
    LedgerHead.Position position = at == null ? LedgerHead.Position.NONE : at;
    int index = startSegment(segments, from.size(), at);
    long offset = at == null ? 0 : at.frameEnd();
    for (int i = index; i < segments.size() && seq < to; i++, offset = 0) {
      Path segment = segments.get(i);
      long first = SegmentLog.firstSeq(segment);
      if (offset == 0 && first > seq) {
        throw new LedgerException(SegmentLog.gapBefore(segment, seq));
      }
      long expected = offset == 0 ? first : seq;
      boolean last = i == segments.size() - 1;
      try (FrameReader reader = new FrameReader(segment, offset)) {
        FrameReader.Frame frame;
        while (seq < to && (frame = reader.next()) != null) {
          if (frame.status() != FrameReader.Status.OK) {
            if (last && expected >= from.size()) {
              return new End(ChainPoint.of(frontier, prev), position, frame.offset(), segment);
            }
            throw new LedgerException(
                "record " + expected + " is damaged" + where(segment, frame) + "; run verify");
          }
          byte[] buffer = frame.buffer();
          boolean covered = expected < seq; // before the point, which vouches for it
          String problem =
              RecordCodec.problem(
                  buffer, frame.length(), expected, covered ? null : prev, !covered);
          if (problem != null) {
            throw new LedgerException(
                "record " + expected + " is damaged: " + problem + where(segment, frame));
          }
          expected++;
          if (covered) {
            if (expected == seq) {
              position = new LedgerHead.Position(first, frame.offset(), frame.end());
            }
            continue;
          }
          byte[] hash = frame.hash();
          frontier.push(hash, IGNORE_NODES);
          sink.leaf(seq, hash);
          prev = hash;
          position = new LedgerHead.Position(first, frame.offset(), frame.end());
          seq++;
        }
      }
    }
    if (seq < from.size()) {
      throw new LedgerException("records " + seq + ".." + (from.size() - 1) + " are missing");
    }
    return new End(ChainPoint.of(frontier, prev), position, -1, null);
  }

  /** The segment to start in: the one {@code at} names, else the last that starts at or before. */
  private static int startSegment(List<Path> segments, long seq, LedgerHead.Position at) {
    int index = 0;
    for (int i = 0; i < segments.size(); i++) {
      long first = SegmentLog.firstSeq(segments.get(i));
      if (at != null && first == at.segment()) {
        return i;
      }
      if (first <= seq) {
        index = i;
      }
    }
    if (at != null) {
      throw new LedgerException("segment " + SegmentLog.name(at.segment()) + " is missing");
    }
    return index;
  }

  private static String where(Path segment, FrameReader.Frame frame) {
    return " (" + segment.getFileName() + " at offset " + frame.offset() + ")";
  }
}
