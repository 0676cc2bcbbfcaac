package io.hwledger.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Reads complete records in sequence order from the segment files, from a given record on. */
final class RecordScanner {
  private RecordScanner() {}

  /** Receives each record read. */
  interface Visitor {
    /** Returns false to stop. */
    boolean visit(RecordCodec.Body body, byte[] hash) throws IOException;
  }

  /**
   * Visits the records {@code [from, to)} (stopping early at the end of the data or when the
   * visitor says so).
   *
   * @throws LedgerException if a frame in that range is damaged
   */
  static void scan(Path segmentsDir, long from, long to, Visitor visitor) throws IOException {
    List<Path> segments = SegmentLog.list(segmentsDir);
    int start = 0;
    for (int i = 0; i < segments.size(); i++) {
      if (SegmentLog.firstSeq(segments.get(i)) <= from) {
        start = i;
      }
    }
    long next = from;
    for (int i = start; i < segments.size(); i++) {
      Path segment = segments.get(i);
      long seq = SegmentLog.firstSeq(segment);
      if (seq >= to) {
        return;
      }
      if (seq > next) {
        throw new LedgerException(SegmentLog.gapBefore(segment, next) + "; run verify");
      }
      try (FrameReader reader = new FrameReader(segment, 0)) {
        FrameReader.Frame frame;
        while (seq < to && (frame = reader.next()) != null) {
          if (frame.status() != FrameReader.Status.OK) {
            throw new LedgerException(
                "record "
                    + seq
                    + " in "
                    + segment.getFileName()
                    + " is damaged ("
                    + frame.status()
                    + "); run verify");
          }
          if (seq >= from) {
            RecordCodec.Body body = RecordCodec.decode(frame.body());
            if (body.seq() != seq) {
              throw new LedgerException(
                  "record "
                      + seq
                      + " in "
                      + segment.getFileName()
                      + " claims sequence number "
                      + body.seq()
                      + "; run verify");
            }
            if (!visitor.visit(body, frame.hash())) {
              return;
            }
          }
          seq++;
          next = Math.max(next, seq);
        }
      }
    }
    if (next < to) {
      throw new LedgerException("records " + next + ".." + (to - 1) + " are missing; run verify");
    }
  }

  /** The event view of a decoded record. */
  static RecordedEvent event(RecordCodec.Body body, byte[] hash) {
    long micros = body.timestampMicros();
    Instant time =
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    return new RecordedEvent(
        body.seq(), time, body.type(), body.schemaVersion(), body.payload(), hash);
  }
}
