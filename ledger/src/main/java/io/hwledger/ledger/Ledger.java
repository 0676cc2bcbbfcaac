package io.hwledger.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, hash-chained, Merkle-provable event store in a directory.
 *
 * <p>Layout: {@code segments/} holds the records ({@link RecordCodec} documents the format), {@code
 * tree/} a cache of the Merkle tree over them, {@code head} the newest chain point computed from
 * the records ({@link LedgerHead}), {@code retained} where the held records start once old segments
 * were dropped ({@link RetainedStart}), {@code lock} the writer's lock. Record {@code n} is leaf
 * {@code n} of an RFC 9162 tree, and its hash (the leaf hash) is the chain link record {@code n+1}
 * stores; record 0 links to {@link RecordCodec#GENESIS}.
 *
 * <p><b>The records are the truth.</b> Every root this class returns, signs or proves is the root
 * the records produce: the current root is computed from record hashes, and roots and proofs read
 * from the tree files are checked against it before they are used; a tree that disagrees is rebuilt
 * from the records (ADR 0011). A damaged record that was acknowledged is never cut off: opening for
 * writing refuses and names it.
 *
 * <p>One process writes: {@link #open} takes an exclusive lock on {@code lock} and fails with a
 * {@link LedgerException} when another writer holds it. Any number of threads may call {@link
 * #append}; a single writer thread takes every waiting append, writes them in one system call and
 * applies the {@link Durability} policy once per batch (group commit), and only then completes
 * them. If a write or fsync fails the writer stops for good (fail-stop): the failed batch and every
 * later append fail, because after a failed fsync the state of the file is unknown; reopening the
 * ledger recovers. Reads, proofs and roots may run concurrently with appends and see every
 * acknowledged record.
 */
public final class Ledger implements LedgerStore {
  private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

  private final Path dir;
  private final LedgerOptions options;
  private final WriterLock lock;
  private final SegmentLog segments;
  private final LedgerHead head;
  private final CheckedTree tree;
  private final GroupCommit<Pending> writer;
  private final Object lifecycle = new Object();
  private boolean closed;
  private long nextSeq;
  private byte[] lastHash;
  private ChainPoint point;
  private LedgerHead.Position position;
  private volatile long retainedFrom;

  /** Records forced to disk: all acknowledged ones under FSYNC_EACH_BATCH. */
  private long durableSize;

  /** An append waiting for the writer: a new event, or a record copied from another ledger. */
  private record Pending(
      LedgerEvent event, RecordedEvent copy, CompletableFuture<AppendResult> done)
      implements GroupCommit.Append {}

  private Ledger(Path dir, LedgerOptions options, LedgerOpener.Opened opened) {
    this.dir = dir;
    this.options = options;
    this.lock = opened.lock();
    this.segments = opened.segments();
    this.head = opened.head();
    this.tree = opened.tree();
    this.point = opened.point();
    this.position = opened.position();
    this.retainedFrom = opened.retainedFrom();
    this.nextSeq = point.size();
    this.durableSize = point.size();
    this.lastHash = point.lastHash();
    if (segments == null) {
      this.writer = null; // read-only
    } else {
      this.writer =
          new GroupCommit<>(dir.toString(), options.maxBatch(), this::commit, this::stopped);
    }
  }

  /**
   * Opens the ledger in {@code dir} for reading only: no lock is taken, nothing is recovered or
   * written, and appends fail. It is a snapshot: while another process holds the ledger for
   * writing, the records that writer has acknowledged; otherwise every complete record. Its roots
   * are computed from the records (a missing or damaged tree is replaced by a private copy rebuilt
   * from them, in the temporary directory, when a proof needs it).
   *
   * @param dir the ledger's directory
   * @return a read-only ledger; close it to release its files
   * @throws LedgerException if {@code dir} holds no ledger, or records it acknowledged are missing
   *     or damaged
   */
  public static Ledger openReadOnly(Path dir) {
    Objects.requireNonNull(dir, "dir");
    if (!Files.isDirectory(LedgerOpener.segments(dir))) {
      throw new LedgerException("no ledger at " + dir + " (no segments directory)");
    }
    try {
      return new Ledger(dir, LedgerOptions.defaults(), LedgerOpener.readOnly(dir));
    } catch (IOException | UncheckedIOException e) {
      throw new LedgerException("cannot open ledger " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens the ledger in {@code dir} for writing with {@link LedgerOptions#defaults()}; see {@link
   * #open(Path, LedgerOptions)}.
   *
   * @param dir the ledger's directory, created when it does not exist
   * @return the ledger, holding the writer's lock until closed
   * @throws LedgerException as {@link #open(Path, LedgerOptions)}
   */
  public static Ledger open(Path dir) {
    return open(dir, LedgerOptions.defaults());
  }

  /**
   * Opens the ledger in {@code dir}, creating it when it does not exist, recovers a torn tail left
   * by a crash (see {@link SegmentLog#recover}), and brings the tree up to the records.
   *
   * @param dir the ledger's directory, created when it does not exist
   * @param options clock, durability, segment size and largest batch
   * @return the ledger, holding the writer's lock until closed
   * @throws LedgerException if another process holds the ledger, an acknowledged record is damaged
   *     or missing, or I/O fails; nothing is changed then
   */
  public static Ledger open(Path dir, LedgerOptions options) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(options, "options");
    try {
      LedgerOpener.Opened opened = LedgerOpener.forWrite(dir, options);
      LOG.debug("opened ledger {} with {} records", dir, opened.point().size());
      return new Ledger(dir, options, opened);
    } catch (IOException | UncheckedIOException e) {
      throw new LedgerException("cannot open ledger " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Queues an event; the future completes once it is durable, or exceptionally with a {@link
   * LedgerException}.
   *
   * @param event the event to record
   * @return a future of the record's sequence number and hash; already failed when the ledger is
   *     read-only, closed or stopped
   */
  @Override
  public CompletableFuture<AppendResult> appendAsync(LedgerEvent event) {
    Objects.requireNonNull(event, "event");
    return queue(new Pending(event, null, new CompletableFuture<>()));
  }

  @Override
  public CompletableFuture<AppendResult> appendCopyAsync(RecordedEvent record) {
    Objects.requireNonNull(record, "record");
    return queue(new Pending(null, record, new CompletableFuture<>()));
  }

  private CompletableFuture<AppendResult> queue(Pending pending) {
    if (writer == null) {
      pending.done.completeExceptionally(
          new LedgerException("ledger " + dir + " is open read-only"));
      return pending.done;
    }
    return writer.submit(pending);
  }

  /**
   * Acknowledged records, dropped ones included.
   *
   * @return the next sequence number
   */
  @Override
  public long size() {
    return tree.head().size();
  }

  /**
   * The Merkle root of all acknowledged records, computed from the records.
   *
   * @return a fresh 32-byte array; {@code SHA-256("")} for an empty ledger
   */
  @Override
  public byte[] root() {
    return tree.head().root().clone();
  }

  /**
   * The Merkle root of the first {@code size} records, read from the tree and checked against the
   * records' root.
   *
   * @param size records in the tree, {@code 0 ≤ size ≤ size()}
   * @return a fresh 32-byte array
   * @throws IllegalArgumentException if {@code size} is outside {@code [0, size()]}
   */
  @Override
  public byte[] root(long size) {
    LedgerArguments.checkTreeSize(size, size());
    return tree.root(size);
  }

  /**
   * The hash of record {@code seq} (its leaf hash), checked against the records' root; available
   * for records dropped by retention too.
   *
   * @param seq the record, {@code 0 ≤ seq < size()}
   * @return a fresh 32-byte array
   * @throws IllegalArgumentException if there is no record {@code seq}
   */
  @Override
  public byte[] leafHash(long seq) {
    long current = size();
    LedgerArguments.checkRecord(seq, current);
    return tree.leafHash(seq);
  }

  /**
   * An RFC 9162 inclusion proof of record {@code seq} in the tree of the first {@code size}
   * records, checked against the records' root before it is returned.
   *
   * @param seq the record, {@code 0 ≤ seq < size}
   * @param size records in the tree, {@code 1 ≤ size ≤ size()}
   * @return the proof, {@code O(log size)} hashes
   * @throws IllegalArgumentException if {@code size} is outside {@code [0, size()]} or {@code seq}
   *     outside {@code [0, size)}
   */
  @Override
  public InclusionProof inclusionProof(long seq, long size) {
    LedgerArguments.checkInclusion(seq, size, size());
    return tree.inclusionProof(seq, size);
  }

  /**
   * An RFC 9162 consistency proof between the trees of the first {@code oldSize} and {@code
   * newSize} records, checked against the records' roots before it is returned.
   *
   * @param oldSize records in the earlier tree, {@code 0 ≤ oldSize ≤ newSize}
   * @param newSize records in the later tree, at most {@link #size()}
   * @return the proof; empty when {@code oldSize} is 0 or equals {@code newSize}
   * @throws IllegalArgumentException if a size is out of range
   */
  @Override
  public ConsistencyProof consistencyProof(long oldSize, long newSize) {
    LedgerArguments.checkConsistency(oldSize, newSize, size());
    return tree.consistencyProof(oldSize, newSize);
  }

  /**
   * Rebuilds the Merkle tree files from the records now. A tree that disagrees with the records is
   * rebuilt anyway when a root or proof first needs the part that disagrees; this repairs, for
   * example, a damaged node that {@link #verify(Path)} reported before anything needed it.
   *
   * @throws LedgerException if the ledger is read-only, or the tree's hashes of records dropped by
   *     retention (which only the tree holds) are damaged
   */
  public void rebuildTree() {
    if (writer == null) {
      throw new LedgerException("ledger " + dir + " is open read-only");
    }
    tree.rebuild();
  }

  /**
   * A checkpoint of the acknowledged records in the C2SP tlog-checkpoint format, signed as a C2SP
   * signed note; its root is the one the records produce.
   *
   * @param origin the log's identity, e.g. {@code fleet.example/ledger}; one line, no control
   *     characters
   * @param signer the key that signs the note
   * @return the signed note text, body then signature lines
   * @throws IllegalArgumentException if {@code origin} is not a valid checkpoint origin
   */
  @Override
  public String checkpoint(String origin, NoteSigner signer) {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(signer, "signer");
    CheckedTree.TreeHead now = tree.head();
    Checkpoint checkpoint = new Checkpoint(origin, now.size(), now.root(), List.of());
    return signer.sign(checkpoint.body());
  }

  /**
   * Hands up to {@code limit} acknowledged records from {@code from} on to {@code visitor}, one at
   * a time and in order, holding only one in memory: for ledgers whose events are too large to read
   * into a list.
   *
   * @param from the first sequence number to visit
   * @param limit the most records to visit
   * @param visitor receives each record in sequence order
   * @throws IllegalArgumentException if {@code from} or {@code limit} is negative
   * @throws LedgerException if a record in range is damaged, missing or dropped by retention
   * @throws LedgerException also if reading a segment fails (an I/O error, with its cause)
   */
  @Override
  public void forEach(long from, long limit, Consumer<RecordedEvent> visitor) {
    long to = LedgerArguments.readEnd(from, limit, size());
    Objects.requireNonNull(visitor, "visitor");
    long held = retainedFrom;
    if (from < held && from < to) {
      throw new LedgerException(
          "records "
              + from
              + ".."
              + (Math.min(held, to) - 1)
              + " of "
              + dir
              + " were dropped by retention; the ledger holds records from "
              + held);
    }
    try {
      RecordScanner.scan(
          LedgerOpener.segments(dir),
          from,
          to,
          (body, hash) -> {
            visitor.accept(RecordScanner.event(body, hash));
            return true;
          });
    } catch (IOException e) {
      throw new LedgerException("cannot read the ledger " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Verifies the ledger in {@code dir} without opening it for writing: recomputes every record's
   * checksum, hash, chain link and sequence number; checks that no records are missing (the held
   * records start at record 0 or exactly where retention left them, and reach as far as the head
   * and the tree say were acknowledged); checks every node of the stored Merkle tree and the head
   * against the records; and reports the first record that is wrong. While a writer appends, it
   * checks what that writer acknowledged. Streams: memory does not grow with the ledger.
   *
   * @param dir the ledger's directory
   * @param progress receives the number of records verified so far, now and then (may be a no-op)
   * @return ok with the size and root, or the first bad record and why
   */
  public static Verification verify(Path dir, LongConsumer progress) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(progress, "progress");
    return LedgerVerifier.verify(dir, null, null, progress);
  }

  /**
   * {@link #verify(Path, LongConsumer)} without progress.
   *
   * @param dir the ledger's directory
   * @return ok with the size and root, or the first bad record and why
   */
  public static Verification verify(Path dir) {
    return verify(dir, n -> {});
  }

  /**
   * Archives (moves into {@code archive}) or, when {@code archive} is null, deletes the segments
   * whose records all lie below {@code beforeSeq}, keeping the ledger verifiable from {@code
   * signedCheckpoint}, which must verify with {@code verifier}, match this ledger's root at its
   * size, and cover the last record dropped. See {@link Retention} for what stays provable.
   *
   * @param beforeSeq records below it may be dropped, a whole segment at a time; the newest segment
   *     always stays
   * @param signedCheckpoint a signed checkpoint note of this ledger, stored as {@code anchor.note}
   * @param verifier the key the checkpoint must verify under
   * @param archive the directory to move dropped segments into (created if needed), or null to
   *     delete them
   * @return the first sequence number whose record is still held
   * @throws IllegalArgumentException if the checkpoint does not verify ({@link
   *     CheckpointException}), match or cover
   * @throws LedgerException if the ledger is read-only or moving or deleting a segment fails
   */
  public long dropBefore(
      long beforeSeq, String signedCheckpoint, NoteVerifier verifier, Path archive) {
    Objects.requireNonNull(signedCheckpoint, "signedCheckpoint");
    Objects.requireNonNull(verifier, "verifier");
    if (writer == null) {
      throw new LedgerException("ledger " + dir + " is open read-only");
    }
    synchronized (lifecycle) {
      try {
        long kept = Retention.apply(dir, tree, beforeSeq, signedCheckpoint, verifier, archive);
        retainedFrom = Math.max(retainedFrom, kept);
        return kept;
      } catch (IOException e) {
        throw new LedgerException("retention in " + dir + " failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * {@link #verify(Path, LongConsumer)}, and when segments were dropped, also checks the stored
   * anchor checkpoint's signature with {@code verifier} and that the stored tree has its root at
   * its size.
   *
   * @param dir the ledger's directory
   * @param verifier the key the stored anchor checkpoint must verify under
   * @param progress receives the number of records verified so far, now and then
   * @return ok with the size and root, or the first bad record and why
   */
  public static Verification verify(Path dir, NoteVerifier verifier, LongConsumer progress) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(verifier, "verifier");
    Objects.requireNonNull(progress, "progress");
    return LedgerVerifier.verify(dir, verifier, null, progress);
  }

  /**
   * {@link #verify(Path, LongConsumer)}, and also that the records have {@code checkpoint}'s root
   * at its size, computed from the records themselves (not the tree): history rewritten after the
   * checkpoint was signed is reported even when its chain, hashes and checksums are consistent. The
   * checkpoint's signature is the caller's to check ({@link NoteVerifier#verify}).
   *
   * @param dir the ledger's directory
   * @param checkpoint a checkpoint of this ledger whose root the records must have
   * @param progress receives the number of records verified so far, now and then
   * @return ok with the size and root, or the first bad record and why
   */
  public static Verification verify(Path dir, Checkpoint checkpoint, LongConsumer progress) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(progress, "progress");
    return LedgerVerifier.verify(dir, null, checkpoint, progress);
  }

  @Override
  public boolean writerStopped() {
    return writer != null && writer.stopped();
  }

  /** Writes and forces one batch ({@link GroupCommit}); throws to stop the writer for good. */
  private void commit(List<Pending> batch) throws IOException {
    long firstSeq = nextSeq;
    List<byte[]> bodies = new ArrayList<>(batch.size());
    List<byte[]> hashes = new ArrayList<>(batch.size());
    List<Pending> accepted = new ArrayList<>(batch.size());
    byte[] prev = lastHash;
    long seq = firstSeq;
    int bytes = 0;
    for (Pending p : batch) {
      byte[] body;
      try {
        body =
            p.copy == null
                ? RecordChain.encode(seq, options.clock().instant(), p.event, prev)
                : RecordChain.encodeCopy(p.copy, seq, prev);
      } catch (LedgerException e) {
        p.done.completeExceptionally(e);
        continue;
      }
      byte[] hash = RecordCodec.hash(body);
      bodies.add(body);
      hashes.add(hash);
      accepted.add(p);
      bytes += body.length + RecordCodec.FRAME_OVERHEAD;
      prev = hash;
      seq++;
    }
    if (accepted.isEmpty()) {
      return;
    }
    ByteBuffer frames = ByteBuffer.allocate(bytes);
    for (int i = 0; i < bodies.size(); i++) {
      RecordCodec.frame(bodies.get(i), hashes.get(i), frames);
    }
    frames.flip();
    try {
      long start = segments.append(frames, firstSeq);
      if (options.durability() == Durability.FSYNC_EACH_BATCH) {
        segments.force();
      }
      byte[] last = hashes.get(hashes.size() - 1);
      ChainPoint reached = tree.append(hashes, last);
      long end = start + bytes;
      int lastFrame = bodies.get(bodies.size() - 1).length + RecordCodec.FRAME_OVERHEAD;
      LedgerHead.Position at =
          new LedgerHead.Position(segments.currentSegment(), end - lastFrame, end);
      long durable =
          options.durability() == Durability.FSYNC_EACH_BATCH ? reached.size() : durableSize;
      head.write(reached, at, durable, false);
      point = reached;
      position = at;
    } catch (IOException | RuntimeException | Error e) {
      LOG.error("ledger {} stopped: write or fsync failed: {}", dir, e.toString());
      throw e;
    }
    nextSeq = seq;
    lastHash = prev;
    for (int i = 0; i < accepted.size(); i++) {
      accepted.get(i).done.complete(new AppendResult(firstSeq + i, hashes.get(i)));
    }
  }

  private LedgerException stopped(Throwable cause) {
    return new LedgerException(
        "ledger " + dir + " stopped after a failed write (" + cause + "); reopen it to recover",
        cause);
  }

  /**
   * Completes every queued append, forces the segment to disk, and releases the lock. Appends after
   * close fail.
   */
  @Override
  public void close() {
    if (writer == null) {
      try {
        tree.close();
      } catch (IOException e) {
        throw new LedgerException("closing ledger " + dir + " failed: " + e.getMessage(), e);
      }
      return;
    }
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
    }
    writer.close();
    try {
      if (!writer.stopped()) {
        segments.close(); // trims the space allocated ahead, forces, closes
        head.write(point, position, point.size(), true);
      } else {
        segments.abandon();
      }
      head.close();
      tree.close();
    } catch (IOException e) {
      throw new LedgerException("closing ledger " + dir + " failed: " + e.getMessage(), e);
    } finally {
      try {
        lock.close();
      } catch (IOException e) {
        LOG.debug("releasing the lock of {} failed: {}", dir, e.toString());
      }
    }
  }

  /**
   * The ledger's directory.
   *
   * @return the directory as given to open
   */
  @Override
  public String location() {
    return dir.toString();
  }

  @Override
  public String toString() {
    return "Ledger[" + dir + ", " + size() + " records]";
  }
}
