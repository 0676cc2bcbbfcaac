package io.hwledger.ledger;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongConsumer;

/**
 * Streams over every segment of a ledger and checks, record by record: the frame's length and CRC,
 * the body's format, its sequence number, its hash, its link to the previous record, and the stored
 * Merkle leaf; at the end, that the stored tree's root equals the root of the records.
 *
 * <p>Two threads share the work, about evenly: this one reads frames, checks checksums, layout,
 * sequence numbers and chain links (against the stored hashes), and recomputes the hashes of
 * even-numbered records; a second one recomputes the hashes of odd-numbered records, compares every
 * hash with the stored leaf and folds it into the Merkle root (one node hash per record). Every
 * stored hash is recomputed by one of the two, so checking the chain against stored hashes is as
 * strong as against recomputed ones. They pass records in chunks through a small bounded queue, so
 * memory stays constant (O(log n) hashes of tree state, a few chunks in flight) however large the
 * ledger.
 */
final class LedgerVerifier {
  private static final int PROGRESS_EVERY = 100_000;
  private static final int CHUNK = 4096;

  private LedgerVerifier() {}

  static Verification verify(Path dir, NoteVerifier anchorKey, LongConsumer progress) {
    if (!Files.isDirectory(dir.resolve("segments"))) {
      throw new LedgerException("no ledger at " + dir + " (no segments directory)");
    }
    try {
      return new Run(dir, anchorKey, progress).run();
    } catch (IOException e) {
      throw new LedgerException("cannot verify " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("verification of " + dir + " was interrupted", e);
    }
  }

  /**
   * Stored record hashes handed to the tree thread, with the bodies of odd-numbered records for it
   * to hash; an empty chunk ends the stream.
   */
  private record Chunk(long firstSeq, byte[][] hashes, byte[][] oddBodies, int count) {}

  /** Compares record hashes with the stored leaves and folds them into the Merkle root. */
  private static final class TreeChecker implements Runnable {
    private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(4);
    private final InputStream leaves;
    private final MerkleFrontier frontier;
    private long firstBadSeq = -1;
    private String reason;
    private Throwable failure;

    TreeChecker(InputStream leaves, MerkleFrontier frontier) {
      this.leaves = leaves;
      this.frontier = frontier;
    }

    @Override
    public void run() {
      byte[] leaf = new byte[32];
      try {
        while (true) {
          Chunk chunk = chunks.take();
          if (chunk.count == 0) {
            return;
          }
          for (int i = 0; i < chunk.count && firstBadSeq < 0; i++) {
            byte[] hash = chunk.hashes[i];
            byte[] body = chunk.oddBodies[i];
            if (body != null) {
              byte[] computed = RecordCodec.hash(body);
              if (!Arrays.equals(computed, hash)) {
                firstBadSeq = chunk.firstSeq + i;
                reason =
                    "stored hash " + hex(hash) + " differs from the recomputed " + hex(computed);
                break;
              }
            }
            if (leaves.readNBytes(leaf, 0, 32) == 32 && !Arrays.equals(leaf, hash)) {
              firstBadSeq = chunk.firstSeq + i;
              reason = "Merkle leaf " + hex(leaf) + " differs from the record hash " + hex(hash);
              break;
            }
            frontier.push(hash, (level, index, node) -> {});
          }
        }
      } catch (IOException | InterruptedException | RuntimeException e) {
        failure = e;
      }
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
    private TreeChecker checker;
    private byte[][] pending = new byte[CHUNK][];
    private byte[][] pendingBodies = new byte[CHUNK][];
    private int pendingCount;
    private long pendingFirst;

    Run(Path dir, NoteVerifier anchorKey, LongConsumer progress) {
      this.dir = dir;
      this.anchorKey = anchorKey;
      this.progress = progress;
    }

    Verification run() throws IOException, InterruptedException {
      List<Path> segments = SegmentLog.list(dir.resolve("segments"));
      Path level0 = dir.resolve("tree").resolve("level-00.bin");
      try (InputStream in =
          Files.exists(level0)
              ? new BufferedInputStream(Files.newInputStream(level0), 1 << 16)
              : InputStream.nullInputStream()) {
        leaves = in;
        if (!segments.isEmpty() && SegmentLog.firstSeq(segments.get(0)) > 0) {
          String problem = resumeAfterDroppedSegments(SegmentLog.firstSeq(segments.get(0)));
          if (problem != null) {
            return Verification.bad(seq, frontier.root(), problem);
          }
        }
        checker = new TreeChecker(leaves, frontier);
        Thread tree = new Thread(checker, "hwledger-verify-tree");
        tree.setDaemon(true);
        tree.start();
        pendingFirst = seq;
        String problem = null;
        for (int i = 0; i < segments.size() && problem == null; i++) {
          Path segment = segments.get(i);
          long first = SegmentLog.firstSeq(segment);
          if (first != seq) {
            problem =
                "segment "
                    + segment.getFileName()
                    + " starts at record "
                    + first
                    + " but the previous segment ends before record "
                    + seq;
          } else {
            problem = segment(segment, i == segments.size() - 1);
          }
        }
        flush();
        checker.chunks.put(new Chunk(seq, new byte[0][], new byte[0][], 0));
        tree.join();
        if (checker.failure != null) {
          throw new LedgerException(
              "verifying the tree failed: " + checker.failure, checker.failure);
        }
        byte[] root = frontier.root();
        if (checker.firstBadSeq >= 0) {
          return Verification.bad(checker.firstBadSeq, root, checker.reason);
        }
        if (problem != null) {
          return Verification.bad(seq, root, problem);
        }
        progress.accept(seq);
        try (TreeStore stored = TreeStore.openReadOnly(dir.resolve("tree"))) {
          if (stored.size() != seq) {
            return Verification.bad(
                seq,
                root,
                "the stored Merkle tree has " + stored.size() + " leaves for " + seq + " records");
          }
          if (!Arrays.equals(MerkleTree.root(stored, seq), root)) {
            return Verification.bad(
                seq, root, "the stored Merkle tree's root differs from the records' root");
          }
        }
        return Verification.good(seq, root);
      }
    }

    /**
     * Segments before {@code first} were dropped: the chain resumes from the tree's leaf hash of
     * record {@code first − 1}, and the anchor checkpoint, when a key is given, must be signed and
     * match the stored tree.
     *
     * @return what is wrong, or null
     */
    private String resumeAfterDroppedSegments(long first) throws IOException {
      try (TreeStore tree = TreeStore.openReadOnly(dir.resolve("tree"))) {
        if (tree.size() < first) {
          return "segments before record "
              + first
              + " were dropped but the tree has only "
              + tree.size()
              + " leaves";
        }
        if (anchorKey != null) {
          Path anchorFile = dir.resolve(Retention.ANCHOR);
          if (!Files.exists(anchorFile)) {
            return "segments before record "
                + first
                + " were dropped and no anchor.note checkpoint anchors the rest";
          }
          Checkpoint anchor;
          try {
            anchor = anchorKey.verify(Files.readString(anchorFile));
          } catch (RuntimeException e) {
            return "the anchor checkpoint does not verify: " + e.getMessage();
          }
          if (anchor.treeSize() < first
              || anchor.treeSize() > tree.size()
              || !Arrays.equals(MerkleTree.root(tree, anchor.treeSize()), anchor.rootHash())) {
            return "the stored tree does not match the signed anchor checkpoint of size "
                + anchor.treeSize();
          }
        }
        prev = tree.node(0, first - 1);
        frontier = MerkleFrontier.resume(tree, first);
      }
      leaves.skipNBytes(first * 32);
      seq = first;
      return null;
    }

    /** Checks one segment's records; returns what is wrong with the first bad one, or null. */
    private String segment(Path segment, boolean last) throws IOException, InterruptedException {
      try (FrameReader reader = new FrameReader(segment, 0)) {
        FrameReader.Frame frame;
        while ((frame = reader.next()) != null) {
          switch (frame.status()) {
            case INCOMPLETE:
              return (last ? "torn tail: the last record is incomplete" : "record is incomplete")
                  + where(segment, frame);
            case BAD_LENGTH:
              return "impossible record length " + frame.length() + where(segment, frame);
            case BAD_CHECKSUM:
              return "checksum mismatch" + where(segment, frame);
            default:
              break;
          }
          byte[] buffer = frame.buffer();
          int body = FrameReader.BODY;
          int length = frame.length();
          String layout = RecordCodec.layoutProblem(buffer, body, length);
          if (layout != null) {
            return "malformed record: " + layout + where(segment, frame);
          }
          long claimed = RecordCodec.seq(buffer, body);
          if (claimed != seq) {
            return "record claims sequence number " + claimed + where(segment, frame);
          }
          int stored = frame.hashOffset();
          byte[] hash = Arrays.copyOfRange(buffer, stored, stored + 32);
          int prevAt = body + length - 32;
          if (!Arrays.equals(prev, 0, 32, buffer, prevAt, prevAt + 32)) {
            return "chain broken: previous hash "
                + hex(Arrays.copyOfRange(buffer, prevAt, prevAt + 32))
                + " should be "
                + hex(prev)
                + where(segment, frame);
          }
          if ((seq & 1) == 0) {
            byte[] computed = RecordCodec.hash(buffer, body, length);
            if (!Arrays.equals(computed, hash)) {
              return "stored hash "
                  + hex(hash)
                  + " differs from the recomputed "
                  + hex(computed)
                  + where(segment, frame);
            }
          } else {
            pendingBodies[pendingCount] = Arrays.copyOfRange(buffer, body, body + length);
          }
          pending[pendingCount++] = hash;
          if (pendingCount == CHUNK) {
            flush();
          }
          prev = hash;
          seq++;
          if (seq % PROGRESS_EVERY == 0) {
            progress.accept(seq);
          }
        }
      }
      return null;
    }

    private void flush() throws InterruptedException {
      if (pendingCount > 0) {
        checker.chunks.put(new Chunk(pendingFirst, pending, pendingBodies, pendingCount));
        pending = new byte[CHUNK][];
        pendingBodies = new byte[CHUNK][];
        pendingFirst += pendingCount;
        pendingCount = 0;
      }
    }

    private static String where(Path segment, FrameReader.Frame frame) {
      return " (" + segment.getFileName() + " at offset " + frame.offset() + ")";
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
