package io.hwledger.math.gguf;

import io.hwledger.api.ModelConfigException;
import io.hwledger.api.Printable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Sequential reads of a GGUF header through one fixed buffer, tracking the byte offset for error
 * messages. Bulk reads fill primitive arrays straight from the buffer.
 *
 * <p>Not thread-safe: one instance per read.
 */
final class GgufInput {
  /** Buffer size: large enough for any key or tensor name, small enough to stay in cache. */
  static final int BUFFER_BYTES = 64 * 1024;

  /** Bytes a string or array body grows by per step when the file length is unknown. */
  private static final int GROWTH_STEP = 1 << 20;

  private final ReadableByteChannel channel;
  private final String source;
  private final boolean lengthKnown;
  private final long length;
  private final ByteBuffer buf;
  private final byte[] array;

  /** File offset of {@code buf} index 0. */
  private long base;

  /** What is being read, for messages: a kind, and a name or an index when the name is unknown. */
  private String kind = "the header";

  private String name;
  private long index = -1;

  /** Heap the header read so far takes, as {@link #charge} estimates it. */
  private long heapBytes;

  GgufInput(ReadableByteChannel channel, String source, boolean lengthKnown, long length) {
    this.channel = channel;
    this.source = source;
    this.lengthKnown = lengthKnown;
    this.length = length;
    this.buf = ByteBuffer.allocate(BUFFER_BYTES);
    this.array = buf.array();
    buf.limit(0);
  }

  void order(ByteOrder order) {
    buf.order(order);
  }

  /** Offset in the file of the next byte to read. */
  long position() {
    return base + buf.position();
  }

  /** Bytes between the position and the end of the file; {@link Long#MAX_VALUE} when unknown. */
  long remaining() {
    return lengthKnown ? length - position() : Long.MAX_VALUE;
  }

  boolean lengthKnown() {
    return lengthKnown;
  }

  long length() {
    return length;
  }

  /** Says that reads from now on belong to the entry {@code kind} named {@code name}. */
  void at(String kind, String name) {
    this.kind = kind;
    this.name = name;
  }

  /** Says that reads from now on belong to entry {@code index} of {@code kind}, not yet named. */
  void at(String kind, long index) {
    this.kind = kind;
    this.name = null;
    this.index = index;
  }

  /** The entry being read, e.g. {@code tensor 'output.weight'} or {@code metadata entry 3}. */
  String describe() {
    if (name != null) {
      return kind + " '" + printable(name) + "'";
    }
    return index < 0 ? kind : kind + " entry " + index;
  }

  /**
   * {@code text} as it may appear in a one-line message: at most 120 characters of it, escaped by
   * {@link Printable#escape}, the rule every message and table of hwLedger uses.
   */
  static String printable(String text) {
    int shown = Math.min(text.length(), 120);
    if (shown < text.length() && Character.isHighSurrogate(text.charAt(shown - 1))) {
      shown--;
    }
    String escaped = Printable.escape(text.substring(0, shown));
    return shown < text.length() ? escaped + "…" : escaped;
  }

  /**
   * Counts {@code bytes} more of heap against {@link GgufReader#MAX_HEADER_HEAP_BYTES} before they
   * are allocated for what is being read.
   *
   * @param at offset of the field that claims them, for the message
   * @throws ModelConfigException naming the entry and the limit when the header would pass it
   */
  void charge(long bytes, long at) {
    if (bytes > GgufReader.MAX_HEADER_HEAP_BYTES - heapBytes) {
      throw error(
          at,
          describe()
              + " takes the header's estimated memory to "
              + (heapBytes + bytes)
              + " bytes, past the limit of "
              + GgufReader.MAX_HEADER_HEAP_BYTES
              + " ("
              + GgufReader.STRING_HEAP_BYTES
              + " bytes per string plus 2 per byte of it, element size per number)");
    }
    heapBytes += bytes;
  }

  /** A one-line error naming the file, the byte offset and the problem. */
  ModelConfigException error(long offset, String problem) {
    return new ModelConfigException(source + ": byte " + offset + ": " + problem);
  }

  private ModelConfigException truncated(String what) {
    return new ModelConfigException(
        source
            + ": truncated at byte "
            + (base + buf.limit())
            + " reading "
            + what
            + " of "
            + describe());
  }

