package io.hwledger.math.gguf;

import io.hwledger.api.ModelConfigException;
import io.hwledger.api.Printable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Sequential reads of a GGUF header through one fixed buffer, tracking the byte offset for error
 * messages. Bulk reads fill primitive arrays straight from the buffer.
 *
 * <p>A header read by path goes through a direct buffer of {@value GgufSpareBuffer#BYTES} bytes,
 * which the file channel fills without the copy through a temporary direct buffer that a heap
 * buffer costs (the header's megabytes of tokenizer would be copied twice); STRING arrays are then
 * only checked, never kept, so no element's bytes need a heap array. Any other read keeps the
 * {@value #BUFFER_BYTES}-byte heap buffer whose runs of string elements it keeps.
 *
 * <p>Not thread-safe: one instance per read.
 */
final class GgufInput {
  /**
   * Heap buffer size, and the longest string read in one piece: large enough for any key or tensor
   * name, small enough to stay in cache.
   */
  static final int BUFFER_BYTES = 64 * 1024;

  /** Bytes a string or array body grows by per step when the file length is unknown. */
  private static final int GROWTH_STEP = 1 << 20;

  private final ReadableByteChannel channel;
  private final String source;
  private final boolean lengthKnown;
  private final long length;

  /** The buffer; replaced by a new one when a string array keeps the old one's bytes. */
  private ByteBuffer buf;

  /** The heap buffer's array; a scratch array for decoding strings out of a direct buffer. */
  private byte[] array;

  /** Whether {@link #buf} is direct, so that {@link #array} is not its backing array. */
  private final boolean direct;

  /** File offset of {@code buf} index 0. */
  private long base;

  /**
   * The file, when the header is read from one by path: STRING arrays are then only checked, and
   * read again from the file when first asked for, instead of kept.
   */
  private final Optional<Path> rereadFrom;

  /** What is being read, for messages: a kind, and a name or an index when the name is unknown. */
  private String kind = "the header";

  private String name;
  private long index = -1;

  /** Heap the header read so far takes, as {@link #charge} estimates it. */
  private long heapBytes;

  GgufInput(
      ReadableByteChannel channel,
      String source,
      boolean lengthKnown,
      long length,
      Optional<Path> rereadFrom) {
    this.channel = channel;
    this.rereadFrom = rereadFrom;
    this.source = source;
    this.lengthKnown = lengthKnown;
    this.length = length;
    this.direct = rereadFrom.isPresent();
    if (direct) {
      this.buf = GgufSpareBuffer.take();
      this.array = new byte[256];
    } else {
      this.buf = ByteBuffer.allocate(BUFFER_BYTES);
      this.array = buf.array();
    }
    buf.limit(0);
  }

  /** Ends the read: a direct buffer becomes the spare for the next read by path. */
  void release() {
    if (direct) {
      GgufSpareBuffer.give(buf);
    }
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
    checkLength(len, maxBytes, start, position(), what);
    int n = (int) len;
    charge(GgufReader.STRING_HEAP_BYTES + 2L * n, start);
    if (n <= BUFFER_BYTES) {
      need(n, what);
      int p = buf.position();
      String s;
      if (direct) {
        if (array.length < n) {
          array = new byte[Math.max(n, 2 * array.length)];
        }
        buf.get(p, array, 0, n);
        s = new String(array, 0, n, StandardCharsets.UTF_8);
      } else {
        s = new String(array, p, n, StandardCharsets.UTF_8);
      }
      buf.position(p + n);
      return s;
    }
    return new String(longBytes(n, what), StandardCharsets.UTF_8);
  }

  /**
   * The {@code n} elements of a STRING array, each a length field of {@code lengthBytes} and its
   * UTF-8 bytes, checked and charged exactly as {@link #string} checks and charges one string (same
   * limits, same messages, same offsets) but kept undecoded: the buffer is scanned for the length
   * fields and copied out in runs of whole elements.
   *
   * @param n elements, already checked against the file and the element limit
   * @param lengthBytes 4 (GGUF version 1) or 8
   * @param maxBytes the longest element accepted
   * @param lengthWhat names a length field in truncation messages
   * @param what names an element in messages
   */
  GgufStrings strings(int n, int lengthBytes, int maxBytes, String lengthWhat, String what) {
    long bodyStart = position();
    // Kept only when the file cannot be read again: null skips the elements, checked.
    GgufStrings.Builder chunks =
        rereadFrom.isPresent() ? null : new GgufStrings.Builder(n, lengthBytes, buf.order());
    int from = buf.position(); // first byte of the run of elements not yet copied out
    int runFirst = 0; // the run's first element
    int p = from;
    int i = 0;
    while (true) {
      i += skipWhole(p, n - i, lengthBytes, maxBytes);
      p = buf.position();
      if (i == n) {
        break;
      }
      // Element i is not wholly buffered, or fails a check: the same checks again, with messages.
      if (buf.limit() - p < lengthBytes) {
        keepRun(chunks, from, p, runFirst);
        need(lengthBytes, lengthWhat);
        from = p = buf.position();
        runFirst = i;
      }
      long start = base + p;
      long len = lengthBytes == 8 ? buf.getLong(p) : Integer.toUnsignedLong(buf.getInt(p));
      checkLength(len, maxBytes, start, start + lengthBytes, what);
      charge(GgufReader.STRING_HEAP_BYTES + 2L * len, start);
      int total = lengthBytes + (int) len;
      if (total > buf.limit() - p) {
        // Not all buffered: keep the run before this element, then refill from it.
        keepRun(chunks, from, p, runFirst);
        p = buf.position();
        if (total <= BUFFER_BYTES) {
          need(total, what);
          from = p = buf.position();
          runFirst = i;
        } else {
          // Longer than the buffer: a chunk of its own, holding only its bytes.
          buf.position(p + lengthBytes);
          if (chunks == null) {
            skip((int) len, what);
          } else {
            chunks.addBare(longBytes((int) len, what), i);
          }
          from = p = buf.position();
          runFirst = i + 1;
          i++;
          continue;
        }
      }
      p += total;
      buf.position(p);
      i++;
    }
    addRun(chunks, from, p, runFirst);
    buf.position(p);
    return chunks == null
        ? GgufStrings.inFile(rereadFrom.get(), bodyStart, position(), n, lengthBytes, buf.order())
        : chunks.build();
  }

  /** Moves past the next {@code n} bytes. */
  private void skip(int n, String what) {
    int left = n;
    while (left > 0) {
      need(1, what);
      int take = Math.min(buf.remaining(), left);
      buf.position(buf.position() + take);
      left -= take;
    }
  }

  /**
   * Moves past up to {@code most} elements from buffer index {@code p} that lie wholly in the
   * buffer and pass every check {@link #strings} makes, charging them; stops before the first that
   * does not, leaving it to the caller. The buffer's position ends after the last one passed.
   *
   * @return elements passed
   */
  private int skipWhole(int p, int most, int lengthBytes, int maxBytes) {
    // An element passes when it ends within the buffer and the file: a length up to
    // min(maxBytes, end - q - lengthBytes), compared unsigned so that lengths above 2^63 fail.
    long end = Math.min(buf.limit(), lengthKnown ? length - base : Long.MAX_VALUE);
    long heapLeft = GgufReader.MAX_HEADER_HEAP_BYTES - heapBytes;
    ByteBuffer b = buf; // in the file's byte order
    int q = p;
    int done = 0;
    while (done < most && end - q >= lengthBytes) {
      long len = lengthBytes == 8 ? b.getLong(q) : Integer.toUnsignedLong(b.getInt(q));
      long cost = GgufReader.STRING_HEAP_BYTES + 2L * len;
      if (Long.compareUnsigned(len, Math.min(maxBytes, end - q - lengthBytes)) > 0
          || cost > heapLeft) {
        break;
      }
      heapLeft -= cost;
      q += lengthBytes + (int) len;
      done++;
    }
    heapBytes = GgufReader.MAX_HEADER_HEAP_BYTES - heapLeft;
    buf.position(q);
    return done;
  }

  /** Copies out {@code array[from, to)}, whole elements from {@code first} on, unless empty. */
  private void addRun(GgufStrings.Builder chunks, int from, int to, int first) {
    if (chunks != null && to > from) {
      chunks.addRun(Arrays.copyOfRange(array, from, to), 0, to - from, first);
    }
  }

  /**
   * Before a refill at {@code to}, the buffer's position: keeps {@code array[from, to)} as {@link
   * #addRun} does, except that a run filling at least half the buffer keeps the buffer itself and
   * reading goes on in a new one, which saves copying most of a large array's bytes. Half: a kept
   * buffer wastes at most as much as its run, so the bytes kept stay within the heap the run's
   * elements were charged (48 per element and 2 per byte, against 8 and 1 in the run).
   */
  private void keepRun(GgufStrings.Builder chunks, int from, int to, int first) {
    if (chunks == null) {
      buf.position(to);
      return;
    }
    if (to - from < BUFFER_BYTES / 2) {
      addRun(chunks, from, to, first);
      return;
    }
    chunks.addRun(array, from, to, first);
    byte[] fresh = new byte[BUFFER_BYTES];
    int tail = buf.limit() - to;
    System.arraycopy(array, to, fresh, 0, tail);
    ByteBuffer next = ByteBuffer.wrap(fresh).order(buf.order());
    next.limit(tail);
    base += to;
    buf = next;
    array = fresh;
  }

  /** Throws as {@link #string} does for a length over the limit or past the file's end. */
  private void checkLength(long len, int maxBytes, long start, long after, String what) {
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
    if (lengthKnown && len > length - after) {
      throw error(
          start,
          what
              + " has length "
              + len
              + ", more than the "
              + (length - after)
              + " bytes left in the file");
    }
  }

  /** The next {@code n} bytes, more than the buffer holds, grown as they arrive when unknown. */
  private byte[] longBytes(int n, String what) {
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
    return bytes;
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
