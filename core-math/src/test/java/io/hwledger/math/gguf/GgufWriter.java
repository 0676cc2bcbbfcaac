package io.hwledger.math.gguf;

import io.hwledger.api.DType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes well-formed GGUF headers for tests (tests only): metadata of any type, tensors laid out
 * one after another at the alignment, any version and byte order. {@link #write} makes a sparse
 * file whose data section is holes. Nothing is validated, so tests can write hostile files.
 *
 * <p>Shared with other modules' tests through this module's test-jar (see its POM).
 */
public final class GgufWriter {
  /** An array value: its element type and elements (Numbers, Booleans, Strings or Arrays). */
  public record Arr(GgufType elementType, List<?> elements) {}

  private final int version;
  private final ByteOrder order;
  private final ByteArrayOutputStream kvs = new ByteArrayOutputStream();
  private final ByteArrayOutputStream infos = new ByteArrayOutputStream();
  private int kvCount;
  private int tensorCount;
  private int alignment = 32;
  private long dataBytes;

  /** A writer of GGUF {@code version} in byte {@code order}. */
  public GgufWriter(int version, ByteOrder order) {
    this.version = version;
    this.order = order;
  }

  /** Version 3, little-endian: what llama.cpp writes. */
  public GgufWriter() {
    this(3, ByteOrder.LITTLE_ENDIAN);
  }

  /** An array of {@code elementType}. */
  public static Arr arr(GgufType elementType, Object... elements) {
    return new Arr(elementType, List.of(elements));
  }

  /** Sets the layout alignment and writes {@code general.alignment} as UINT32. */
  public GgufWriter alignment(int bytes) {
    this.alignment = bytes;
    return kv("general.alignment", GgufType.UINT32, bytes);
  }

  /** A metadata pair of {@code type}; {@code value} is a Number, Boolean, String or {@link Arr}. */
  public GgufWriter kv(String key, GgufType type, Object value) {
    string(kvs, key);
    u32(kvs, type.id());
    value(kvs, type, value);
    kvCount++;
    return this;
  }

  /** A STRING metadata pair. */
  public GgufWriter str(String key, String value) {
    return kv(key, GgufType.STRING, value);
  }

  /** A UINT32 metadata pair. */
  public GgufWriter u32(String key, long value) {
    return kv(key, GgufType.UINT32, value);
  }

  /** A tensor of {@code type} placed after the previous one, at the next aligned offset. */
  public GgufWriter tensor(String name, DType type, long... dims) {
    long offset = (dataBytes + alignment - 1) / alignment * alignment;
    long rows = 1;
    for (int i = 1; i < dims.length; i++) {
      rows *= dims[i];
    }
    dataBytes = offset + type.bytes(rows, dims[0]);
    return rawTensor(name, type.ggmlType().getAsInt(), offset, dims);
  }

  /** A tensor info with every field as given, for hostile files. */
  public GgufWriter rawTensor(String name, int ggmlType, long offset, long... dims) {
    string(infos, name);
    u32(infos, dims.length);
    for (long d : dims) {
      size(infos, d);
    }
    u32(infos, ggmlType);
    u64(infos, offset);
    tensorCount++;
    return this;
  }

  /** Magic, version, counts, metadata and tensor infos, padded to the alignment. */
  public byte[] header() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
    u32(out, version);
    size(out, tensorCount);
    size(out, kvCount);
    out.writeBytes(kvs.toByteArray());
    out.writeBytes(infos.toByteArray());
    while (out.size() % alignment != 0) {
      out.write(0);
    }
    return out.toByteArray();
  }

  /** Bytes of the data section the tensors need. */
  public long dataBytes() {
    return dataBytes;
  }

  /**
   * Writes the header and extends the file to hold the data section, as holes (zeros), replacing
   * whatever {@code file} held; returns {@code file}.
   */
  public Path write(Path file) {
    byte[] header = header();
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(0);
      raf.write(header);
      raf.setLength(header.length + dataBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private void value(ByteArrayOutputStream out, GgufType type, Object v) {
    switch (type) {
      case UINT8:
      case INT8:
        out.write(((Number) v).intValue());
        break;
      case BOOL:
        out.write((Boolean) v ? 1 : 0);
        break;
      case UINT16:
      case INT16:
        out.writeBytes(buf(2).putShort(((Number) v).shortValue()).array());
        break;
      case UINT32:
      case INT32:
        u32(out, ((Number) v).longValue());
        break;
      case FLOAT32:
        out.writeBytes(buf(4).putFloat(((Number) v).floatValue()).array());
        break;
      case UINT64:
      case INT64:
        u64(out, ((Number) v).longValue());
        break;
      case FLOAT64:
        out.writeBytes(buf(8).putDouble(((Number) v).doubleValue()).array());
        break;
      case STRING:
        string(out, (String) v);
        break;
      case ARRAY:
        {
          Arr a = (Arr) v;
          u32(out, a.elementType().id());
          size(out, a.elements().size());
          for (Object e : new ArrayList<>(a.elements())) {
            value(out, a.elementType(), e);
          }
          break;
        }
    }
  }

  private ByteBuffer buf(int n) {
    return ByteBuffer.allocate(n).order(order);
  }

  private void u32(ByteArrayOutputStream out, long v) {
    out.writeBytes(buf(4).putInt((int) v).array());
  }

  private void u64(ByteArrayOutputStream out, long v) {
    out.writeBytes(buf(8).putLong(v).array());
  }

  /** A count or length: 32 bits in version 1, else 64. */
  private void size(ByteArrayOutputStream out, long v) {
    if (version == 1) {
      u32(out, v);
    } else {
      u64(out, v);
    }
  }

  private void string(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    size(out, b.length);
    out.writeBytes(b);
  }
}
