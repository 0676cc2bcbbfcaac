package io.hwledger.ledger;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Streams over every segment of a ledger and checks, record by record: the frame's length and CRC,
 * the body's format, its sequence number, its hash, its link to the previous record, and the stored
 * Merkle leaf; at the end, that the stored tree's root equals the root of the records. Holds O(log
 * n) hashes, never the ledger.
 */
final class LedgerVerifier {
  private static final int PROGRESS_EVERY = 100_000;

  private LedgerVerifier() {}

  static Verification verify(Path dir, NoteVerifier anchorKey, LongConsumer progress) {
    if (!Files.isDirectory(dir.resolve("segments"))) {
      throw new LedgerException("no ledger at " + dir + " (no segments directory)");
    }
    try {
      return new Run(dir, anchorKey, progress).run();
    } catch (IOException e) {
      throw new LedgerException("cannot verify " + dir + ": " + e.getMessage(), e);
    }
  }

  private static final class Run {
    private final Path dir;
    private final LongConsumer progress;
    private final NoteVerifier anchorKey;
    private MerkleFrontier frontier = new MerkleFrontier();
    private long seq;
    private byte[] prev = RecordCodec.GENESIS;
    private InputStream leaves;

    Run(Path dir, NoteVerifier anchorKey, LongConsumer progress) {
      this.dir = dir;
      this.anchorKey = anchorKey;
      this.progress = progress;
    }

    Verification run() throws IOException {
      List<Path> segments = SegmentLog.list(dir.resolve("segments"));
      Path level0 = dir.resolve("tree").resolve("level-00.bin");
      try (InputStream in =
          Files.exists(level0)
              ? new BufferedInputStream(Files.newInputStream(level0), 1 << 16)
              : InputStream.nullInputStream()) {
        leaves = in;
        if (!segments.isEmpty() && SegmentLog.firstSeq(segments.get(0)) > 0) {
          Verification bad = resumeAfterDroppedSegments(SegmentLog.firstSeq(segments.get(0)));
          if (bad != null) {
            return bad;
          }
        }
        for (int i = 0; i < segments.size(); i++) {
          Path segment = segments.get(i);
          long first = SegmentLog.firstSeq(segment);
          if (first != seq) {
            return bad(
                "segment "
                    + segment.getFileName()
                    + " starts at record "
                    + first
                    + " but the previous segment ends before record "
                    + seq);
          }
          Verification bad = segment(segment, i == segments.size() - 1);
          if (bad != null) {
            return bad;
          }
        }
        progress.accept(seq);
        byte[] root = frontier.root();
        try (TreeStore tree = TreeStore.openReadOnly(dir.resolve("tree"))) {
          if (tree.size() != seq) {
            return bad(
                "the stored Merkle tree has " + tree.size() + " leaves for " + seq + " records");
          }
          if (!Arrays.equals(MerkleTree.root(tree, seq), root)) {
            return bad("the stored Merkle tree's root differs from the records' root");
          }
        }
        return Verification.good(seq, root);
      }
    }

    /**
     * Segments before {@code first} were dropped: the chain resumes from the tree's leaf hash of
     * record {@code first − 1}, and the anchor checkpoint, when a key is given, must be signed and
     * match the stored tree.
     */
    private Verification resumeAfterDroppedSegments(long first) throws IOException {
      try (TreeStore tree = TreeStore.openReadOnly(dir.resolve("tree"))) {
        if (tree.size() < first) {
          return bad(
              "segments before record "
                  + first
                  + " were dropped but the tree has only "
                  + tree.size()
                  + " leaves");
        }
        if (anchorKey != null) {
          Path anchorFile = dir.resolve(Retention.ANCHOR);
          if (!Files.exists(anchorFile)) {
            return bad(
                "segments before record "
                    + first
                    + " were dropped and no anchor.note"
                    + " checkpoint anchors the rest");
          }
          Checkpoint anchor;
          try {
            anchor = anchorKey.verify(Files.readString(anchorFile));
          } catch (RuntimeException e) {
            return bad("the anchor checkpoint does not verify: " + e.getMessage());
          }
          if (anchor.treeSize() < first
              || anchor.treeSize() > tree.size()
              || !Arrays.equals(MerkleTree.root(tree, anchor.treeSize()), anchor.rootHash())) {
            return bad(
                "the stored tree does not match the signed anchor checkpoint of size "
                    + anchor.treeSize());
          }
        }
        prev = tree.node(0, first - 1);
        frontier = MerkleFrontier.resume(tree, first);
      }
      leaves.skipNBytes(first * 32);
      seq = first;
      return null;
    }

    private Verification segment(Path segment, boolean last) throws IOException {
      byte[] leaf = new byte[32];
      try (FrameReader reader = new FrameReader(segment, 0)) {
        FrameReader.Frame frame;
        while ((frame = reader.next()) != null) {
          switch (frame.status()) {
            case INCOMPLETE:
              return bad(
                  (last ? "torn tail: the last record is incomplete" : "record is incomplete")
                      + where(segment, frame));
            case BAD_LENGTH:
              return bad("impossible record length " + frame.length() + where(segment, frame));
            case BAD_CHECKSUM:
              return bad("checksum mismatch" + where(segment, frame));
            default:
              break;
          }
          byte[] buffer = frame.buffer();
          int body = FrameReader.BODY;
          int length = frame.length();
          String layout = RecordCodec.layoutProblem(buffer, body, length);
          if (layout != null) {
            return bad("malformed record: " + layout + where(segment, frame));
          }
          long claimed = RecordCodec.seq(buffer, body);
          if (claimed != seq) {
            return bad("record claims sequence number " + claimed + where(segment, frame));
          }
          byte[] hash = RecordCodec.hash(buffer, body, length);
          int stored = frame.hashOffset();
          if (!Arrays.equals(hash, 0, 32, buffer, stored, stored + 32)) {
            return bad(
                "stored hash "
                    + hex(frame.hash())
                    + " differs from the recomputed "
                    + hex(hash)
                    + where(segment, frame));
          }
          int prevAt = body + length - 32;
          if (!Arrays.equals(prev, 0, 32, buffer, prevAt, prevAt + 32)) {
            return bad(
                "chain broken: previous hash "
                    + hex(Arrays.copyOfRange(buffer, prevAt, prevAt + 32))
                    + " should be "
                    + hex(prev)
                    + where(segment, frame));
          }
          if (leaves.readNBytes(leaf, 0, 32) == 32 && !Arrays.equals(leaf, hash)) {
            return bad("Merkle leaf " + hex(leaf) + " differs from the record hash " + hex(hash));
          }
          frontier.push(hash, (level, index, node) -> {});
          prev = hash;
          seq++;
          if (seq % PROGRESS_EVERY == 0) {
            progress.accept(seq);
          }
        }
      }
      return null;
    }

    private static String where(Path segment, FrameReader.Frame frame) {
      return " (" + segment.getFileName() + " at offset " + frame.offset() + ")";
    }

    private Verification bad(String reason) {
      return Verification.bad(seq, frontier.root(), reason);
    }

    private static String hex(byte[] b) {
      return HexFormat.of().formatHex(b);
    }
  }
}
