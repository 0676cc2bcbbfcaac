package io.hwledger.ledger;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The {@code head} file of a ledger: the newest {@link ChainPoint} its writer computed from the
 * records, where the last of those records lies, and a SHA-256 of both. It is what makes opening,
 * {@code checkpoint} and {@code prove} fast without trusting the tree files: a reader takes the
 * point, checks that the record it names still hashes to its last hash (which, through the chain,
 * commits to every record before it), and hashes only the records after it.
 *
 * <p>Two 4 KiB slots, written in turn after every group commit (after the records are durable),
 * each with a generation number; the valid slot with the higher generation is the head. A write
 * torn by a crash spoils one slot and leaves the other. Slots are not forced to disk except when
 * the ledger closes, so after a power failure the head may be older than the records, never newer;
 * the generation and the size it names only grow.
 *
 * <pre>
 * slot := magic "hwlhead1" generation:u64 segment:u64 frameStart:u64 frameEnd:u64
 *         chainPoint  sha256(everything before it):32   zeros to 4096
 * </pre>
 *
 * {@code segment} is the first sequence number of the segment file holding the point's last record,
 * and {@code frameStart}/{@code frameEnd} that record's frame within it (all zero at size 0).
 */
final class LedgerHead {
  static final String FILE = "head";
  private static final int SLOT = 4096;
  private static final byte[] MAGIC = "hwlhead1".getBytes(StandardCharsets.US_ASCII);

  /** Where the point's last record's frame lies. */
  record Position(long segment, long frameStart, long frameEnd) {
    static final Position NONE = new Position(0, 0, 0);
  }

  /**
   * A slot read back: the point, where its last record lies, how many records were durable, and its
   * generation.
   */
  record Slot(long generation, long durable, ChainPoint point, Position position) {}

  private final FileChannel file;
  private long generation;

  private LedgerHead(FileChannel file, long generation) {
    this.file = file;
    this.generation = generation;
  }

  /** Opens (creating) the head of the ledger in {@code dir} for writing. */
  static LedgerHead openForWrite(Path dir) throws IOException {
    Path path = dir.resolve(FILE);
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new LedgerException(path + " is not a regular file");
    }
    Slot newest = read(dir);
    FileChannel file =
        FileChannel.open(
            dir.resolve(FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    return new LedgerHead(file, newest == null ? 0 : newest.generation());
  }

  /**
   * The newest valid slot in the ledger in {@code dir}, or null when there is no head file or
   * neither slot is valid. Nothing is checked against the records here.
   */
  static Slot read(Path dir) throws IOException {
    byte[] bytes;
    try {
      bytes = readUpTo(dir.resolve(FILE), 2 * SLOT);
    } catch (NoSuchFileException e) {
      return null;
    }
    Slot best = null;
    for (int at = 0; at + SLOT <= bytes.length; at += SLOT) {
      Slot slot = decode(bytes, at);
      if (slot != null && (best == null || slot.generation() > best.generation())) {
        best = slot;
      }
    }
    return best;
  }

  /**
   * Writes {@code point} into the older slot; forces it to disk when {@code force}.
   *
   * @param durable records known to be forced to disk, at most {@code point.size()}
   */
  void write(ChainPoint point, Position position, long durable, boolean force) throws IOException {
    generation++;
    ByteBuffer slot = ByteBuffer.allocate(SLOT);
    slot.put(MAGIC);
    slot.putLong(generation);
    slot.putLong(durable);
    slot.putLong(position.segment());
    slot.putLong(position.frameStart());
    slot.putLong(position.frameEnd());
    point.writeTo(slot);
    slot.put(MerkleHash.sha256(Arrays.copyOf(slot.array(), slot.position())));
    slot.clear();
    long at = (generation & 1) * SLOT;
    while (slot.hasRemaining()) {
      at += file.write(slot, at);
    }
    if (force) {
      file.force(false);
    }
  }

  void close() throws IOException {
    file.close();
  }

  private static Slot decode(byte[] bytes, int at) {
    ByteBuffer b = ByteBuffer.wrap(bytes, at, SLOT);
    byte[] magic = new byte[MAGIC.length];
    b.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      return null;
    }
    try {
      long generation = b.getLong();
      long durable = b.getLong();
      Position position = new Position(b.getLong(), b.getLong(), b.getLong());
      ChainPoint point = ChainPoint.readFrom(b);
      if (durable < 0 || durable > point.size()) {
        return null;
      }
      int end = b.position();
      byte[] stored = new byte[32];
      b.get(stored);
      byte[] computed = MerkleHash.sha256(Arrays.copyOfRange(bytes, at, end));
      if (!MessageDigest.isEqual(stored, computed)) {
        return null;
      }
      return new Slot(generation, durable, point, position);
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      return null;
    }
  }

  private static byte[] readUpTo(Path file, int max) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return new byte[0]; // a FIFO or device in its place is no head, and is never read
    }
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate((int) Math.min(max, Math.max(0, c.size())));
      while (b.hasRemaining() && c.read(b) >= 0) {
        // keep reading
      }
      return Arrays.copyOf(b.array(), b.position());
    }
  }

  /** Whether {@code dir} has a head file at all. */
  static boolean exists(Path dir) {
    return Files.exists(dir.resolve(FILE));
  }
}
