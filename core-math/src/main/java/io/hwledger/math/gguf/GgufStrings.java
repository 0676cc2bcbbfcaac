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
      int[] chunkFirst,
      boolean[] bare,
      int size,
      int lengthBytes,
      ByteOrder order) {
    this.chunks = chunks;
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
    int end = i < lastOfChunk ? s[i + 1] - lengthBytes : chunk.length;
    return new String(chunk, s[i], end - s[i], StandardCharsets.UTF_8);
  }

  private int[] index() {
    int[] s = starts;
    if (s == null) {
      s = new int[size];
      for (int c = 0; c < chunks.length; c++) {
        if (bare[c]) {
          continue; // its one element starts at 0
        }
        ByteBuffer chunk = ByteBuffer.wrap(chunks[c]).order(order);
        int q = 0;
        for (int i = chunkFirst[c]; q < chunk.limit(); i++) {
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

    /** Adds whole elements as the file lays them out, the first of them element {@code index}. */
    void addRun(byte[] run, int index) {
      add(run, index, false);
    }

    /** Adds the bytes alone of element {@code index}. */
    void addBare(byte[] bytes, int index) {
      add(bytes, index, true);
    }

    private void add(byte[] chunk, int index, boolean isBare) {
      int c = chunks.size();
      if (c == first.length) {
        first = Arrays.copyOf(first, 2 * c);
        bare = Arrays.copyOf(bare, 2 * c);
      }
      first[c] = index;
      bare[c] = isBare;
      chunks.add(chunk);
    }

    GgufStrings build() {
      int c = chunks.size();
      return new GgufStrings(
          chunks.toArray(new byte[0][]),
          Arrays.copyOf(first, c),
          Arrays.copyOf(bare, c),
          size,
          lengthBytes,
          order);
    }
  }
}
