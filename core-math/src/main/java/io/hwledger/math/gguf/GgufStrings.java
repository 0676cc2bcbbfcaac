package io.hwledger.math.gguf;

import io.hwledger.api.ModelConfigException;
import io.hwledger.math.ModelFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * <p>An array read by path ({@link GgufReader#read(Path)}) is not even kept: its elements are
 * checked as the header is read, and the file is read again at the array's offset on the first
 * access, its lengths checked to describe the same elements (or one line says the file changed).
 *
 * <p>Thread-safe: each call decodes afresh; the index and the bytes read again are computed at most
 * once per racing thread, always to the same values.
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

  /** For an array left in its file: the file and the array's bytes there; null otherwise. */
  private final Path file;

  private final long fileFrom;
  private final long fileTo;

  /** For an array left in its file: its bytes, read on first access. */
  private volatile GgufStrings loaded;

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
    this.file = null;
    this.fileFrom = 0;
    this.fileTo = 0;
  }

  private GgufStrings(Path file, long from, long to, int size, int lengthBytes, ByteOrder order) {
    this.chunks = new byte[0][];
    this.chunkStart = new int[0];
    this.chunkEnd = new int[0];
    this.chunkFirst = new int[0];
    this.bare = new boolean[0];
    this.size = size;
    this.lengthBytes = lengthBytes;
    this.order = order;
    this.file = file;
    this.fileFrom = from;
    this.fileTo = to;
  }

  /**
   * An array whose {@code size} elements the reader checked in {@code file}'s bytes {@code [from,
   * to)} and did not keep: they are read again from the file on the first access, which fails in
   * one line if the file no longer holds them.
   */
  static GgufStrings inFile(
      Path file, long from, long to, int size, int lengthBytes, ByteOrder order) {
    return new GgufStrings(file, from, to, size, lengthBytes, order);
  }

  /** Element {@code i}, decoded from UTF-8 (invalid bytes become U+FFFD); {@code i} in range. */
  String get(int i) {
    return file == null ? decode(i) : load().decode(i);
  }

  /** The array's bytes, read from the file and checked again on the first call. */
  private GgufStrings load() {
    GgufStrings l = loaded;
    if (l == null) {
      long length = fileTo - fileFrom;
      if (length > Integer.MAX_VALUE) {
        throw changed(); // the reader's limits keep a real array far smaller
      }
      byte[] bytes = new byte[(int) length];
      try (FileChannel ch = ModelFiles.open(file)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          if (ch.read(b, fileFrom + b.position()) < 0) {
            throw changed();
          }
        }
      } catch (IOException e) {
        throw new ModelConfigException("cannot read " + file + ": " + e, e);
      }
      ByteBuffer v = ByteBuffer.wrap(bytes).order(order);
      long q = 0;
      for (int i = 0; i < size; i++) {
        if (bytes.length - q < lengthBytes) {
          throw changed();
        }
        long len =
            lengthBytes == 8 ? v.getLong((int) q) : Integer.toUnsignedLong(v.getInt((int) q));
        if (len < 0 || len > bytes.length - q - lengthBytes) {
          throw changed();
        }
        q += lengthBytes + len;
      }
      if (q != bytes.length) {
        throw changed();
      }
      Builder b = new Builder(size, lengthBytes, order);
      if (size > 0) {
        b.addRun(bytes, 0, bytes.length, 0);
      }
      l = b.build();
      loaded = l;
    }
    return l;
  }

  private ModelConfigException changed() {
    return new ModelConfigException(
        file
            + ": byte "
            + fileFrom
            + ": a STRING array of "
            + size
            + " elements read there no longer matches the file, which changed after its header"
            + " was read");
  }

  private String decode(int i) {
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
