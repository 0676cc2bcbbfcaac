package io.hwledger.ledger;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The {@code retained} file of a ledger whose oldest segments were dropped: the {@link ChainPoint}
 * at the first record still held, so that the history before it is anchored by something other than
 * the segments that held it. Without this file the first segment must start at record 0; with it,
 * exactly at the point's size. So deleting the oldest segment, or several, is reported (ADR 0011).
 *
 * <pre>
 * file := magic "hwlretn1"  chainPoint  sha256(everything before it):32
 * </pre>
 *
 * <p>Written durably (temporary file, fsync, atomic rename, directory fsync) before any segment is
 * dropped. Unlike the head and the tree, it cannot be rebuilt from the records: a damaged one fails
 * verification and opening.
 */
final class RetainedStart {
  static final String FILE = "retained";
  private static final byte[] MAGIC = "hwlretn1".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_BYTES = MAGIC.length + ChainPoint.MAX_BYTES + 32;

  private RetainedStart() {}

  /**
   * The retained start of the ledger in {@code dir}: null when nothing was ever dropped.
   *
   * @throws LedgerException if the file is damaged
   */
  static ChainPoint read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    // not followed: a link could point the ledger's history at another ledger's
    if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        || Files.size(file) > MAX_BYTES) {
      throw damaged(file, "not a regular file of at most " + MAX_BYTES + " bytes");
    }
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      byte[] magic = new byte[MAGIC.length];
      b.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw damaged(file, "unknown format");
      }
      ChainPoint point = ChainPoint.readFrom(b);
      int end = b.position();
      byte[] stored = new byte[32];
      b.get(stored);
      if (b.hasRemaining()
          || !MessageDigest.isEqual(stored, MerkleHash.sha256(Arrays.copyOfRange(bytes, 0, end)))) {
        throw damaged(file, "its checksum does not match its content");
      }
      return point;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw damaged(file, "truncated or malformed (" + e.getMessage() + ")");
    }
  }

  /** Stores {@code point} durably as the retained start of the ledger in {@code dir}. */
  static void write(Path dir, ChainPoint point) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(MAX_BYTES);
    b.put(MAGIC);
    point.writeTo(b);
    b.put(MerkleHash.sha256(Arrays.copyOf(b.array(), b.position())));
    b.flip();
    DurableFile.replace(dir.resolve(FILE), b);
  }

  private static LedgerException damaged(Path file, String why) {
    return new LedgerException(
        "the retention record "
            + file
            + " is damaged: "
            + why
            + "; it anchors the records kept after old segments were dropped and cannot be"
            + " rebuilt from them");
  }
}
