package io.hwledger.math.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.ModelConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * The header length is checked against the file size before the header is allocated.
 */
final class HeaderParser {
  /** The reference implementation's {@code MAX_HEADER_SIZE}, in bytes. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final int LENGTH_BYTES = 8;
  private static final String METADATA_KEY = "__metadata__";

  /** A tensor entry before its parameters are known. */
  record Entry(String name, SafetensorsDtype dtype, List<Long> shape, long begin, long end) {}

  /** What one file's header says. */
  record Parsed(SafetensorsFile file, List<Entry> entries) {}

  private HeaderParser() {}

  /**
   * Reads the header of {@code file}.
   *
   * @throws ModelConfigException with a one-line message naming the file and the problem
   */
  static Parsed read(Path file) {
    long size;
    byte[] header;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      size = channel.size();
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
      ByteBuffer buffer = ByteBuffer.allocate((int) n);
      readFully(channel, buffer, LENGTH_BYTES);
      header = buffer.array();
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + file + ": " + e, e);
    }
    if (header.length == 0 || header[0] != '{') {
      throw new ModelConfigException(file + ": header does not start with '{'");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(header))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ModelConfigException(file + ": header is not valid UTF-8", e);
    }
    long dataBytes = size - LENGTH_BYTES - header.length;
    JsonNode root = StrictJson.parseObject(text, file, "header");
    Map<String, String> metadata = new HashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (field.getKey().equals(METADATA_KEY)) {
        readMetadata(file, field.getValue(), metadata);
      } else {
        entries.add(entry(file, field.getKey(), field.getValue(), dataBytes));
      }
    }
    checkCoverage(file, entries, dataBytes);
    return new Parsed(new SafetensorsFile(file, header.length, dataBytes, metadata), entries);
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

  private static void readMetadata(Path file, JsonNode node, Map<String, String> into) {
    if (!node.isObject()) {
      throw new ModelConfigException(
          file
              + ": '"
              + METADATA_KEY
              + "' is a JSON "
              + StrictJson.kind(node)
              + ", expected an object");
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!field.getValue().isTextual()) {
        throw new ModelConfigException(
            file
                + ": '"
                + METADATA_KEY
                + "."
                + field.getKey()
                + "' is a JSON "
                + StrictJson.kind(field.getValue())
                + ", but metadata values must be strings");
      }
      into.put(field.getKey(), field.getValue().textValue());
    }
  }

  private static Entry entry(Path file, String name, JsonNode node, long dataBytes) {
    String at = file + ": tensor '" + name + "'";
    if (!node.isObject()) {
      throw new ModelConfigException(
          at + " is a JSON " + StrictJson.kind(node) + ", expected an object");
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null) {
      throw new ModelConfigException(at + " has no 'dtype'");
    }
    if (!dtypeNode.isTextual()) {
      throw new ModelConfigException(
          at + " has a 'dtype' that is a JSON " + StrictJson.kind(dtypeNode) + ", not a string");
    }
    SafetensorsDtype dtype =
        SafetensorsDtype.fromFileName(dtypeNode.textValue())
            .orElseThrow(
                () ->
                    new ModelConfigException(
                        at + " has unknown dtype '" + dtypeNode.textValue() + "'"));
    List<Long> shape = shape(at, node.get("shape"));
    JsonNode offsets = node.get("data_offsets");
    if (offsets == null) {
      throw new ModelConfigException(at + " has no 'data_offsets'");
    }
    if (!offsets.isArray() || offsets.size() != 2) {
      throw new ModelConfigException(at + " 'data_offsets' must be an array [begin, end]");
    }
    long begin = StrictJson.nonNegativeLong(offsets.get(0));
    long end = StrictJson.nonNegativeLong(offsets.get(1));
    if (begin < 0 || end < 0) {
      throw new ModelConfigException(
          at + " 'data_offsets' " + offsets + " must be integers in [0, 2^63)");
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
      needed = SafetensorsTensor.byteSize(dtype, shape);
    } catch (ArithmeticException e) {
      throw new ModelConfigException(at + " shape " + shape + " overflows a 64-bit size", e);
    } catch (IllegalArgumentException e) {
      throw new ModelConfigException(at + " shape " + shape + ": " + e.getMessage(), e);
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
              + shape
              + " needs "
              + needed);
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  private static List<Long> shape(String at, JsonNode node) {
    if (node == null) {
      throw new ModelConfigException(at + " has no 'shape'");
    }
    if (!node.isArray()) {
      throw new ModelConfigException(
          at + " 'shape' is a JSON " + StrictJson.kind(node) + ", expected an array");
    }
    List<Long> shape = new ArrayList<>(node.size());
    for (JsonNode dim : node) {
      long value = StrictJson.nonNegativeLong(dim);
      if (value < 0) {
        throw new ModelConfigException(
            at + " 'shape' " + node + " must hold integers in [0, 2^63)");
      }
      shape.add(value);
    }
    return shape;
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
}
