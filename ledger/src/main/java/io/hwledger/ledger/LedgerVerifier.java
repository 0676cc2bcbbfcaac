package io.hwledger.ledger;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongConsumer;

/**
 * Streams over every held record of a ledger and checks, record by record: the frame's length and
 * CRC, the body's format, its sequence number, its hash, its link to the previous record. Then
 * everything derived from the records: every node of the stored Merkle tree (leaves and inner
 * nodes), the head's chain point, and the roots of the signed anchor and of a given checkpoint,
 * each computed from the records. It also checks that no records are missing: the held records
 * start at record 0 or exactly at the retained start ({@link RetainedStart}), and reach at least as
 * far as the head and the tree say were acknowledged.
 *
 * <p>While a writer holds the ledger, only what it acknowledged (the head's size) is checked, so a
 * record being written is never reported as torn.
 *
 * <p>Two threads share the work, about evenly: this one reads frames, checks checksums, layout,
 * sequence numbers and chain links (against the stored hashes), and recomputes the hashes of
 * even-numbered records; a second one recomputes the hashes of odd-numbered records and folds every
 * hash into the Merkle frontier, comparing each node it completes with the stored tree. Every
 * stored hash is recomputed by one of the two, so checking the chain against stored hashes is as
 * strong as against recomputed ones. They pass records in chunks through a small bounded queue, so
 * memory stays constant (O(log n) hashes of tree state, a few chunks in flight) however large the
 * ledger.
 */
final class LedgerVerifier {
  private static final int PROGRESS_EVERY = 100_000;
  private static final int CHUNK = 4096;
  private static final int LEVELS = 64;

  private LedgerVerifier() {}

