package io.hwledger.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * Archives or drops old segments while the ledger stays verifiable.
 *
 * <p>Only whole segments below the requested sequence number leave, never the segment being
 * written. Before any leaves, two things are stored durably: the {@link ChainPoint} at the first
 * record kept ({@code retained}, {@link RetainedStart}), so that the start of the held records is
 * anchored and a segment deleted later is reported, and a signed checkpoint whose size covers the
 * first retained record ({@code anchor.note}). The Merkle tree stays whole (64 bytes per record).
 * What stays provable:
 *
 * <ul>
 *   <li>inclusion proofs of every record, dropped or not, and consistency proofs between any two
 *       sizes, because the tree keeps every leaf hash;
 *   <li>every retained record: its checksum, hash and sequence number, its chain link to the
 *       previous record (the first retained one links to the retained start's last hash), and its
 *       Merkle leaf;
 *   <li>that the retained records extend what was signed: {@link Ledger#verify(Path, NoteVerifier,
 *       java.util.function.LongConsumer)} computes the root at the anchor's size from the retained
 *       start and the records, and checks it and the signature with only the public key.
 * </ul>
 *
 * <p>What is no longer provable from the ledger directory alone: the contents of dropped records
 * (only their hashes remain, in the tree, which for them is no longer a cache: a tree damaged over
 * dropped records cannot be rebuilt). An archived segment can be checked against the tree: each of
 * its records' hashes is the tree's leaf hash at its sequence number.
 */
final class Retention {
  static final String ANCHOR = "anchor.note";

  /** The most {@code anchor.note} is read: a signed checkpoint is a few hundred bytes. */
  static final long MAX_ANCHOR_BYTES = 64 * 1024;

  private Retention() {}

  /**
   * Moves segments whose records all lie below {@code beforeSeq} into {@code archive}, or deletes
   * them when {@code archive} is null, after storing the retained start and {@code
   * signedCheckpoint} as the anchor.
   *
   * @return the first sequence number still held in segments
   */
  static long apply(
      Path dir,
      CheckedTree tree,
      long beforeSeq,
      String signedCheckpoint,
      NoteVerifier verifier,
      Path archive)
      throws IOException {
    Checkpoint anchor = verifier.verify(signedCheckpoint);
    long size = tree.head().size();
    if (anchor.treeSize() > size) {
      throw new IllegalArgumentException(
          "the checkpoint's size " + anchor.treeSize() + " exceeds the ledger's " + size);
    }
    if (!Arrays.equals(tree.root(anchor.treeSize()), anchor.rootHash())) {
      throw new IllegalArgumentException(
          "the checkpoint's root is not this ledger's root at size " + anchor.treeSize());
    }
    ChainPoint retained = LedgerOpener.base(dir);
    List<Path> segments = SegmentLog.list(LedgerOpener.segments(dir), retained.size());
    int keepFrom = segments.size() - 1; // the last segment always stays
    for (int i = 0; i < segments.size() - 1; i++) {
      if (SegmentLog.firstSeq(segments.get(i + 1)) > beforeSeq) {
        keepFrom = i;
        break;
      }
    }
    long firstKept = SegmentLog.firstSeq(segments.get(keepFrom));
    if (firstKept > anchor.treeSize()) {
      throw new IllegalArgumentException(
          "the checkpoint (size "
              + anchor.treeSize()
              + ") must cover record "
              + (firstKept - 1)
              + ", the last one dropped");
    }
    if (keepFrom == 0) {
      return firstKept;
    }
    RetainedStart.write(dir, tree.pointAt(firstKept));
    DurableFile.replace(
        dir.resolve(ANCHOR), ByteBuffer.wrap(signedCheckpoint.getBytes(StandardCharsets.UTF_8)));
    if (archive != null) {
      Files.createDirectories(archive);
    }
    for (int i = 0; i < keepFrom; i++) {
      Path segment = segments.get(i);
      if (archive != null) {
        Files.move(
            segment, archive.resolve(segment.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.delete(segment);
      }
    }
    SegmentLog.forceDirectory(LedgerOpener.segments(dir));
    return firstKept;
  }
}
