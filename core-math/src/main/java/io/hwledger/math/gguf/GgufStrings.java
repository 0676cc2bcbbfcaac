package io.hwledger.math.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The elements of a STRING array kept as the file stores them, decoded only when one is asked for:
 * planning needs a tokenizer's length, not its ~400,000 token and merge strings (issue 15, item 7).
 *
 * <p>The bytes are held in chunks. A run chunk holds whole elements as the file lays them out, each
 * a length field and its UTF-8 bytes; a bare chunk holds the bytes of one element that was too long
 * for the reader's buffer. Every length was checked against the reader's limits and the chunk's
 * bytes as it was read. Where each element starts is worked out on the first access, not while the
 * header is read.
 *
 * <p>Immutable and thread-safe: each call decodes afresh; the index is computed at most once per
 * racing thread, always to the same values.
 */
final class GgufStrings {
  private final byte[][] chunks;

  /** Where each chunk's bytes begin and end in its array. */
  private final int[] chunkStart;

  private final int[] chunkEnd;

  /** Index of the first element of each chunk, strictly ascending (no chunk is empty). */
  private final int[] chunkFirst;

  private final boolean[] bare;
  private final int size;

  /** Bytes of each length field: 4 in GGUF version 1, else 8. */
  private final int lengthBytes;

  private final ByteOrder order;

  /** Where each element's bytes start in its chunk; built on first access. */
  private volatile int[] starts;

  private GgufStrings(
      byte[][] chunks,
      int[] chunkStart,
      int[] chunkEnd,
      int[] chunkFirst,
      boolean[] bare,
      int size,
      int lengthBytes,
      ByteOrder order) {
    this.chunks = chunks;
    this.chunkStart = chunkStart;
    this.chunkEnd = chunkEnd;
    this.chunkFirst = chunkFirst;
    this.bare = bare;
    this.size = size;
    this.lengthBytes = lengthBytes;
    this.order = order;
  }

  /** Element {@code i}, decoded from UTF-8 (invalid bytes become U+FFFD); {@code i} in range. */
  String get(int i) {
    int[] s = index();
    int c = Arrays.binarySearch(chunkFirst, i);
    if (c < 0) {
      c = -c - 2; // the last chunk starting before i
    }
    byte[] chunk = chunks[c];
    int lastOfChunk = c + 1 < chunks.length ? chunkFirst[c + 1] - 1 : size - 1;
    int end = i < lastOfChunk ? s[i + 1] - lengthBytes : chunkEnd[c];
    return new String(chunk, s[i], end - s[i], StandardCharsets.UTF_8);
  }

  private int[] index() {
    int[] s = starts;
    if (s == null) {
      s = new int[size];
      for (int c = 0; c < chunks.length; c++) {
        if (bare[c]) {
          s[chunkFirst[c]] = chunkStart[c]; // its one element's bytes alone
          continue;
        }
        ByteBuffer chunk = ByteBuffer.wrap(chunks[c]).order(order);
        int q = chunkStart[c];
        for (int i = chunkFirst[c]; q < chunkEnd[c]; i++) {
          long len = lengthBytes == 8 ? chunk.getLong(q) : Integer.toUnsignedLong(chunk.getInt(q));
          s[i] = q + lengthBytes;
          q += lengthBytes + (int) len;
        }
      }
      starts = s;
    }
    return s;
  }

  /** Collects the chunks while the reader scans the array. */
  static final class Builder {
    private final List<byte[]> chunks = new ArrayList<>();
    private int[] start = new int[8];
    private int[] end = new int[8];
    private int[] first = new int[8];
    private boolean[] bare = new boolean[8];
    private final int size;
    private final int lengthBytes;
    private final ByteOrder order;

    Builder(int size, int lengthBytes, ByteOrder order) {
      this.size = size;
      this.lengthBytes = lengthBytes;
      this.order = order;
    }

    /**
     * Adds {@code array[from, to)}, whole elements as the file lays them out, the first of them
     * element {@code index}; the array is kept, not copied.
     */
    void addRun(byte[] array, int from, int to, int index) {
      add(array, from, to, index, false);
    }

    /** Adds the bytes alone of element {@code index}. */
    void addBare(byte[] bytes, int index) {
      add(bytes, 0, bytes.length, index, true);
    }

    private void add(byte[] chunk, int from, int to, int index, boolean isBare) {
      int c = chunks.size();
      if (c == first.length) {
        start = Arrays.copyOf(start, 2 * c);
        end = Arrays.copyOf(end, 2 * c);
        first = Arrays.copyOf(first, 2 * c);
        bare = Arrays.copyOf(bare, 2 * c);
      }
      start[c] = from;
      end[c] = to;
      first[c] = index;
      bare[c] = isBare;
      chunks.add(chunk);
    }

    GgufStrings build() {
      int c = chunks.size();
      return new GgufStrings(
          chunks.toArray(new byte[0][]),
          Arrays.copyOf(start, c),
          Arrays.copyOf(end, c),
          Arrays.copyOf(first, c),
          Arrays.copyOf(bare, c),
          size,
          lengthBytes,
          order);
    }
  }
}
