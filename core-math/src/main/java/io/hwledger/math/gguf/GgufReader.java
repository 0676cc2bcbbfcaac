package io.hwledger.math.gguf;

import io.hwledger.api.DType;
import io.hwledger.api.ModelConfigException;
import io.hwledger.math.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads the header of a GGUF file (ggml {@code docs/gguf.md}): magic, version, metadata key/values
 * and tensor infos. Tensor data is never read: a header of a few megabytes describes a file of any
 * size.
 *
 * <p>Versions 1 (32-bit counts, string lengths and dimensions), 2 and 3 are read, in either byte
 * order (a big-endian file is recognised by its byte-swapped version field).
 *
 * <p>Every malformed or hostile header fails with a one-line {@link ModelConfigException} naming
 * the source, the byte offset and the problem. Nothing is allocated from a count or length the file
 * claims before the claim is checked: against the bytes left in the file when its length is known
 * (a sparse file can claim gigabytes of holes, so this alone is not enough), against the stated
 * limits below, and otherwise by growing buffers only as bytes actually arrive. Limits:
 *
 * <ul>
 *   <li>metadata keys: at most {@value #MAX_KEY_BYTES} bytes (gguf.md);
 *   <li>tensor names: at most {@value #MAX_TENSOR_NAME_BYTES} bytes (gguf.md, ggml's {@code
 *       GGML_MAX_NAME});
 *   <li>string values and array elements: at most {@value #MAX_STRING_BYTES} bytes each;
 *   <li>arrays: at most {@value #MAX_ARRAY_ELEMENTS} elements, nested at most {@value
 *       #MAX_ARRAY_DEPTH} deep (an array of arrays is depth 2);
 *   <li>tensors: at most {@value #MAX_TENSORS};
 *   <li>all metadata and tensor infos together: at most {@value #MAX_HEADER_HEAP_BYTES} bytes of
 *       heap, as estimated before each allocation ({@value #STRING_HEAP_BYTES} bytes per string
 *       plus two per byte of it, the element size per number, a fixed cost per entry and tensor),
 *       so that a reader in a 256 MiB heap can read any file;
 *   <li>tensors: 1 to {@value #MAX_DIMS} positive dimensions ({@code GGML_MAX_DIMS}) whose product
 *       fits a {@code long}, a ggml type {@link DType#ofGgmlType} knows, an offset that is a
 *       multiple of the alignment, data ranges that do not overlap and, when the file length is
 *       known, end within the file;
 *   <li>no duplicate keys or tensor names; {@code general.alignment} a power of two.
 * </ul>
 *
 * <p>Invalid UTF-8 in strings is replaced with U+FFFD, as {@link String#String(byte[], int, int,
 * java.nio.charset.Charset)} does; llama.cpp does not validate it either.
 *
 * <p>Thread-safe and stateless.
 */
public final class GgufReader {
  /** Longest metadata key, in bytes. */
  public static final int MAX_KEY_BYTES = 65_535;

  /** Longest tensor name, in bytes. */
  public static final int MAX_TENSOR_NAME_BYTES = 64;

  /** Longest string value or string array element, in bytes (16 MiB). */
  public static final int MAX_STRING_BYTES = 16 * 1024 * 1024;

  /**
   * Most elements of one metadata array: 2^24 (16,777,216). The largest arrays of published files
   * are tokenizers: 262,144 tokens (Gemma 3), 280,147 merges (Llama 3).
   */
  public static final int MAX_ARRAY_ELEMENTS = 1 << 24;

  /**
   * Most tensors of one file: 262,144. llama.cpp stores each layer's experts as one stacked tensor,
   * so published files hold about a thousand (Llama 3.1 405B: 1,138).
   */
  public static final int MAX_TENSORS = 1 << 18;

  /**
   * Most heap the decoded metadata and tensor infos of one header may take, in bytes (128 MiB), as
   * estimated before each allocation. Llama 3's tokenizer (128,256 tokens, 280,147 merges) is
   * estimated at about 36 MiB; Gemma 3's (262,144 tokens with scores and types) at about 23 MiB.
   */
  public static final long MAX_HEADER_HEAP_BYTES = 128L * 1024 * 1024;

  /** Heap estimated per string beyond its characters: object, array header, reference. */
  static final int STRING_HEAP_BYTES = 48;

  /** Heap estimated per metadata entry beyond its key and value: map entries, boxed value. */
  private static final int ENTRY_HEAP_BYTES = 96;

  /** Heap estimated per array beyond its elements: the array object and its Java array. */
  private static final int ARRAY_HEAP_BYTES = 48;

  /** Heap estimated per tensor info beyond its name and dimensions: object, map entry, list. */
  private static final int TENSOR_HEAP_BYTES = 96;

  /** Deepest nesting of metadata arrays. */
  public static final int MAX_ARRAY_DEPTH = 4;

  /** Most dimensions of a tensor. */
  public static final int MAX_DIMS = 4;

  /** {@link DType#ofGgmlType} of ids 0 to 63, looked up once instead of per tensor. */
  private static final DType[] GGML_TYPES = new DType[64];

  static {
    for (int id = 0; id < GGML_TYPES.length; id++) {
      GGML_TYPES[id] = DType.ofGgmlType(id).orElse(null);
    }
  }

  /** {@code GGUF}, read as a big-endian int (the buffer's order until the version is known). */
  private static final int MAGIC = 0x47475546;

  private static final int DEFAULT_ALIGNMENT = 32;
  private static final String ALIGNMENT_KEY = "general.alignment";
  private static final String VALUE = "value";

  /** Elements a buffer grows by per step when the file length is unknown. */
  private static final int GROWTH_ELEMENTS = 1 << 16;

  private GgufReader() {}

  /**
   * Reads the header of the file at {@code file}, which must be a regular file. STRING arrays are
   * checked but not kept: {@link GgufArray#getString} reads them again from the file when first
   * asked for (planning needs their lengths only).
   *
   * @param file the GGUF file
   * @return the header, with the file's length known
   * @throws ModelConfigException naming the file, byte offset and problem when the file cannot be
   *     read or is no well-formed GGUF file
   */
  public static GgufFile read(Path file) {
    Objects.requireNonNull(file, "file");
    // Only a regular file: a FIFO or device would block the read forever.
    try (FileChannel ch = ModelFiles.open(file)) {
      return read(ch, file.toString(), OptionalLong.of(ch.size()), Optional.of(file));
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + file + ": " + e, e);
    }
  }

  /**
   * Reads a GGUF header from {@code channel}, positioned at the start of the file. Reads past the
   * header only to the next buffer boundary; the channel is left open.
   *
   * @param channel the file's bytes, from offset 0
   * @param source names the file in error messages
   * @param length the file's total length in bytes, when known: enables the end-of-file checks
   * @return the header
   * @throws IllegalArgumentException if {@code length} is negative
   * @throws ModelConfigException naming {@code source}, byte offset and problem
   */
  public static GgufFile read(ReadableByteChannel channel, String source, OptionalLong length) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(length, "length");
    if (length.isPresent() && length.getAsLong() < 0) {
      throw new IllegalArgumentException("length must not be negative, was " + length.getAsLong());
    }
    return read(channel, source, length, Optional.empty());
  }

  /** As the public read, with the file to read STRING arrays from again when there is one. */
  private static GgufFile read(
      ReadableByteChannel channel, String source, OptionalLong length, Optional<Path> file) {
    GgufInput in =
        new GgufInput(
            channel, source, length.isPresent(), length.isPresent() ? length.getAsLong() : 0, file);
    try {
      return new Parse(in, source).file();
    } finally {
      in.release();
    }
  }

  /**
   * Reads a GGUF header from {@code stream}, positioned at the start of the file; see {@link
   * #read(ReadableByteChannel, String, OptionalLong)}. The stream is left open.
   *
   * @param stream the file's bytes, from offset 0
   * @param source names the file in error messages
   * @param length the file's total length in bytes, when known: enables the end-of-file checks
   * @return the header
   * @throws IllegalArgumentException if {@code length} is negative
   * @throws ModelConfigException naming {@code source}, byte offset and problem
   */
  public static GgufFile read(InputStream stream, String source, OptionalLong length) {
    Objects.requireNonNull(stream, "stream");
    return read(Channels.newChannel(stream), source, length);
  }

  /** The state of reading one header. */
  private static final class Parse {
    private final GgufInput in;
    private final String source;
    private int version;

    Parse(GgufInput in, String source) {
      this.in = in;
      this.source = source;
    }

    GgufFile file() {
      int magic = in.i32("magic");
      // The magic is four bytes, not a number: compare in file order whatever the byte order.
      if (magic != MAGIC) {
        throw in.error(0, "bad magic " + String.format("0x%08x", magic) + ", not a GGUF file");
      }
      ByteOrder order = ByteOrder.BIG_ENDIAN;
      int raw = in.i32("version");
      int le = Integer.reverseBytes(raw);
      // The buffer starts big-endian; a little-endian version 1-3 reads with its low bytes last.
      if (le >= 1 && le <= 3) {
        order = ByteOrder.LITTLE_ENDIAN;
        version = le;
      } else if (raw >= 1 && raw <= 3) {
        version = raw;
      } else {
        throw in.error(
            4,
            "unsupported GGUF version " + Integer.toUnsignedString(le) + " (supported: 1, 2, 3)");
      }
      in.order(order);

      long tensorStart = in.position();
      long tensorCount = count("tensor count");
      long kvStart = in.position();
      long kvCount = count("metadata count");
      // Each entry takes at least a key length, a type and a one-byte value.
      long minEntry = sizeBytes() + 4L + 1;
      if (kvCount < 0 || kvCount > in.remaining() / minEntry) {
        throw in.error(
            kvStart,
            "metadata count "
                + Long.toUnsignedString(kvCount)
                + " cannot fit in the "
                + in.remaining()
                + " bytes left in the file");
      }
      // A tensor info takes at least a name length, n_dims, one dim, a type and an offset.
      long minTensor = sizeBytes() + 4L + sizeBytes() + 4 + 8;
      if (tensorCount < 0 || tensorCount > in.remaining() / minTensor) {
        throw in.error(
            tensorStart,
            "tensor count "
                + Long.toUnsignedString(tensorCount)
                + " cannot fit in the "
                + in.remaining()
                + " bytes left in the file");
      }
      if (tensorCount > MAX_TENSORS) {
        throw in.error(
            tensorStart,
            "tensor count " + tensorCount + " is more than the limit of " + MAX_TENSORS);
      }

      Map<String, Object> metadata = new LinkedHashMap<>();
      Map<String, GgufType> types = new HashMap<>();
      long alignmentAt = -1;
      for (long i = 0; i < kvCount; i++) {
        long keyStart = in.position();
        in.at("metadata", i);
        in.charge(ENTRY_HEAP_BYTES, keyStart);
        String key = in.string(count("key length"), MAX_KEY_BYTES, keyStart, "key");
        if (metadata.containsKey(key)) {
          throw in.error(keyStart, "duplicate metadata key '" + GgufInput.printable(key) + "'");
        }
        in.at("metadata", key);
        long typeStart = in.position();
        GgufType type = type(in.i32("value type"), typeStart);
        if (key.equals(ALIGNMENT_KEY)) {
          alignmentAt = in.position();
        }
        metadata.put(key, value(type, 1));
        types.put(key, type);
      }
      int alignment = alignment(metadata.get(ALIGNMENT_KEY), types.get(ALIGNMENT_KEY), alignmentAt);

      int n = (int) tensorCount;
      // Grown as tensor infos arrive: a count that fits a sparse file's holes allocates nothing.
      List<GgufTensor> tensors = new ArrayList<>(Math.min(n, 4096));
      // Sized for the first 4,096 tensors so that a typical file's map never grows.
      Map<String, GgufTensor> byName = new HashMap<>(Math.min(n, 4096) * 4 / 3 + 1);
      long[] offsetFields = new long[Math.min(n, 4096)];
      for (int i = 0; i < n; i++) {
        long nameStart = in.position();
        in.at("tensor", i);
        in.charge(TENSOR_HEAP_BYTES + 8L * MAX_DIMS, nameStart);
        String name = in.string(count("name length"), MAX_TENSOR_NAME_BYTES, nameStart, "name");
        if (byName.containsKey(name)) {
          throw in.error(nameStart, "duplicate tensor name '" + GgufInput.printable(name) + "'");
        }
        if (i == offsetFields.length) {
          offsetFields = Arrays.copyOf(offsetFields, Math.min(n, offsetFields.length * 2));
        }
        GgufTensor t = tensor(name, alignment, offsetFields, i);
        tensors.add(t);
        byName.put(name, t);
      }
      long headerEnd = in.position();
      long dataOffset = (headerEnd + alignment - 1) / alignment * alignment;
      checkRanges(tensors, offsetFields, dataOffset);
      OptionalLong length = in.lengthKnown() ? OptionalLong.of(in.length()) : OptionalLong.empty();
      return new GgufFile(
          source, version, order, alignment, dataOffset, length, metadata, types, tensors, byName);
    }

    private GgufTensor tensor(String name, int alignment, long[] offsetFields, int index) {
      in.at("tensor", name);
      long dimsStart = in.position();
      long nDims = Integer.toUnsignedLong(in.i32("n_dims"));
      if (nDims < 1 || nDims > MAX_DIMS) {
        throw in.error(
            dimsStart,
            in.describe() + " has " + nDims + " dimensions (supported: 1 to " + MAX_DIMS + ")");
      }
      long[] dims = new long[(int) nDims];
      long elements = 1;
      for (int d = 0; d < dims.length; d++) {
        long dimStart = in.position();
        long dim = count("dimensions");
        if (dim <= 0) {
          throw in.error(
              dimStart,
              in.describe()
                  + " has dimension "
                  + d
                  + " of "
                  + Long.toUnsignedString(dim)
                  + ", not a positive size");
        }
        dims[d] = dim;
        try {
          elements = Math.multiplyExact(elements, dim);
        } catch (ArithmeticException e) {
          throw in.error(dimStart, in.describe() + " has more elements than a long can count");
        }
      }
      long typeStart = in.position();
      int typeId = in.i32("ggml type");
      Optional<DType> type =
          typeId >= 0 && typeId < GGML_TYPES.length
              ? Optional.ofNullable(GGML_TYPES[typeId])
              : DType.ofGgmlType(typeId);
      if (type.isEmpty()) {
        throw in.error(
            typeStart,
            in.describe() + " has unknown ggml type " + Integer.toUnsignedString(typeId));
      }
      long offsetStart = in.position();
      long offset = in.i64("offset");
      if (offset < 0) {
        throw in.error(
            offsetStart,
            in.describe() + " has offset " + Long.toUnsignedString(offset) + ", past any file end");
      }
      if (offset % alignment != 0) {
        throw in.error(
            offsetStart,
            in.describe()
                + " has offset "
                + Long.toUnsignedString(offset)
                + ", not a multiple of the alignment "
                + alignment);
      }
      long bytes;
      try {
        bytes = type.get().bytes(elements / dims[0], dims[0]);
      } catch (ArithmeticException e) {
        throw in.error(typeStart, in.describe() + " has more bytes than a long can count");
      }
      offsetFields[index] = offsetStart;
      return new GgufTensor(name, dims, type.get(), offset, elements, bytes);
    }

    /** Data ranges must not overlap and, when the length is known, must end within the file. */
    private void checkRanges(List<GgufTensor> tensors, long[] offsetFields, long dataOffset) {
      int n = tensors.size();
      boolean sorted = true;
      for (int i = 1; i < n && sorted; i++) {
        sorted = tensors.get(i - 1).offset() <= tensors.get(i).offset();
      }
      // Writers lay tensors out in file order; only another order needs sorting.
      Integer[] order = null;
      if (!sorted) {
        order = new Integer[n];
        for (int i = 0; i < n; i++) {
          order[i] = i;
        }
        Arrays.sort(
            order, (a, b) -> Long.compare(tensors.get(a).offset(), tensors.get(b).offset()));
      }
      long end = 0;
      String previous = null;
      for (int k = 0; k < n; k++) {
        int i = order == null ? k : order[k];
        GgufTensor t = tensors.get(i);
        if (t.offset() < end) {
          throw in.error(
              offsetFields[i],
              "tensor '"
                  + GgufInput.printable(t.name())
                  + "' data at offset "
                  + t.offset()
                  + " overlaps tensor '"
                  + GgufInput.printable(previous)
                  + "', which ends at "
                  + end);
        }
        long stop = t.offset() + t.bytes();
        if (stop < 0 || (in.lengthKnown() && stop > in.length() - dataOffset)) {
          throw in.error(
              offsetFields[i],
              "tensor '"
                  + GgufInput.printable(t.name())
                  + "' data ["
                  + t.offset()
                  + ", "
                  + (stop < 0 ? "overflow" : Long.toString(stop))
                  + ") of the data section at byte "
                  + dataOffset
                  + " runs past the end of the file ("
                  + (in.lengthKnown() ? in.length() + " bytes" : "more than a long")
                  + ")");
        }
        end = stop;
        previous = t.name();
      }
    }

    private int alignment(Object value, GgufType type, long at) {
      if (value == null) {
        return DEFAULT_ALIGNMENT;
      }
      long a;
      if (value instanceof Integer i) {
        a = i;
      } else if (value instanceof Long l && type != GgufType.UINT64) {
        a = l;
      } else {
        throw in.error(at, "'" + ALIGNMENT_KEY + "' must be an integer, was " + type);
      }
      if (a <= 0 || a > (1 << 30) || Long.bitCount(a) != 1) {
        throw in.error(at, "'" + ALIGNMENT_KEY + "' is " + a + ", not a power of two up to 2^30");
      }
      return (int) a;
    }

    /** Bytes of a count or length field: 4 in version 1, else 8. */
    private int sizeBytes() {
      return version == 1 ? 4 : 8;
    }

    /** A count or length field, as an unsigned value; negative when above {@code 2^63 - 1}. */
    private long count(String what) {
      return version == 1 ? Integer.toUnsignedLong(in.i32(what)) : in.i64(what);
    }

    private GgufType type(int id, long at) {
      Optional<GgufType> t = GgufType.ofId(Integer.toUnsignedLong(id));
      if (t.isEmpty()) {
        throw in.error(
            at, "unknown value type " + Integer.toUnsignedString(id) + " of " + in.describe());
      }
      return t.get();
    }

    private Object value(GgufType type, int depth) {
      switch (type) {
        case UINT8:
          return in.u8(VALUE);
        case INT8:
          return (int) (byte) in.u8(VALUE);
        case UINT16:
          return Short.toUnsignedInt(shortOf(in));
        case INT16:
          return (int) shortOf(in);
        case UINT32:
          return Integer.toUnsignedLong(in.i32(VALUE));
        case INT32:
          return in.i32(VALUE);
        case FLOAT32:
          return Float.intBitsToFloat(in.i32(VALUE));
        case BOOL:
          {
            long at = in.position();
            int b = in.u8(VALUE);
            if (b > 1) {
              throw in.error(at, "bool " + in.describe() + " is " + b + ", not 0 or 1");
            }
            return b == 1;
          }
        case STRING:
          {
            long at = in.position();
            return in.string(count("string length"), MAX_STRING_BYTES, at, "string");
          }
        case ARRAY:
          return array(depth);
        case UINT64:
        case INT64:
          return in.i64(VALUE);
        case FLOAT64:
          return Double.longBitsToDouble(in.i64(VALUE));
        default:
          throw new IllegalStateException("unhandled type " + type);
      }
    }

    private short shortOf(GgufInput input) {
      short[] one = new short[1];
      input.shorts(one, 0, 1, VALUE);
      return one[0];
    }

    private GgufArray array(int depth) {
      long typeStart = in.position();
      if (depth > MAX_ARRAY_DEPTH) {
        throw in.error(
            typeStart,
            "array " + in.describe() + " is nested deeper than " + MAX_ARRAY_DEPTH + " levels");
      }
      in.charge(ARRAY_HEAP_BYTES, typeStart);
      GgufType et = type(in.i32("array type"), typeStart);
      long countStart = in.position();
      long count = count("array length");
      long minBytes =
          et == GgufType.STRING
              ? sizeBytes()
              : et == GgufType.ARRAY ? 4 + sizeBytes() : et.fixedSize();
      if (count < 0 || count > in.remaining() / minBytes) {
        throw in.error(
            countStart,
            "array "
                + in.describe()
                + " claims "
                + Long.toUnsignedString(count)
                + " "
                + et
                + " elements, more than the "
                + in.remaining()
                + " bytes left in the file can hold");
      }
      if (count > MAX_ARRAY_ELEMENTS) {
        throw in.error(
            countStart,
            "array "
                + in.describe()
                + " claims "
                + count
                + " "
                + et
                + " elements, more than the limit of "
                + MAX_ARRAY_ELEMENTS);
      }
      // What the elements take at the least, before any is allocated; strings add their bytes.
      in.charge(count * elementHeapBytes(et), countStart);
      int n = (int) count;
      int cap = in.lengthKnown() ? n : Math.min(n, GROWTH_ELEMENTS);
      String what = "array element";
      int filled = 0;
      switch (et) {
        case UINT8:
        case INT8:
        case BOOL:
          {
            byte[] a = new byte[cap];
            while (filled < n) {
              a = grown(a, filled, n);
              int take = Math.min(a.length, n) - filled;
              in.bytes(a, filled, take, what);
              filled += take;
            }
            if (et == GgufType.BOOL) {
              for (int i = 0; i < n; i++) {
                if ((a[i] & 0xFF) > 1) {
                  throw in.error(
                      countStart + sizeBytes() + i,
                      "bool element " + i + " of " + in.describe() + " is " + (a[i] & 0xFF));
                }
              }
            }
            return new GgufArray(et, a, n);
          }
        case UINT16:
        case INT16:
          {
            short[] a = new short[cap];
            while (filled < n) {
              if (filled == a.length) {
                a = Arrays.copyOf(a, grow(a.length, n));
              }
              int take = a.length - filled;
              in.shorts(a, filled, take, what);
              filled += take;
            }
            return new GgufArray(et, a, n);
          }
        case UINT32:
        case INT32:
          {
            int[] a = new int[cap];
            while (filled < n) {
              if (filled == a.length) {
                a = Arrays.copyOf(a, grow(a.length, n));
              }
              int take = a.length - filled;
              in.ints(a, filled, take, what);
              filled += take;
            }
            return new GgufArray(et, a, n);
          }
        case FLOAT32:
          {
            float[] a = new float[cap];
            while (filled < n) {
              if (filled == a.length) {
                a = Arrays.copyOf(a, grow(a.length, n));
              }
              int take = a.length - filled;
              in.floats(a, filled, take, what);
              filled += take;
            }
            return new GgufArray(et, a, n);
          }
        case UINT64:
        case INT64:
          {
            long[] a = new long[cap];
            while (filled < n) {
              if (filled == a.length) {
                a = Arrays.copyOf(a, grow(a.length, n));
              }
              int take = a.length - filled;
              in.longs(a, filled, take, what);
              filled += take;
            }
            return new GgufArray(et, a, n);
          }
        case FLOAT64:
          {
            double[] a = new double[cap];
            while (filled < n) {
              if (filled == a.length) {
                a = Arrays.copyOf(a, grow(a.length, n));
              }
              int take = a.length - filled;
              in.doubles(a, filled, take, what);
              filled += take;
            }
            return new GgufArray(et, a, n);
          }
        case STRING:
          {
            // Kept undecoded: planning reads a tokenizer's length, not its strings.
            return new GgufArray(
                et,
                in.strings(n, sizeBytes(), MAX_STRING_BYTES, "string length", "string element"),
                n);
          }
        case ARRAY:
          {
            GgufArray[] a = new GgufArray[cap];
            for (int i = 0; i < n; i++) {
              if (i == a.length) {
                a = Arrays.copyOf(a, grow(a.length, n));
              }
              a[i] = array(depth + 1);
            }
            return new GgufArray(et, a, n);
          }
        default:
          throw new IllegalStateException("unhandled type " + et);
      }
    }

    /**
     * Heap one element of an array of {@code type} takes in the array itself: a reference for
     * strings and nested arrays, which charge their own objects as they are read.
     */
    private static long elementHeapBytes(GgufType type) {
      return type == GgufType.STRING || type == GgufType.ARRAY ? 4 : type.fixedSize();
    }

    private static byte[] grown(byte[] a, int filled, int n) {
      return filled == a.length && filled < n ? Arrays.copyOf(a, grow(a.length, n)) : a;
    }

    private static int grow(int length, int n) {
      return (int) Math.min(n, Math.max(GROWTH_ELEMENTS, 2L * length));
    }
  }
}