  /**
   * Verifies the ledger in {@code dir}.
   *
   * @param anchorKey when not null, the key the anchor checkpoint of dropped segments must verify
   *     with
   * @param expected when not null, a checkpoint whose root the records must have at its size
   */
  static Verification verify(
      Path dir, NoteVerifier anchorKey, Checkpoint expected, LongConsumer progress) {
    if (!Files.isDirectory(LedgerOpener.segments(dir))) {
      throw new LedgerException("no ledger at " + dir + " (no segments directory)");
    }
    try {
      return new Run(dir, anchorKey, expected, progress).run();
    } catch (IOException e) {
      throw new LedgerException("cannot verify " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("verification of " + dir + " was interrupted", e);
    }
  }

  /** The first problem found: the record it concerns and what is wrong. */
  private record Problem(long seq, String reason) {}

  /** The earlier of two problems, either of which may be null; {@code a} on a tie. */
  private static Problem first(Problem a, Problem b) {
    return a == null || (b != null && b.seq() < a.seq()) ? b : a;
  }

  /**
   * Stored record hashes handed to the tree thread, with the bodies of odd-numbered records for it
   * to hash; an empty chunk ends the stream.
   */
  @SuppressWarnings("ArrayRecordComponent") // a private batch of hashes, never compared
  private record Chunk(long firstSeq, byte[][] hashes, byte[][] oddBodies, int count) {}

  /**
   * Recomputes odd records' hashes, folds every leaf into the Merkle frontier from leaf 0, compares
   * every node completed with the stored tree, and keeps the chain points at the sizes asked for.
   */
  private static final class TreeChecker implements Runnable {
    private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(4);
    private final Path treeDir;
    private final InputStream[] levels = new InputStream[LEVELS];
    private final boolean[] levelEnded = new boolean[LEVELS];
    private final MerkleFrontier frontier = new MerkleFrontier();
    private final Map<Long, ChainPoint> points = new HashMap<>();
    private final long[] wanted;
    private final byte[] stored = new byte[32];
    private byte[] lastLeaf = RecordCodec.GENESIS;
    private Problem records;
    private Problem tree;

    /** At most how many leaves the tree holds, from the first node found missing; −1: all. */
    private long treeEnds = -1;

    private Throwable failure;

    TreeChecker(Path treeDir, long[] wanted) {
      this.treeDir = treeDir;
      this.wanted = wanted;
      keep();
    }

    @Override
    public void run() {
      try {
        while (true) {
          Chunk chunk = chunks.take();
          if (chunk.count == 0) {
            return;
          }
          for (int i = 0; i < chunk.count && records == null; i++) {
            byte[] hash = chunk.hashes[i];
            byte[] body = chunk.oddBodies[i];
            if (body != null) {
              byte[] computed = RecordCodec.hash(body);
              if (!Arrays.equals(computed, hash)) {
                records =
                    new Problem(
                        chunk.firstSeq + i,
                        "stored hash "
                            + hex(hash)
                            + " differs from the recomputed "
                            + hex(computed));
                break;
              }
            }
            push(hash);
          }
        }
      } catch (IOException | InterruptedException | RuntimeException e) {
        failure = e;
      }
    }

    /** Folds one leaf in and compares it, and every node it completes, with the stored tree. */
    void push(byte[] leaf) throws IOException {
      frontier.push(leaf, this::compare);
      lastLeaf = leaf;
      keep();
    }

    private void keep() {
      for (long size : wanted) {
        if (size == frontier.size()) {
          points.put(size, ChainPoint.of(frontier, lastLeaf));
        }
      }
    }

    private void compare(int level, long index, byte[] node) {
      if (tree != null || levelEnded[level]) {
        return;
      }
      try {
        if (levels[level] == null) {
          Path file =
              treeDir.resolve(String.format(java.util.Locale.ROOT, "level-%02d.bin", level));
          levels[level] =
              Files.isRegularFile(file)
                  ? new BufferedInputStream(Files.newInputStream(file), 1 << 16)
                  : InputStream.nullInputStream();
        }
        if (levels[level].readNBytes(stored, 0, 32) < 32) {
          // node `index` is missing, so the tree holds fewer than (index + 1) · 2^level leaves
          levelEnded[level] = true;
          long covers = ((index + 1) << level) - 1;
          if (treeEnds < 0 || covers < treeEnds) {
            treeEnds = covers;
          }
          return;
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      if (!MessageDigest.isEqual(stored, node)) {
        long first = index << level;
        tree =
            new Problem(
                first,
                level == 0
                    ? "Merkle leaf " + hex(stored) + " differs from the record hash " + hex(node)
                    : "Merkle tree node "
                        + index
                        + " of level "
                        + level
                        + " (leaves "
                        + first
                        + ".."
                        + (first + (1L << level) - 1)
                        + ") differs from the records' "
                        + hex(node));
      }
    }

    void close() throws IOException {
      for (InputStream in : levels) {
        if (in != null) {
          in.close();
        }
      }
    }
  }

  private static final class Run {
    private final Path dir;
    private final LongConsumer progress;
    private final NoteVerifier anchorKey;
    private final Checkpoint expected;
    private long seq;
    private byte[] prev;
    private TreeChecker checker;
    private byte[][] pending = new byte[CHUNK][];
    private byte[][] pendingBodies = new byte[CHUNK][];
    private int pendingCount;
    private long pendingFirst;

    Run(Path dir, NoteVerifier anchorKey, Checkpoint expected, LongConsumer progress) {
      this.dir = dir;
      this.anchorKey = anchorKey;
      this.expected = expected;
      this.progress = progress;
    }

    Verification run() throws IOException, InterruptedException {
      boolean writing = WriterLock.isHeld(dir);
      ChainPoint base;
      try {
        base = LedgerOpener.base(dir);
      } catch (LedgerException e) {
        return Verification.bad(0, MerkleTree.emptyRoot(), e.getMessage());
      }
      LedgerHead.Slot head = LedgerHead.read(dir);
      long acknowledged = LedgerOpener.acknowledged(dir, head);
      long bound = Long.MAX_VALUE;
      if (writing) {
        bound =
            head != null && ChainWalk.confirms(LedgerOpener.segments(dir), head)
                ? head.point().size()
                : acknowledged;
      }
      Checkpoint anchor = null;
      Problem problem = null;
      if (anchorKey != null && base.size() > 0) {
        Path anchorFile = dir.resolve(Retention.ANCHOR);
        if (!Files.isRegularFile(anchorFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          problem =
              new Problem(
                  base.size(),
                  "segments before record "
                      + base.size()
                      + " were dropped and no anchor.note checkpoint anchors the rest"
                      + " (a link or other non-file in its place is not followed)");
        } else if (Files.size(anchorFile) > Retention.MAX_ANCHOR_BYTES) {
          problem =
              new Problem(
                  base.size(),
                  "anchor.note is larger than a signed checkpoint can be ("
                      + Retention.MAX_ANCHOR_BYTES
                      + " bytes)");
        } else {
          try {
            anchor = anchorKey.verify(Files.readString(anchorFile));
          } catch (RuntimeException e) {
            problem =
                new Problem(
                    base.size(), "the anchor checkpoint does not verify: " + e.getMessage());
          }
          if (anchor != null && anchor.treeSize() < base.size()) {
            problem =
                new Problem(
                    base.size(),
                    "the anchor checkpoint (size "
                        + anchor.treeSize()
                        + ") does not cover record "
                        + (base.size() - 1)
                        + ", the last one dropped");
          }
        }
      }
      long[] wanted = {
        base.size(),
        head == null ? -1 : head.point().size(),
        anchor == null ? -1 : anchor.treeSize(),
        expected == null ? -1 : expected.treeSize()
      };
      checker = new TreeChecker(LedgerOpener.tree(dir), wanted);
      try {
        Problem dropped = foldDroppedLeaves(base);
        if (dropped != null) {
          return Verification.bad(dropped.seq(), base.root(), dropped.reason());
        }
        seq = base.size();
        prev = base.lastHash();
        pendingFirst = seq;
        Thread thread = new Thread(checker, "hwledger-verify-tree");
        thread.setDaemon(true);
        thread.start();
        problem = first(records(base, bound, writing), problem);
        flush();
        checker.chunks.put(new Chunk(seq, new byte[0][], new byte[0][], 0));
        thread.join();
        if (checker.failure != null) {
          throw new LedgerException(
              "verifying the tree failed: " + checker.failure, checker.failure);
        }
        problem = first(checker.records, problem);
        byte[] root = checker.frontier.root();
        progress.accept(seq);
        problem = derived(head, acknowledged, writing, anchor, problem);
        return problem == null
            ? Verification.good(seq, root)
            : Verification.bad(problem.seq(), root, problem.reason());
      } finally {
        checker.close();
      }
    }

    /**
     * Feeds the leaf hashes of dropped records, which only the tree holds, to the checker, and
     * checks that they come to the retained start.
     */
    private Problem foldDroppedLeaves(ChainPoint base) throws IOException {
      if (base.size() == 0) {
        return null;
      }
      Path level0 = LedgerOpener.tree(dir).resolve("level-00.bin");
      boolean whole = Files.isRegularFile(level0) && Files.size(level0) >= base.size() * 32;
      if (whole) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(level0), 1 << 16)) {
          for (long i = 0; i < base.size(); i++) {
            checker.push(in.readNBytes(32));
          }
        }
      }
      if (!whole) {
        return new Problem(
            0,
            "the tree's hashes of records 0.."
                + (base.size() - 1)
                + ", which retention dropped, are missing (the tree holds fewer leaves)");
      }
      ChainPoint folded = checker.points.get(base.size());
      if (!MessageDigest.isEqual(folded.lastHash(), base.lastHash())) {
        return new Problem(
            base.size() - 1,
            "the tree's hash of record "
                + (base.size() - 1)
                + ", which retention dropped, is not the one the retained start records");
      }
      if (!folded.sameAs(base)) {
        return new Problem(
            0,
            "the tree's hashes of records 0.."
                + (base.size() - 1)
                + ", which retention dropped, no longer come to the retained start");
      }
      return checker.tree; // inner nodes over dropped records
    }

    /** Problems in what is derived from the records, given what the records came to. */
    private Problem derived(
        LedgerHead.Slot head,
        long acknowledged,
        boolean writing,
        Checkpoint anchor,
        Problem found) {
      Problem problem = found;
      if (problem == null && seq < acknowledged) {
        problem =
            new Problem(
                seq,
                "records "
                    + seq
                    + ".."
                    + (acknowledged - 1)
                    + " are missing: "
                    + acknowledged
                    + " records were acknowledged (the head or the tree holds them)");
      }
      if (head != null && head.point().size() <= seq) {
        ChainPoint fromRecords = checker.points.get(head.point().size());
        if (fromRecords != null && !fromRecords.sameAs(head.point())) {
          problem =
              first(
                  problem,
                  new Problem(
                      head.point().size(),
                      "the head's chain point at size "
                          + head.point().size()
                          + " is not what the records come to (the head is damaged, or the"
                          + " records were rewritten)"));
        }
      }
      problem = rootCheck(anchor, "the signed anchor checkpoint", problem);
      problem = rootCheck(expected, "the checkpoint", problem);
      if (checker.tree != null) {
        problem = first(problem, checker.tree);
      } else if (!writing && checker.treeEnds >= 0 && checker.treeEnds < treeOwes(head)) {
        problem =
            first(
                problem,
                new Problem(
                    checker.treeEnds,
                    "the Merkle tree ends at leaf "
                        + checker.treeEnds
                        + " of "
                        + seq
                        + " (missing or cut short; the records are intact); opening the ledger"
                        + " for writing rebuilds it"));
      }
      return problem;
    }

    /**
     * Leaves the tree must hold: as many as the head (written after the tree, batch by batch);
     * records after that may outrun the tree when a writer died between the two. Without a head,
     * every record.
     */
    private long treeOwes(LedgerHead.Slot head) {
      return head == null ? seq : Math.min(seq, head.point().size());
    }

    private Problem rootCheck(Checkpoint checkpoint, String what, Problem problem) {
      if (checkpoint == null) {
        return problem;
      }
      ChainPoint fromRecords = checker.points.get(checkpoint.treeSize());
      if (fromRecords == null) {
        return first(
            problem,
            new Problem(
                seq,
                what + " has " + checkpoint.treeSize() + " records but the ledger holds " + seq));
      }
      if (!MessageDigest.isEqual(fromRecords.root(), checkpoint.rootHash())) {
        return first(
            problem,
            new Problem(
                checkpoint.treeSize(),
                "the records' root at size "
                    + checkpoint.treeSize()
                    + " is "
                    + hex(fromRecords.root())
                    + ", not "
                    + what
                    + "'s "
                    + checkpoint.rootHashHex()
                    + " (history differs from what was signed)"));
      }
      return problem;
    }

    /** Checks the held records up to {@code bound}; returns the first problem, or null. */
    private Problem records(ChainPoint base, long bound, boolean writing)
        throws IOException, InterruptedException {
      List<Path> segments = SegmentLog.list(LedgerOpener.segments(dir), base.size());
      for (int i = 0; i < segments.size() && seq < bound; i++) {
        Path segment = segments.get(i);
        long first = SegmentLog.firstSeq(segment);
        if (first > seq) {
          return new Problem(
              seq,
              SegmentLog.gapBefore(segment, seq)
                  + (base.size() == 0 && seq == 0
                      ? " and no retention record says earlier segments were dropped"
                      : ""));
        }
        boolean last = i == segments.size() - 1;
        Problem problem = segment(segment, first, last && !writing, bound);
        if (problem != null) {
          return problem;
        }
      }
      return null;
    }

    /** Checks one segment's records; returns the first problem, or null. */
    private Problem segment(Path segment, long first, boolean tail, long bound)
        throws IOException, InterruptedException {
      long at = first;
      try (FrameReader reader = new FrameReader(segment, 0)) {
        FrameReader.Frame frame;
        while (seq < bound && (frame = reader.next()) != null) {
          switch (frame.status()) {
            case INCOMPLETE:
              return new Problem(
                  seq,
                  (tail ? "torn tail: the last record is incomplete" : "record is incomplete")
                      + where(segment, frame));
            case BAD_LENGTH:
              return new Problem(
                  seq, "impossible record length " + frame.length() + where(segment, frame));
            case BAD_CHECKSUM:
              return new Problem(seq, "checksum mismatch" + where(segment, frame));
            default:
              break;
          }
          byte[] buffer = frame.buffer();
          if (at < seq) {
            // a record before the retained start, in the segment that holds it: covered by it
            String problem = RecordCodec.problem(buffer, frame.length(), at, null, false);
            if (problem != null) {
              return new Problem(seq, problem + where(segment, frame));
            }
            at++;
            continue;
          }
          // even records are hashed here, odd ones by the tree thread
          boolean even = (seq & 1) == 0;
          String problem = RecordCodec.problem(buffer, frame.length(), seq, prev, even);
          if (problem != null) {
            return new Problem(seq, problem + where(segment, frame));
          }
          byte[] hash = frame.hash();
          if (!even) {
            pendingBodies[pendingCount] =
                Arrays.copyOfRange(buffer, FrameReader.BODY, FrameReader.BODY + frame.length());
          }
          pending[pendingCount++] = hash;
          if (pendingCount == CHUNK) {
            flush();
          }
          prev = hash;
          seq++;
          at++;
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
