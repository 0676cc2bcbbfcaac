package io.hwledger.ledger;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a ledger directory: for writing (lock, recover the tail, compute the chain point from the
 * records, bring the tree up to it) or as a read-only snapshot that another process may be
 * appending to. ADR 0011 gives the reasoning.
 *
 * <p>What a ledger holds is decided by its records, and which of them were acknowledged by the head
 * and the tree (both written only after records are durable): a damaged record either covers is
 * never cut off as a torn tail, and fewer records than they cover means records are missing.
 */
final class LedgerOpener {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerOpener.class);
  private static final int CHUNK = 4096;
  private static final int SNAPSHOT_ATTEMPTS = 3;

  private LedgerOpener() {}

  /**
   * What opening holds: for a writer its lock, segments and head; for both the checked tree and the
   * chain point of the last record, where that record lies.
   */
  record Opened(
      WriterLock lock,
      SegmentLog segments,
      LedgerHead head,
      CheckedTree tree,
      ChainPoint point,
      LedgerHead.Position position,
      long retainedFrom) {}

  static Path segments(Path dir) {
    return dir.resolve("segments");
  }

  static Path tree(Path dir) {
    return dir.resolve("tree");
  }

  /** Opens {@code dir} for writing, creating it when needed. */
  static Opened forWrite(Path dir, LedgerOptions options) throws IOException {
    Files.createDirectories(dir);
    WriterLock lock = WriterLock.acquire(dir);
    SegmentLog segments = null;
    TreeStore store = null;
    try {
      ChainPoint base = base(dir);
      LedgerHead.Slot slot = LedgerHead.read(dir);
      long acknowledged = acknowledged(dir, slot);
      segments = SegmentLog.open(segments(dir), options.segmentBytes(), base.size());
      long records = segments.recover(acknowledged);
      if (records < acknowledged) {
        throw missing(dir, records, acknowledged);
      }
      checkStart(dir, base);
      segments.force(); // what a crashed writer left in the page cache is durable from here on
      store = TreeStore.openForWrite(tree(dir), records);
      long stored = store.size();
      boolean fromHead =
          slot != null
              && slot.point().size() >= base.size()
              && slot.point().size() <= stored
              && ChainWalk.confirms(segments(dir), slot);
      ChainPoint start = fromHead ? slot.point() : base;
      boolean appendable = stored >= start.size();
      TreeStore target = store;
      List<byte[]> chunk = new ArrayList<>();
      ChainWalk.End end =
          ChainWalk.walk(
              SegmentLog.list(segments(dir), base.size()),
              start,
              fromHead ? slot.position() : null,
              records,
              (seq, hash) -> {
                if (appendable && seq >= stored) {
                  chunk.add(hash);
                  if (chunk.size() == CHUNK) {
                    target.append(chunk);
                    chunk.clear();
                  }
                }
              });
      if (end.point().size() != records) {
        throw new LedgerException(
            "record " + end.point().size() + " of " + dir + " is damaged; run verify");
      }
      if (appendable) {
        store.append(chunk);
      }
      ChainPoint point = end.point();
      if (!appendable
          || store.size() != records
          || !MessageDigest.isEqual(MerkleTree.root(store, records), point.root())) {
        // The tree, or the head the walk started from, disagrees with the records: rebuild the
        // tree from the records alone, and take the point they come to.
        if (records > 0) {
          LOG.warn(
              "the Merkle tree of {} was missing, behind or damaged; rebuilt it from the records",
              dir);
        }
        store.close();
        store = null;
        store = TreeStore.rebuild(tree(dir), leaves(dir, base, records));
        point =
            records == 0
                ? ChainPoint.genesis()
                : ChainPoint.of(store.frontier(), store.node(0, records - 1));
      }
      LedgerHead head = LedgerHead.openForWrite(dir);
      head.write(point, end.position(), records, false);
      CheckedTree tree =
          new CheckedTree(
              store,
              point,
              size -> TreeStore.rebuild(tree(dir), leaves(dir, base(dir), size)),
              dir.toString());
      return new Opened(lock, segments, head, tree, point, end.position(), base.size());
    } catch (IOException | RuntimeException e) {
      if (segments != null) {
        segments.abandon(); // not close(): that would cut the space allocated ahead, a change
      }
      closeQuietly(store);
      lock.close();
      throw e;
    }
  }

  /**
   * A read-only snapshot of {@code dir}. While a writer holds the ledger, it is what the head says
   * was acknowledged (the writer rewrites it after every group commit); otherwise every complete
   * record. Retried when a writer came or went while it was being taken.
   */
  static Opened readOnly(Path dir) throws IOException {
    for (int attempt = 1; ; attempt++) {
      boolean writing = WriterLock.isHeld(dir);
      try {
        return snapshot(dir, writing);
      } catch (LedgerException | IOException | UncheckedIOException e) {
        if (attempt == SNAPSHOT_ATTEMPTS || !(writing || WriterLock.isHeld(dir))) {
          throw e;
        }
        LOG.debug("snapshot of {} moved under a writer ({}); retrying", dir, e.toString());
      }
    }
  }

  private static Opened snapshot(Path dir, boolean writing) throws IOException {
    ChainPoint base = base(dir);
    checkStart(dir, base);
    LedgerHead.Slot slot = LedgerHead.read(dir);
    TreeStore store = TreeStore.openReadOnly(tree(dir));
    try {
      return snapshot(dir, writing, base, slot, store);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private static Opened snapshot(
      Path dir, boolean writing, ChainPoint base, LedgerHead.Slot slot, TreeStore store)
      throws IOException {
    // The head is taken when the record it names confirms it and the tree agrees with its root:
    // a head and a tree that disagree send the snapshot back to hashing every record.
    boolean headHolds =
        slot != null
            && slot.point().size() >= base.size()
            && ChainWalk.confirms(segments(dir), slot)
            && agrees(store, slot.point());
    ChainPoint point;
    LedgerHead.Position position;
    if (writing && headHolds) {
      point = slot.point();
      position = slot.position();
    } else {
      long acknowledged = acknowledged(dir, slot);
      ChainWalk.End end =
          ChainWalk.walk(
              SegmentLog.list(segments(dir), base.size()),
              headHolds ? slot.point() : base,
              headHolds ? slot.position() : null,
              writing ? acknowledged : Long.MAX_VALUE,
              (seq, hash) -> {});
      if (end.point().size() < acknowledged) {
        if (end.stoppedAt() >= 0) {
          throw new LedgerException(
              "record "
                  + end.point().size()
                  + " of "
                  + dir
                  + " is damaged ("
                  + end.stoppedIn().getFileName()
                  + " at offset "
                  + end.stoppedAt()
                  + ") but was acknowledged; run verify");
        }
        throw missing(dir, end.point().size(), acknowledged);
      }
      point = end.point();
      position = end.position();
    }
    // The tree is checked on first use and rebuilt into a private copy if it disagrees.
    CheckedTree tree =
        new CheckedTree(
            store,
            point,
            size -> {
              LOG.warn(
                  "using a copy of the tree of {} rebuilt from its records (opening the ledger"
                      + " for writing repairs the tree itself)",
                  dir);
              Path copy = Files.createTempDirectory("hwledger-tree-");
              try {
                return TreeStore.build(copy, leaves(dir, base, size)).deleteOnClose();
              } catch (IOException | RuntimeException e) {
                TreeStore.deleteTree(copy);
                throw e;
              }
            },
            dir.toString());
    return new Opened(null, null, null, tree, point, position, base.size());
  }

  /**
   * Whether {@code store} holds the first {@code point.size()} leaves with {@code point}'s root.
   */
  private static boolean agrees(TreeStore store, ChainPoint point) {
    if (store.size() < point.size()) {
      return false;
    }
    try {
      return MessageDigest.isEqual(MerkleTree.root(store, point.size()), point.root());
    } catch (LedgerException | UncheckedIOException e) {
      return false;
    }
  }

  /**
   * Throws unless the first held segment starts at or before {@code base}: the start of the log is
   * record 0 or the retained start, and a segment deleted before it is missing history.
   */
  private static void checkStart(Path dir, ChainPoint base) throws IOException {
    List<Path> held = SegmentLog.list(segments(dir), base.size());
    if (!held.isEmpty() && SegmentLog.firstSeq(held.get(0)) > base.size()) {
      long first = SegmentLog.firstSeq(held.get(0));
      throw new LedgerException(
          "records "
              + base.size()
              + ".."
              + (first - 1)
              + " of "
              + dir
              + " are missing: the first segment starts at record "
              + first
              + (base.size() == 0
                  ? " and no retention record says earlier segments were dropped"
                  : ", after the retained start")
              + "; nothing was changed; run verify");
    }
  }

  /** The point the held records start from: the retained start, or genesis. */
  static ChainPoint base(Path dir) throws IOException {
    ChainPoint retained = RetainedStart.read(dir);
    return retained == null ? ChainPoint.genesis() : retained;
  }

  /**
   * Records known to have been durable when a writer acknowledged them, which recovery must never
   * cut off: what the head says was forced to disk, or without a head, what the tree holds (it is
   * written only after the records it covers).
   */
  static long acknowledged(Path dir, LedgerHead.Slot slot) throws IOException {
    return slot != null ? slot.durable() : TreeStore.storedLeaves(tree(dir));
  }

  static LedgerException missing(Path dir, long records, long acknowledged) {
    return new LedgerException(
        "records "
            + records
            + ".."
            + (acknowledged - 1)
            + " of "
            + dir
            + " are missing: "
            + acknowledged
            + " records were acknowledged but the segments hold "
            + records
            + "; nothing was changed; run verify");
  }

  /**
   * Every leaf hash of the first {@code size} records: for records dropped by retention, from the
   * tree (checked against the retained start), then from the records themselves.
   */
  static TreeStore.Leaves leaves(Path dir, ChainPoint base, long size) {
    return sink -> {
      droppedLeaves(dir, base, sink);
      ChainWalk.End end =
          ChainWalk.walk(SegmentLog.list(segments(dir), base.size()), base, null, size, sink);
      if (end.point().size() != size) {
        throw new LedgerException(
            "the records of " + dir + " end at " + end.point().size() + ", before " + size);
      }
    };
  }

  /**
   * The leaf hashes of the records before {@code base}, which retention dropped: only the tree
   * still has them. They must fold into the retained start's frontier.
   */
  private static void droppedLeaves(Path dir, ChainPoint base, ChainWalk.LeafSink sink)
      throws IOException {
    if (base.size() == 0) {
      return;
    }
    Path level0 = tree(dir).resolve("level-00.bin");
    MerkleFrontier frontier = new MerkleFrontier();
    byte[] last = null;
    if (Files.isRegularFile(level0) && Files.size(level0) >= base.size() * 32) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(level0), 1 << 16)) {
        for (long seq = 0; seq < base.size(); seq++) {
          last = in.readNBytes(32);
          frontier.push(last, (level, index, node) -> {});
          sink.leaf(seq, last);
        }
      }
    }
    if (last == null || !ChainPoint.of(frontier, last).sameAs(base)) {
      throw new LedgerException(
          "the tree's hashes of records 0.."
              + (base.size() - 1)
              + " of "
              + dir
              + ", which retention dropped, are missing or damaged; only a backup of "
              + tree(dir)
              + " can restore them");
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("close failed: {}", e.toString());
      }
    }
  }
}
