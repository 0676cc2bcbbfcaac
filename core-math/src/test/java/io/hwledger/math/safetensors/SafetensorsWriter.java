package io.hwledger.math.safetensors;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small well-formed safetensors files for tests: the header, then a zero-filled data
 * section. The data section is made by extending the file ({@link RandomAccessFile#setLength}), so
 * on file systems with sparse files a multi-gigabyte checkpoint costs no disk.
 *
 * <p>Element widths are written out here, independently of the reader's dtype table. Shared with
 * other modules' tests through this module's test-jar (see its POM).
 */
public final class SafetensorsWriter {
  private static final Map<String, Integer> BYTES =
      Map.ofEntries(
          Map.entry("F64", 8),
          Map.entry("I64", 8),
          Map.entry("U64", 8),
          Map.entry("F32", 4),
          Map.entry("I32", 4),
          Map.entry("U32", 4),
          Map.entry("F16", 2),
          Map.entry("BF16", 2),
          Map.entry("I16", 2),
          Map.entry("U16", 2),
          Map.entry("I8", 1),
          Map.entry("U8", 1),
          Map.entry("BOOL", 1),
          Map.entry("F8_E4M3", 1),
          Map.entry("F8_E5M2", 1));

  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final List<String> entries = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private long offset;

  /** Adds {@code key: value} to {@code __metadata__}. */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /**
   * Appends a tensor after the previous one.
   *
   * @param dtype a safetensors dtype name, e.g. {@code BF16}
   * @throws IllegalArgumentException if this writer has no width for {@code dtype}
   */
  public SafetensorsWriter tensor(String name, String dtype, long... shape) {
    Integer width = BYTES.get(dtype);
    if (width == null) {
      throw new IllegalArgumentException("no element width for dtype " + dtype);
    }
    long bytes = width;
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      bytes *= d;
      dims.append(dims.length() == 0 ? "" : ",").append(d);
    }
    entries.add(
        String.format(
            "\"%s\":{\"dtype\":\"%s\",\"shape\":[%s],\"data_offsets\":[%d,%d]}",
            name, dtype, dims, offset, offset + bytes));
    offset += bytes;
    names.add(name);
    return this;
  }

  /** The tensor names, in the order they were added. */
  public List<String> names() {
    return List.copyOf(names);
  }

  /** Bytes of the data section so far. */
  public long dataBytes() {
    return offset;
  }

  /** The JSON header. */
  public String header() {
    StringBuilder json = new StringBuilder("{");
    if (!metadata.isEmpty()) {
      json.append("\"__metadata__\":{");
      String sep = "";
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        json.append(sep).append('"').append(e.getKey()).append("\":\"").append(e.getValue());
        json.append('"');
        sep = ",";
      }
      json.append('}').append(entries.isEmpty() ? "" : ",");
    }
    return json.append(String.join(",", entries)).append('}').toString();
  }

  /** Writes the file and returns {@code file}. */
  public Path write(Path file) throws IOException {
    return writeRaw(file, header().getBytes(StandardCharsets.UTF_8), dataBytes());
  }

  /** Writes a file with {@code header} verbatim, its true length, and {@code dataBytes} zeros. */
  public static Path writeRaw(Path file, byte[] header, long dataBytes) throws IOException {
    return writeRaw(file, header.length, header, dataBytes);
  }

  /** Writes a file whose length field says {@code declared}, whatever {@code header} holds. */
  public static Path writeRaw(Path file, long declared, byte[] header, long dataBytes)
      throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.setLength(0);
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declared).array());
      out.write(header);
      out.setLength(8L + header.length + dataBytes);
    }
    return file;
  }
}
