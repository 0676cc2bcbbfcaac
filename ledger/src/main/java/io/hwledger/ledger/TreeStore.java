package io.hwledger.ledger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Merkle tree of a ledger on disk: one file per level ({@code tree/level-NN.bin}) of 32-byte
 * node hashes, where node {@code i} of level {@code k} covers leaves {@code [i·2^k, (i+1)·2^k)}.
 * Level 0 is the record hashes in sequence order. About 64 bytes per record in all.
 *
 * <p>The tree is a cache: it is written after the records it covers are durable and is not forced
 * to disk. Nothing read from it is trusted: {@link CheckedTree} checks every root and proof it
 * gives against the root computed from the records, and a tree that disagrees is rebuilt from the
 * records ({@link #rebuild}). Reads may run concurrently with the single writer; the size is
 * published after its nodes are written.
 */
final class TreeStore implements HashStore, AutoCloseable {
  private static final int HASH = 32;
  private static final int LEVELS = 64;

  private final Path dir;
  private final FileChannel[] files = new FileChannel[LEVELS];
  private final boolean readOnly;
  private volatile boolean deleteOnClose;
  private volatile long size;
  private MerkleFrontier frontier;

  private TreeStore(Path dir, boolean readOnly) {
    this.dir = dir;
    this.readOnly = readOnly;
  }

  /**
   * Opens the tree in {@code dir} for appending, cut back to the longest prefix of at most {@code
   * records} leaves whose every complete node is on disk (a crash can leave an upper level shorter
   * than the levels below it). The caller appends the leaves from {@link #size()} on and checks the
   * root.
   */
  static TreeStore openForWrite(Path dir, long records) throws IOException {
    Files.createDirectories(dir);
    TreeStore store = new TreeStore(dir, false);
    long leaves = Math.min(consistentLeaves(store), records);
    for (int level = 0; level < LEVELS; level++) {
      FileChannel f = store.channel(level, false);
      if (f != null && f.size() > (leaves >>> level) * HASH) {
        f.truncate((leaves >>> level) * HASH);
      }
    }
    store.size = leaves;
    store.frontier = MerkleFrontier.resume(store, leaves);
    return store;
  }

  /**
   * Opens the tree in {@code dir} read-only at the longest prefix whose every complete node is on
   * disk; a missing tree opens empty.
   */
  static TreeStore openReadOnly(Path dir) throws IOException {
    TreeStore store = new TreeStore(dir, true);
    store.size = consistentLeaves(store);
    return store;
  }

  /** Leaves on level 0 of the tree in {@code dir}, however the levels above it stand. */
  static long storedLeaves(Path dir) throws IOException {
    Path level0 = dir.resolve(levelName(0));
    return Files.isRegularFile(level0) ? Files.size(level0) / HASH : 0;
  }

  private static long consistentLeaves(TreeStore store) throws IOException {
    long leaves = store.stored(0);
    for (int level = 1; level < LEVELS; level++) {
      long nodes = store.stored(level);
      if ((leaves >>> level) > nodes) {
        leaves = ((nodes + 1) << level) - 1;
      }
    }
    return leaves;
  }

  /** Supplies leaf hashes, in order from leaf 0, to a sink. */
  interface Leaves {
    void each(ChainWalk.LeafSink sink) throws IOException;
  }

  /**
   * Builds a fresh tree in {@code dir} from {@code leaves}: written into a sibling directory first
   * and moved into place only once complete, so a crash during a rebuild leaves the old tree.
   *
   * @return the new tree, open for appending
   */
  static TreeStore rebuild(Path dir, Leaves leaves) throws IOException {
    Path fresh = dir.resolveSibling(dir.getFileName() + ".rebuild");
    deleteTree(fresh);
    build(fresh, leaves).close();
    Path old = dir.resolveSibling(dir.getFileName() + ".old");
    deleteTree(old);
    if (Files.exists(dir)) {
      Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(old);
    return openForWrite(dir, Long.MAX_VALUE);
  }

  /** Builds a tree in the empty or missing directory {@code dir} from {@code leaves}. */
  static TreeStore build(Path dir, Leaves leaves) throws IOException {
    TreeStore store = openForWrite(dir, 0);
    List<byte[]> chunk = new ArrayList<>();
    leaves.each(
        (seq, hash) -> {
          chunk.add(hash);
          if (chunk.size() == 4096) {
            store.append(chunk);
            chunk.clear();
          }
        });
    store.append(chunk);
    return store;
  }

  /** Deletes {@code dir} and the files in it, if it exists. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
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

  /** A copy of the frontier the appends have reached (writable stores only). */
  MerkleFrontier frontier() {
    return frontier.copy();
  }

  /** Makes {@link #close()} delete the tree's directory: for a private, rebuilt copy. */
  TreeStore deleteOnClose() {
    deleteOnClose = true;
    return this;
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

  private long stored(int level) throws IOException {
    FileChannel f = channel(level, false);
    return f == null ? 0 : f.size() / HASH;
  }

  private static String levelName(int level) {
    return String.format(Locale.ROOT, "level-%02d.bin", level);
  }

  private synchronized FileChannel channel(int level, boolean create) throws IOException {
    if (files[level] == null) {
      Path p = dir.resolve(levelName(level));
      if (readOnly) {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          return null;
        }
        files[level] = FileChannel.open(p, StandardOpenOption.READ);
      } else if (create || Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)
            && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new LedgerException("tree file " + p + " is not a regular file");
        }
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
    if (deleteOnClose) {
      deleteTree(dir);
    }
  }
}