  /** Makes at least {@code n} (at most {@link #BUFFER_BYTES}) bytes available. */
  private void need(int n, String what) {
    if (buf.remaining() >= n) {
      return;
    }
    base += buf.position();
    buf.compact();
    try {
      while (buf.position() < n) {
        if (channel.read(buf) < 0) {
          buf.flip();
          throw truncated(what);
        }
      }
    } catch (IOException e) {
      buf.flip();
      throw new ModelConfigException(
          source + ": cannot read at byte " + (base + buf.limit()) + ": " + e, e);
    }
    buf.flip();
  }

  int u8(String what) {
    need(1, what);
    return buf.get() & 0xFF;
  }

  /** A 32-bit field, as stored (callers widen unsigned values). */
  int i32(String what) {
    need(4, what);
    return buf.getInt();
  }

  long i64(String what) {
    need(8, what);
    return buf.getLong();
  }

  /**
   * A UTF-8 string of {@code len} bytes ({@code len} as read, possibly absurd).
   *
   * @param maxBytes the longest string accepted here
   * @param start offset of the length field, for the error message
   */
  String string(long len, int maxBytes, long start, String what) {
    if (len < 0 || len > maxBytes) {
      throw error(
          start,
          what
              + " has length "
              + Long.toUnsignedString(len)
              + ", more than the limit of "
              + maxBytes
              + " bytes");
    }
    if (len > remaining()) {
      throw error(
          start,
          what
              + " has length "
              + len
              + ", more than the "
              + remaining()
              + " bytes left in the file");
    }
    int n = (int) len;
    charge(GgufReader.STRING_HEAP_BYTES + 2L * n, start);
    if (n <= BUFFER_BYTES) {
      need(n, what);
      int p = buf.position();
      String s = new String(array, p, n, StandardCharsets.UTF_8);
      buf.position(p + n);
      return s;
    }
    byte[] bytes = new byte[lengthKnown ? n : Math.min(n, GROWTH_STEP)];
    int filled = 0;
    while (filled < n) {
      need(1, what);
      if (filled == bytes.length) {
        bytes = Arrays.copyOf(bytes, (int) Math.min(n, (long) bytes.length * 2));
      }
      int take = Math.min(buf.remaining(), bytes.length - filled);
      buf.get(bytes, filled, take);
      filled += take;
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  /** Reads {@code count} bytes into {@code dst} from index {@code from}. */
  void bytes(byte[] dst, int from, int count, String what) {
    int i = from;
    int end = from + count;
    while (i < end) {
      need(1, what);
      int take = Math.min(buf.remaining(), end - i);
      buf.get(dst, i, take);
      i += take;
    }
  }

  void shorts(short[] dst, int from, int count, String what) {
    int i = from;
    int end = from + count;
    while (i < end) {
      need(2, what);
      int take = Math.min(buf.remaining() / 2, end - i);
      buf.asShortBuffer().get(dst, i, take);
      buf.position(buf.position() + take * 2);
      i += take;
    }
  }

  void ints(int[] dst, int from, int count, String what) {
    int i = from;
    int end = from + count;
    while (i < end) {
      need(4, what);
      int take = Math.min(buf.remaining() / 4, end - i);
      buf.asIntBuffer().get(dst, i, take);
      buf.position(buf.position() + take * 4);
      i += take;
    }
  }

  void floats(float[] dst, int from, int count, String what) {
    int i = from;
    int end = from + count;
    while (i < end) {
      need(4, what);
      int take = Math.min(buf.remaining() / 4, end - i);
      buf.asFloatBuffer().get(dst, i, take);
      buf.position(buf.position() + take * 4);
      i += take;
    }
  }

  void longs(long[] dst, int from, int count, String what) {
    int i = from;
    int end = from + count;
    while (i < end) {
      need(8, what);
      int take = Math.min(buf.remaining() / 8, end - i);
      buf.asLongBuffer().get(dst, i, take);
      buf.position(buf.position() + take * 8);
      i += take;
    }
  }

  void doubles(double[] dst, int from, int count, String what) {
    int i = from;
    int end = from + count;
    while (i < end) {
      need(8, what);
      int take = Math.min(buf.remaining() / 8, end - i);
      buf.asDoubleBuffer().get(dst, i, take);
      buf.position(buf.position() + take * 8);
      i += take;
    }
  }
}
