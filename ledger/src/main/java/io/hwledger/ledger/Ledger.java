package io.hwledger.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, hash-chained, Merkle-provable event store in a directory.
 *
 * <p>Layout: {@code segments/} holds the records ({@link RecordCodec} documents the format), {@code
 * tree/} the Merkle tree over them, {@code lock} the writer's lock. Record {@code n} is leaf {@code
 * n} of an RFC 9162 tree, and its hash (the leaf hash) is the chain link record {@code n+1} stores;
 * record 0 links to {@link RecordCodec#GENESIS}.
 *
 * <p>One process writes: {@link #open} takes an exclusive lock on {@code lock} and fails with a
 * {@link LedgerException} when another process holds it. Any number of threads may call {@link
 * #append}; a single writer thread takes every waiting append, writes them in one system call and
 * applies the {@link Durability} policy once per batch (group commit), and only then completes
 * them. If a write or fsync fails the writer stops for good (fail-stop): the failed batch and every
 * later append fail, because after a failed fsync the state of the file is unknown; reopening the
 * ledger recovers. Reads, proofs and roots may run concurrently with appends and see every
 * acknowledged record.
 */
public final class Ledger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

  private final Path dir;
  private final LedgerOptions options;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final SegmentLog segments;
  private final TreeStore tree;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final Object lifecycle = new Object();
  private volatile boolean closing;
  private volatile Throwable failure;
  private long nextSeq;
  private byte[] lastHash;
  private int lastBatchSize;

  /** The longest a batch waits for appenders still on their way back, nanoseconds. */
  private static final long COMMIT_DELAY_NANOS = 100_000;

  private record Pending(LedgerEvent event, CompletableFuture<AppendResult> done) {}

  /** Queued by {@link #close()} after the last accepted append; tells the writer to finish. */
  private static final Pending STOP = new Pending(null, null);

  private Ledger(
      Path dir,
      LedgerOptions options,
      FileChannel lockFile,
      FileLock lock,
      SegmentLog segments,
      TreeStore tree,
      SegmentLog.State state) {
    this.dir = dir;
    this.options = options;
    this.lockFile = lockFile;
    this.lock = lock;
    this.segments = segments;
    this.tree = tree;
    this.nextSeq = state.records();
    this.lastHash = state.lastHash();
    if (segments == null) {
      this.writer = null; // read-only
    } else {
      this.writer = new Thread(this::writeLoop, "hwledger-writer-" + dir.getFileName());
      writer.setDaemon(true);
      writer.start();
    }
  }

  /**
   * Opens the ledger in {@code dir} for reading only: no lock is taken, nothing is recovered or
   * written, and appends fail. It sees the records the Merkle tree covers, which are all the
   * acknowledged ones (a record is acknowledged only after it is in the tree); another process may
   * be appending meanwhile.
   *
   * @throws LedgerException if {@code dir} holds no ledger or its tree is ahead of its records
   */
  public static Ledger openReadOnly(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path segmentsDir = dir.resolve("segments");
    if (!Files.isDirectory(segmentsDir)) {
      throw new LedgerException("no ledger at " + dir + " (no segments directory)");
    }
    try {
      long records = SegmentLog.countCompleteRecords(segmentsDir);
      TreeStore tree = TreeStore.openReadOnly(dir.resolve("tree"));
      if (tree.size() > records) {
        tree.close();
        throw new LedgerException(
            "ledger "
                + dir
                + " has a tree of "
                + tree.size()
                + " leaves for "
                + records
                + " records; open it for writing to repair it");
      }
      return new Ledger(
          dir,
          LedgerOptions.defaults(),
          null,
          null,
          null,
          tree,
          new SegmentLog.State(tree.size(), RecordCodec.GENESIS));
    } catch (IOException e) {
      throw new LedgerException("cannot open ledger " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Opens the ledger in {@code dir} with default options, creating it when it does not exist. */
  public static Ledger open(Path dir) {
    return open(dir, LedgerOptions.defaults());
  }

  /**
   * Opens the ledger in {@code dir}, creating it when it does not exist, and recovers a torn tail
   * left by a crash (see {@link SegmentLog}).
   *
   * @throws LedgerException if another process holds the ledger, its files are corrupt, or I/O
   *     fails
   */
  public static Ledger open(Path dir, LedgerOptions options) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(options, "options");
    FileChannel lockFile = null;
    try {
      Files.createDirectories(dir);
      lockFile =
          FileChannel.open(
              dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = lockFile.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new LedgerException(
            "ledger "
                + dir
                + " is in use by another writer ("
                + dir.resolve("lock")
                + " is locked)");
      }
      SegmentLog segments = SegmentLog.open(dir.resolve("segments"), options.segmentBytes());
      SegmentLog.State state = segments.recover();
      Path segmentsDir = dir.resolve("segments");
      TreeStore tree =
          TreeStore.openForWrite(
              dir.resolve("tree"),
              state.records(),
              from -> {
                List<byte[]> hashes = new ArrayList<>();
                RecordScanner.scan(
                    segmentsDir,
                    from,
                    state.records(),
                    (body, hash) -> {
                      hashes.add(hash);
                      return true;
                    });
                return hashes;
              });
      LOG.debug("opened ledger {} with {} records", dir, state.records());
      return new Ledger(dir, options, lockFile, lock, segments, tree, state);
    } catch (IOException e) {
      closeQuietly(lockFile);
      throw new LedgerException("cannot open ledger " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(lockFile);
      throw e;
    }
  }

  /**
   * Appends an event and returns once it is durable under the ledger's {@link Durability}.
   *
   * @throws LedgerException if the ledger is closed or its writer has stopped after a failure
   */
  public AppendResult append(LedgerEvent event) {
    try {
      return appendAsync(event).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted while waiting for the append to be durable", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof LedgerException) {
        throw new LedgerException(cause.getMessage(), cause);
      }
      throw new LedgerException("append failed: " + cause, cause);
    }
  }

  /**
   * Queues an event; the future completes once it is durable, or exceptionally with a {@link
   * LedgerException}.
   */
  public CompletableFuture<AppendResult> appendAsync(LedgerEvent event) {
    Objects.requireNonNull(event, "event");
    CompletableFuture<AppendResult> done = new CompletableFuture<>();
    synchronized (lifecycle) {
      Throwable failed = failure;
      if (writer == null) {
        done.completeExceptionally(new LedgerException("ledger " + dir + " is open read-only"));
      } else if (failed != null) {
        done.completeExceptionally(stopped(failed));
      } else if (closing) {
        done.completeExceptionally(new LedgerException("ledger " + dir + " is closed"));
      } else {
        queue.add(new Pending(event, done));
      }
    }
    return done;
  }

  /** Acknowledged records: the next sequence number. */
  public long size() {
    return tree.size();
  }

  /** The Merkle root of all acknowledged records (32 bytes). */
  public byte[] root() {
    return MerkleTree.root(tree, tree.size());
  }

  /** The Merkle root of the first {@code size} records. */
  public byte[] root(long size) {
    checkSize(size);
    return MerkleTree.root(tree, size);
  }

  /** The hash of record {@code seq} (its leaf hash). */
  public byte[] leafHash(long seq) {
    if (seq < 0 || seq >= tree.size()) {
      throw new IllegalArgumentException("no record " + seq + " in a ledger of " + tree.size());
    }
    return tree.node(0, seq);
  }

  /**
   * An RFC 9162 inclusion proof of record {@code seq} in the tree of the first {@code size}
   * records.
   */
  public InclusionProof inclusionProof(long seq, long size) {
    checkSize(size);
    return MerkleTree.inclusionProof(tree, seq, size);
  }

  /**
   * An RFC 9162 consistency proof between the trees of the first {@code oldSize} and {@code
   * newSize} records.
   */
  public ConsistencyProof consistencyProof(long oldSize, long newSize) {
    checkSize(newSize);
    return MerkleTree.consistencyProof(tree, oldSize, newSize);
  }

  /**
   * A checkpoint of the current tree in the C2SP tlog-checkpoint format, signed as a C2SP signed
   * note.
   */
  public String checkpoint(String origin, NoteSigner signer) {
    long size = tree.size();
    Checkpoint checkpoint = new Checkpoint(origin, size, MerkleTree.root(tree, size), List.of());
    return signer.sign(checkpoint.body());
  }

  /**
   * Reads up to {@code limit} acknowledged records from {@code from} on.
   *
   * @throws LedgerException if a record in range is damaged
   */
  public List<RecordedEvent> read(long from, int limit) {
    if (from < 0) {
      throw new IllegalArgumentException("from must not be negative, was " + from);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    List<RecordedEvent> out = new ArrayList<>();
    long to = Math.min(tree.size(), from + limit);
    forEach(from, to, e -> out.add(e));
    return out;
  }

  /** Folds every acknowledged record, in order, into {@code projection}'s state. */
  public <S> S replay(Projection<S> projection) {
    Objects.requireNonNull(projection, "projection");
    List<S> state = new ArrayList<>(List.of(projection.initial()));
    forEach(0, tree.size(), e -> state.set(0, projection.apply(state.get(0), e)));
    return state.get(0);
  }

  private interface EventSink {
    void accept(RecordedEvent event);
  }

  private void forEach(long from, long to, EventSink sink) {
    try {
      RecordScanner.scan(
          dir.resolve("segments"),
          from,
          to,
          (body, hash) -> {
            sink.accept(RecordScanner.event(body, hash));
            return true;
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Verifies the ledger in {@code dir} without opening it for writing: recomputes every record's
   * checksum, hash, chain link and sequence number, checks the stored Merkle tree against the
   * records, and reports the first record that is wrong. Streams: memory does not grow with the
   * ledger.
   *
   * @param progress receives the number of records verified so far, now and then (may be a no-op)
   */
  public static Verification verify(Path dir, LongConsumer progress) {
    return LedgerVerifier.verify(dir, null, progress);
  }

  /** {@link #verify(Path, LongConsumer)} without progress. */
  public static Verification verify(Path dir) {
    return verify(dir, n -> {});
  }

  /**
   * Archives (moves into {@code archive}) or, when {@code archive} is null, deletes the segments
   * whose records all lie below {@code beforeSeq}, keeping the ledger verifiable from {@code
   * signedCheckpoint}, which must verify with {@code verifier}, match this ledger's root at its
   * size, and cover the last record dropped. See {@link Retention} for what stays provable.
   *
   * @return the first sequence number whose record is still held
   * @throws IllegalArgumentException if the checkpoint does not verify, match or cover
   */
  public long dropBefore(
      long beforeSeq, String signedCheckpoint, NoteVerifier verifier, Path archive) {
    Objects.requireNonNull(signedCheckpoint, "signedCheckpoint");
    Objects.requireNonNull(verifier, "verifier");
    synchronized (lifecycle) {
      try {
        return Retention.apply(dir, tree, beforeSeq, signedCheckpoint, verifier, archive);
      } catch (IOException e) {
        throw new LedgerException("retention in " + dir + " failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * {@link #verify(Path, LongConsumer)}, and when segments were dropped, also checks the stored
   * anchor checkpoint's signature with {@code verifier} and that the stored tree has its root at
   * its size.
   */
  public static Verification verify(Path dir, NoteVerifier verifier, LongConsumer progress) {
    Objects.requireNonNull(verifier, "verifier");
    return LedgerVerifier.verify(dir, verifier, progress);
  }

  private void checkSize(long size) {
    long current = tree.size();
    if (size < 0 || size > current) {
      throw new IllegalArgumentException(
          "tree size " + size + " is outside the ledger's 0.." + current);
    }
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    while (true) {
      Pending first;
      try {
        first = queue.take();
      } catch (InterruptedException e) {
        // Only close() ends the writer, by queueing STOP after the last append it accepted.
        continue;
      }
      batch.clear();
      batch.add(first);
      queue.drainTo(batch, options.maxBatch() - 1);
      // Appenders woken by the previous batch are usually still on their way back. While this
      // batch is smaller than the last one, wait a few tens of microseconds for them, so they
      // share this batch's fsync instead of paying for the next one (a bounded commit delay;
      // none for a lone appender, whose batches are never smaller than the last).
      if (batch.size() < lastBatchSize) {
        long deadline = System.nanoTime() + COMMIT_DELAY_NANOS;
        while (batch.size() < lastBatchSize && System.nanoTime() < deadline) {
          Thread.yield(); // parkNanos would oversleep by the timer slack, tens of microseconds
          queue.drainTo(batch, options.maxBatch() - batch.size());
        }
      }
      lastBatchSize = batch.size();
      boolean stop = batch.remove(STOP);
      if (!batch.isEmpty()) {
        commit(batch);
      }
      if (stop) {
        return;
      }
    }
  }

  private void commit(List<Pending> batch) {
    if (failure != null) {
      batch.forEach(p -> p.done.completeExceptionally(stopped(failure)));
      return;
    }
    long firstSeq = nextSeq;
    List<byte[]> bodies = new ArrayList<>(batch.size());
    List<byte[]> hashes = new ArrayList<>(batch.size());
    List<Pending> accepted = new ArrayList<>(batch.size());
    byte[] prev = lastHash;
    long seq = firstSeq;
    int bytes = 0;
    for (Pending p : batch) {
      Instant now = options.clock().instant();
      long micros =
          Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1000);
      byte[] body;
      try {
        body =
            RecordCodec.body(
                seq, micros, p.event.type(), p.event.schemaVersion(), p.event.payload(), prev);
      } catch (IllegalArgumentException e) {
        p.done.completeExceptionally(new LedgerException(e.getMessage(), e));
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
      segments.append(frames, firstSeq);
      if (options.durability() == Durability.FSYNC_EACH_BATCH) {
        segments.force();
      }
      tree.append(hashes);
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
      LOG.error("ledger {} stopped: write or fsync failed: {}", dir, e.toString());
      accepted.forEach(p -> p.done.completeExceptionally(stopped(e)));
      failQueued();
      return;
    }
    nextSeq = seq;
    lastHash = prev;
    for (int i = 0; i < accepted.size(); i++) {
      accepted.get(i).done.complete(new AppendResult(firstSeq + i, hashes.get(i)));
    }
  }

  private void failQueued() {
    synchronized (lifecycle) {
      List<Pending> rest = new ArrayList<>();
      queue.drainTo(rest);
      for (Pending p : rest) {
        if (p == STOP) {
          queue.add(STOP); // still owed to the writer loop, which ends on it
        } else {
          p.done.completeExceptionally(stopped(failure));
        }
      }
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
      if (closing) {
        return;
      }
      closing = true;
      queue.add(STOP);
    }
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    try {
      if (failure == null) {
        segments.close(); // trims the space allocated ahead, forces, closes
      } else {
        segments.abandon();
      }
      tree.close();
    } catch (IOException e) {
      throw new LedgerException("closing ledger " + dir + " failed: " + e.getMessage(), e);
    } finally {
      try {
        lock.release();
      } catch (IOException e) {
        LOG.debug("releasing the lock of {} failed: {}", dir, e.toString());
      }
      closeQuietly(lockFile);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.debug("close failed: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "Ledger[" + dir + ", " + tree.size() + " records]";
  }
}
