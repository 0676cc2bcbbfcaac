package io.hwledger.math.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hwledger.api.ModelConfigException;
import io.hwledger.math.ModelFiles;
import io.hwledger.math.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads and checks the header of one {@code .safetensors} file; never reads tensor data.
 *
 * <p>Layout (huggingface/safetensors README, "Format"): an unsigned little-endian 64-bit header
 * length {@code N}, {@code N} bytes of UTF-8 JSON starting with an opening brace, then the data
 * section. The checks follow the reference implementation ({@code SafeTensors::read_metadata} and
 * {@code Metadata::validate} in {@code safetensors/src/tensor.rs}, commit 24b0b28): {@code N} at
 * most 100,000,000 ({@code MAX_HEADER_SIZE}); each tensor's byte length equals its dtype width ×
 * the product of its shape; sorted by offset, the tensors cover the data section exactly, with no
 * overlap and no hole ("The byte buffer needs to be entirely indexed, and cannot contain holes").
 *
 * <p>The header is parsed as a stream straight from the file, never held whole: what the reader
 * keeps is one small entry per tensor, bounded by {@link ReadLimits}.
 */
final class HeaderParser {
  /** The reference implementation's {@code MAX_HEADER_SIZE}, in bytes. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final int LENGTH_BYTES = 8;
  private static final String METADATA_KEY = "__metadata__";
  private static final String HEADER = "header";

  /** A tensor entry before its parameters are known. */
  record Entry(String name, SafetensorsDtype dtype, List<Long> shape, long begin, long end) {}

  /** What one file's header says. */
  record Parsed(SafetensorsFile file, List<Entry> entries) {}

  private HeaderParser() {}

  /**
   * Reads the header of {@code file}, a checkpoint of its own.
   *
   * @throws ModelConfigException with a one-line message naming the file and the problem
   */
  static Parsed read(Path file) {
    return read(file, UnaryOperator.identity());
  }

