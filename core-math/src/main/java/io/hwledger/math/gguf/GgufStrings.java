package io.hwledger.math.gguf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The elements of a STRING array kept as the file stores them, decoded only when one is asked for:
 * planning needs a tokenizer's length, not its ~400,000 token and merge strings (issue 15, item 7).
 *
 * <p>The bytes are held in chunks, each a run of whole elements as the file lays them out (every
 * element's length field, then its UTF-8 bytes), except that an element too long for the reader's
 * buffer is a chunk of its own holding only its bytes. {@code starts[i]} is where element {@code
 * i}'s bytes begin in its chunk; it ends where the next element's length field begins, or at its
 * chunk's end. Every length was checked against the reader's limits when it was read.
 *
 * <p>Immutable and thread-safe: each call decodes afresh.
 */
final class GgufStrings {
  private final byte[][] chunks;

  /** Index of the first element of each chunk, ascending. */
  private final int[] chunkFirst;

  private final int[] starts;
  private final int size;

  /** Bytes of each length field: 4 in GGUF version 1, else 8. */
  private final int lengthBytes;

  GgufStrings(byte[][] chunks, int[] chunkFirst, int[] starts, int size, int lengthBytes) {
    this.chunks = chunks;
    this.chunkFirst = chunkFirst;
    this.starts = starts;
    this.size = size;
    this.lengthBytes = lengthBytes;
  }

  int size() {
    return size;
  }

  /** Element {@code i}, decoded from UTF-8 (invalid bytes become U+FFFD); {@code i} in range. */
  String get(int i) {
    int c = Arrays.binarySearch(chunkFirst, 0, chunks.length, i);
    if (c < 0) {
      c = -c - 2;
    }
    // Empty chunks do not exist, so the search lands on the last chunk starting at or before i.
    byte[] chunk = chunks[c];
    int lastOfChunk = c + 1 < chunks.length ? chunkFirst[c + 1] - 1 : size - 1;
    int end = i < lastOfChunk ? starts[i + 1] - lengthBytes : chunk.length;
    return new String(chunk, starts[i], end - starts[i], StandardCharsets.UTF_8);
  }
}
