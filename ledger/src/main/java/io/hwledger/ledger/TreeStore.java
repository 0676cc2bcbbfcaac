package io.hwledger.ledger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The Merkle tree of a ledger on disk: one file per level ({@code tree/level-NN.bin}) of 32-byte
 * node hashes, where node {@code i} of level {@code k} covers leaves {@code [i·2^k, (i+1)·2^k)}.
 * Level 0 is the record hashes in sequence order. About 64 bytes per record in all.
 *
 * <p>The tree is derived data: it is written after the records it covers are durable and is not
 * forced to disk itself. On open it is cut back to, or rebuilt up to, the records that exist. Reads
 * may run concurrently with the single writer; the size is published after its nodes are written.
 */
final class TreeStore implements HashStore, AutoCloseable {
  private static final int HASH = 32;
  private static final int LEVELS = 64;

  private final Path dir;
  private final FileChannel[] files = new FileChannel[LEVELS];
  private final boolean readOnly;
  private volatile long size;
  private MerkleFrontier frontier;

  private TreeStore(Path dir, boolean readOnly) {
    this.dir = dir;
    this.readOnly = readOnly;
  }

  /**
   * Opens the tree of a ledger holding {@code records} records, cutting off nodes beyond them and
   * computing those missing from {@code missingLeaves}, which supplies the record hashes from a
   * given sequence number on.
   */
  static TreeStore openForWrite(Path dir, long records, LeafSource missingLeaves)
      throws IOException {
    Files.createDirectories(dir);
    TreeStore store = new TreeStore(dir, false);
    long leaves = Math.min(store.stored(0), records);
    // A crash can leave an upper level shorter than the levels below it: keep the longest prefix
    // of leaves whose every complete node is on disk, and recompute the rest.
    for (int level = 1; level < LEVELS; level++) {
      long nodes = store.stored(level);
      if ((leaves >>> level) > nodes) {
        leaves = ((nodes + 1) << level) - 1;
      }
    }
    // Keep only whole nodes that the first `leaves` leaves determine.
    for (int level = 0; level < LEVELS; level++) {
      FileChannel f = store.channel(level, false);
      if (f != null && f.size() > (leaves >>> level) * HASH) {
        f.truncate((leaves >>> level) * HASH);
      }
    }
    store.size = leaves;
    store.frontier = MerkleFrontier.resume(store, leaves);
    if (leaves < records) {
      store.append(missingLeaves.from(leaves));
      if (store.size != records) {
        throw new LedgerException(
            "tree rebuild found " + store.size + " record hashes, expected " + records);
      }
    }
    return store;
  }

  /** Opens an existing tree read-only, trusting its level-0 length. */
  static TreeStore openReadOnly(Path dir) throws IOException {
    TreeStore store = new TreeStore(dir, true);
    store.size = store.stored(0);
    return store;
  }

  /** Record hashes from a sequence number on, in order. */
  interface LeafSource {
    List<byte[]> from(long seq) throws IOException;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public byte[] node(int level, long index) {
    if (level < 0 || level >= LEVELS || index < 0 || index >= (size >>> level)) {
      throw new IllegalArgumentException(
          "no complete node " + index + " at level " + level + " in a tree of " + size);
    }
    try {
      ByteBuffer b = ByteBuffer.allocate(HASH);
      FileChannel f = channel(level, false);
      if (f == null) {
        throw new LedgerException("tree level " + level + " is missing in " + dir);
      }
      while (b.hasRemaining()) {
        if (f.read(b, index * HASH + b.position()) < 0) {
          throw new LedgerException("tree level " + level + " ends before node " + index);
        }
      }
      return b.array();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends record hashes, writing every node they complete; publishes the new size last. */
  void append(List<byte[]> leafHashes) throws IOException {
    if (leafHashes.isEmpty()) {
      return;
    }
    long first = frontier.size();
    ByteArrayOutputStream[] out = new ByteArrayOutputStream[LEVELS];
    long[] firstIndex = new long[LEVELS];
    for (byte[] leaf : leafHashes) {
      frontier.push(
          leaf,
          (level, index, hash) -> {
            if (out[level] == null) {
              out[level] = new ByteArrayOutputStream();
              firstIndex[level] = index;
            }
            out[level].writeBytes(hash);
          });
    }
    for (int level = 0; level < LEVELS; level++) {
      if (out[level] != null) {
        ByteBuffer b = ByteBuffer.wrap(out[level].toByteArray());
        FileChannel f = channel(level, true);
        long position = firstIndex[level] * HASH;
        while (b.hasRemaining()) {
          position += f.write(b, position);
        }
      }
    }
    size = first + leafHashes.size();
  }

  /** The root hash at the current size. */
  byte[] root() {
    return MerkleTree.root(this, size);
  }

  private long stored(int level) throws IOException {
    FileChannel f = channel(level, false);
    return f == null ? 0 : f.size() / HASH;
  }

  private synchronized FileChannel channel(int level, boolean create) throws IOException {
    if (files[level] == null) {
      Path p = dir.resolve(String.format("level-%02d.bin", level));
      if (readOnly) {
        if (!Files.exists(p)) {
          return null;
        }
        files[level] = FileChannel.open(p, StandardOpenOption.READ);
      } else if (create || Files.exists(p)) {
        files[level] =
            FileChannel.open(
                p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
    }
    return files[level];
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (FileChannel f : files) {
      if (f != null) {
        try {
          f.close();
        } catch (IOException e) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
