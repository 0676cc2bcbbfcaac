package io.hwledger.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes small well-formed GGUF files for tests (version 3, little-endian, alignment 32, as
 * llama.cpp writes them): metadata, tensor infos laid out one after another, and a zero-filled data
 * section. Block sizes are written out here from ggml's type table, independently of the reader.
 */
final class GgufWriter {
  private static final int ALIGNMENT = 32;
  private static final int UINT32 = 4;
  private static final int STRING = 8;

  /** A ggml tensor type: its id, elements per block and bytes per block (ggml's type traits). */
  enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_K(12, 256, 144),
    Q6_K(14, 256, 210);

    final int id;
    final int blockElements;
    final int blockBytes;

    GgmlType(int id, int blockElements, int blockBytes) {
      this.id = id;
      this.blockElements = blockElements;
      this.blockBytes = blockBytes;
    }
  }

  private final ByteArrayOutputStream kvs = new ByteArrayOutputStream();
  private final ByteArrayOutputStream infos = new ByteArrayOutputStream();
  private int kvCount;
  private int tensorCount;
  private long dataBytes;

  /** A STRING value. */
  GgufWriter str(String key, String value) {
    string(kvs, key);
    u32(kvs, STRING);
    string(kvs, value);
    kvCount++;
    return this;
  }

  /** A UINT32 value. */
  GgufWriter u32(String key, long value) {
    string(kvs, key);
    u32(kvs, UINT32);
    u32(kvs, value);
    kvCount++;
    return this;
  }

  /**
   * A tensor of {@code dims} in ggml order (row length first), placed at the next aligned offset
   * after the previous one; a row's length must be a whole number of blocks.
   */
  GgufWriter tensor(String name, GgmlType type, long... dims) {
    if (dims[0] % type.blockElements != 0) {
      throw new IllegalArgumentException(name + ": row length is not a whole number of blocks");
    }
    long rows = 1;
    for (int i = 1; i < dims.length; i++) {
      rows *= dims[i];
    }
    long offset = (dataBytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    string(infos, name);
    u32(infos, dims.length);
    for (long d : dims) {
      u64(infos, d);
    }
    u32(infos, type.id);
    u64(infos, offset);
    tensorCount++;
    dataBytes = offset + rows * (dims[0] / type.blockElements) * type.blockBytes;
    return this;
  }

  /** Magic, version, counts, metadata and tensor infos, padded to the alignment. */
  byte[] header() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
    u32(out, 3);
    u64(out, tensorCount);
    u64(out, kvCount);
    out.writeBytes(kvs.toByteArray());
    out.writeBytes(infos.toByteArray());
    while (out.size() % ALIGNMENT != 0) {
      out.write(0);
    }
    return out.toByteArray();
  }

  /** Writes the header and a zero-filled data section, and returns {@code file}. */
  Path write(Path file) throws IOException {
    byte[] header = header();
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(0);
      raf.write(header);
      raf.setLength(header.length + dataBytes);
    }
    return file;
  }

  private static void u32(ByteArrayOutputStream out, long v) {
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
  }

  private static void u64(ByteArrayOutputStream out, long v) {
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
  }

  private static void string(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    u64(out, b.length);
    out.writeBytes(b);
  }
}
