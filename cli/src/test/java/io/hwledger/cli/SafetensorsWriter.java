package io.hwledger.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small well-formed safetensors files for tests: the 8-byte little-endian header length, the
 * JSON header, then a zero-filled data section. Only the 2-byte {@code BF16} and 4-byte {@code F32}
 * dtypes, written out here independently of the reader.
 */
final class SafetensorsWriter {
  private final List<String> entries = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private long offset;

  /** Appends a tensor of {@code dtype} ({@code BF16} or {@code F32}) after the previous one. */
  SafetensorsWriter tensor(String name, String dtype, long... shape) {
    long bytes =
        switch (dtype) {
          case "BF16" -> 2;
          case "F32" -> 4;
          default -> throw new IllegalArgumentException("dtype " + dtype);
        };
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      bytes *= d;
      dims.append(dims.length() == 0 ? "" : ",").append(d);
    }
    entries.add(
        String.format(
            "\"%s\":{\"dtype\":\"%s\",\"shape\":[%s],\"data_offsets\":[%d,%d]}",
            name, dtype, dims, offset, offset + bytes));
    names.add(name);
    offset += bytes;
    return this;
  }

  /** The tensor names, in order. */
  List<String> names() {
    return List.copyOf(names);
  }

  /** Bytes of the data section. */
  long dataBytes() {
    return offset;
  }

  /** Writes the file and returns it. */
  Path write(Path file) throws IOException {
    byte[] header = ("{" + String.join(",", entries) + "}").getBytes(StandardCharsets.UTF_8);
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.setLength(0);
      out.write(
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
      out.write(header);
      out.setLength(8L + header.length + offset);
    }
    return file;
  }
}