  /**
   * Reads the header of {@code file}, passing each tensor name through {@code listed} as it is
   * read: a shard index checks there that it lists the tensor, and returns its own copy of the name
   * for the entry to keep.
   *
   * @throws ModelConfigException with a one-line message naming the file and the problem, or what
   *     {@code listed} throws
   */
  static Parsed read(Path file, UnaryOperator<String> listed) {
    String source = file.toString();
    try (FileChannel channel = ModelFiles.open(file)) {
      long size = channel.size();
      if (size < LENGTH_BYTES) {
        throw new ModelConfigException(
            file + ": file is " + size + " bytes, too short for the 8-byte header length");
      }
      ByteBuffer length = ByteBuffer.allocate(LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, length, 0);
      long n = length.getLong(0);
      if (Long.compareUnsigned(n, MAX_HEADER_BYTES) > 0) {
        throw new ModelConfigException(
            file
                + ": header length "
                + Long.toUnsignedString(n)
                + " exceeds the format's limit of "
                + MAX_HEADER_BYTES
                + " bytes");
      }
      if (n > size - LENGTH_BYTES) {
        throw new ModelConfigException(
            file + ": header length " + n + " runs past the end of the " + size + "-byte file");
      }
      ByteBuffer first = ByteBuffer.allocate(1);
      if (n > 0) {
        readFully(channel, first, LENGTH_BYTES);
      }
      if (n == 0 || first.get(0) != '{') {
        throw new ModelConfigException(file + ": header does not start with '{'");
      }
      long dataBytes = size - LENGTH_BYTES - n;
      Map<String, String> metadata = new HashMap<>();
      List<Entry> entries = new ArrayList<>();
      ReadLimits limits = new ReadLimits(file);
      StrictJson.readMembers(
          new Slice(channel, LENGTH_BYTES, n),
          source,
          HEADER,
          (name, value, p) -> {
            if (name.equals(METADATA_KEY)) {
              StrictJson.stringMembers(
                  p,
                  value,
                  source,
                  METADATA_KEY,
                  ", but metadata values must be strings",
                  (k, v) -> {
                    limits.metadata(k, v);
                    metadata.put(k, v);
                  });
            } else {
              limits.tensor(name);
              entries.add(entry(file, listed.apply(name), p, value, dataBytes));
            }
          });
      checkCoverage(file, entries, dataBytes);
      return new Parsed(new SafetensorsFile(file, n, dataBytes, metadata), entries);
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + file + ": " + e, e);
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, at);
      if (read < 0) {
        throw new IOException("unexpected end of file at byte " + at);
      }
      at += read;
    }
  }

  /**
   * A JSON array as read: each kept element's token and text, and how many elements it has in all.
   */
  private record Scalars(List<JsonToken> tokens, List<String> texts, long size) {
    /** Whether every element was kept. */
    boolean complete() {
      return size == tokens.size();
    }

    /** The array as compact JSON, for messages; {@code …} where elements were left unread. */
    String json() {
      return "[" + String.join(",", texts) + (complete() ? "]" : ",…]");
    }

    /** Element {@code i} as a {@code long} in {@code [0, 2^63)}, or -1 when it is not one. */
    long nonNegative(int i) {
      if (tokens.get(i) != JsonToken.VALUE_NUMBER_INT) {
        return -1;
      }
      try {
        long v = Long.parseLong(texts.get(i));
        return v < 0 ? -1 : v;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  /**
   * Reads an array, keeping at most {@code max} elements and counting the rest; nested values are
   * shown as {@code …}.
   */
  private static Scalars scalars(JsonParser p, int max) throws IOException {
    List<JsonToken> tokens = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    long size = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      size++;
      if (tokens.size() == max) {
        p.skipChildren(); // skips a nested value, if t opened one
        continue;
      }
      tokens.add(t);
      if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
        p.skipChildren();
        texts.add(t == JsonToken.START_ARRAY ? "[…]" : "{…}");
      } else if (t == JsonToken.VALUE_STRING) {
        texts.add("\"" + p.getText().replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
      } else {
        texts.add(p.getText());
      }
    }
    return new Scalars(tokens, texts, size);
  }

  private static Entry entry(Path file, String name, JsonParser p, JsonToken token, long dataBytes)
      throws IOException {
    String at = file + ": tensor '" + name + "'";
    if (token != JsonToken.START_OBJECT) {
      throw new ModelConfigException(
          at + " is a JSON " + StrictJson.kind(token) + ", expected an object");
    }
    JsonToken dtypeToken = null;
    String dtypeText = null;
    JsonToken shapeToken = null;
    Scalars shape = null;
    JsonToken offsetsToken = null;
    Scalars offsets = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "dtype":
          dtypeToken = value;
          dtypeText = value == JsonToken.VALUE_STRING ? p.getText() : null;
          p.skipChildren();
          break;
        case "shape":
          shapeToken = value;
          if (value == JsonToken.START_ARRAY) {
            shape = scalars(p, ReadLimits.MAX_RANK);
          } else {
            p.skipChildren();
          }
          break;
        case "data_offsets":
          offsetsToken = value;
          if (value == JsonToken.START_ARRAY) {
            offsets = scalars(p, 2);
          } else {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
      }
    }
    // Checked in this order whatever order the fields came in.
    if (dtypeToken == null) {
      throw new ModelConfigException(at + " has no 'dtype'");
    }
    if (dtypeText == null) {
      throw new ModelConfigException(
          at + " has a 'dtype' that is a JSON " + StrictJson.kind(dtypeToken) + ", not a string");
    }
    String dtypeName = dtypeText;
    SafetensorsDtype dtype =
        SafetensorsDtype.fromFileName(dtypeName)
            .orElseThrow(
                () -> new ModelConfigException(at + " has unknown dtype '" + dtypeName + "'"));
    List<Long> dims = shape(at, shapeToken, shape);
    if (offsetsToken == null) {
      throw new ModelConfigException(at + " has no 'data_offsets'");
    }
    if (offsets == null || !offsets.complete() || offsets.tokens().size() != 2) {
      throw new ModelConfigException(at + " 'data_offsets' must be an array [begin, end]");
    }
    long begin = offsets.nonNegative(0);
    long end = offsets.nonNegative(1);
    if (begin < 0 || end < 0) {
      throw new ModelConfigException(
          at + " 'data_offsets' " + offsets.json() + " must be integers in [0, 2^63)");
    }
    String range = "data_offsets [" + begin + ", " + end + "]";
    if (end < begin) {
      throw new ModelConfigException(at + " " + range + " end before they begin");
    }
    if (end > dataBytes) {
      throw new ModelConfigException(
          at + " " + range + " run past the " + dataBytes + "-byte data section");
    }
    long needed;
    try {
      needed = SafetensorsTensor.byteSize(dtype, dims);
    } catch (ArithmeticException e) {
      throw new ModelConfigException(at + " shape " + dims + " overflows a 64-bit size", e);
    } catch (IllegalArgumentException e) {
      throw new ModelConfigException(at + " shape " + dims + ": " + e.getMessage(), e);
    }
    if (end - begin != needed) {
      throw new ModelConfigException(
          at
              + " "
              + range
              + " hold "
              + (end - begin)
              + " bytes, but "
              + dtype
              + " "
              + dims
              + " needs "
              + needed);
    }
    return new Entry(name, dtype, dims, begin, end);
  }

  private static List<Long> shape(String at, JsonToken token, Scalars shape) {
    if (token == null) {
      throw new ModelConfigException(at + " has no 'shape'");
    }
    if (shape == null) {
      throw new ModelConfigException(
          at + " 'shape' is a JSON " + StrictJson.kind(token) + ", expected an array");
    }
    if (!shape.complete()) {
      throw new ModelConfigException(
          at
              + " 'shape' has "
              + shape.size()
              + " dimensions, more than the limit of "
              + ReadLimits.MAX_RANK);
    }
    Long[] dims = new Long[shape.tokens().size()];
    for (int i = 0; i < dims.length; i++) {
      long value = shape.nonNegative(i);
      if (value < 0) {
        throw new ModelConfigException(
            at + " 'shape' " + shape.json() + " must hold integers in [0, 2^63)");
      }
      dims[i] = value;
    }
    return List.of(dims);
  }

  /** Sorted by offset, the tensors must tile {@code [0, dataBytes)} exactly. */
  private static void checkCoverage(Path file, List<Entry> entries, long dataBytes) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long covered = 0;
    Entry previous = null;
    for (Entry e : sorted) {
      if (e.begin() < covered) {
        throw new ModelConfigException(
            file
                + ": tensors '"
                + previous.name()
                + "' "
                + range(previous)
                + " and '"
                + e.name()
                + "' "
                + range(e)
                + " overlap");
      }
      if (e.begin() > covered) {
        throw hole(file, covered, e.begin());
      }
      covered = e.end();
      previous = e;
    }
    if (covered < dataBytes) {
      throw hole(file, covered, dataBytes);
    }
  }

  private static String range(Entry e) {
    return "[" + e.begin() + ", " + e.end() + ")";
  }

  private static ModelConfigException hole(Path file, long from, long to) {
    return new ModelConfigException(
        file + ": data bytes [" + from + ", " + to + ") belong to no tensor");
  }

  /** Bytes {@code [from, from + length)} of a channel, read with positional reads. */
  private static final class Slice extends InputStream {
    private final FileChannel channel;
    private long position;
    private final long end;

    Slice(FileChannel channel, long from, long length) {
      this.channel = channel;
      this.position = from;
      this.end = from + length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (position >= end) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
      if (n > 0) {
        position += n;
      }
      return n;
    }
  }
}
