package io.hwledger.math.safetensors;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code .safetensors} file of a checkpoint, as its header describes it.
 *
 * @param path the file
 * @param headerLength bytes of the JSON header (the little-endian {@code u64} the file starts with)
 * @param dataBytes bytes of the data section after the header; every byte belongs to one tensor
 * @param metadata the header's {@code __metadata__} string map (e.g. {@code {"format": "pt"}});
 *     empty when absent
 */
public record SafetensorsFile(
    Path path, long headerLength, long dataBytes, Map<String, String> metadata) {

  /**
   * Validates the arguments and copies {@code metadata}.
   *
   * @param path the file
   * @param headerLength bytes of the JSON header
   * @param dataBytes bytes of the data section
   * @param metadata the header's {@code __metadata__} map; empty when absent
   * @throws IllegalArgumentException if {@code headerLength} or {@code dataBytes} is negative
   */
  public SafetensorsFile {
    Objects.requireNonNull(path, "path");
    if (headerLength < 0 || dataBytes < 0) {
      throw new IllegalArgumentException(
          path + ": negative header length " + headerLength + " or data size " + dataBytes);
    }
    metadata = Map.copyOf(metadata);
  }

  /**
   * Size of the whole file.
   *
   * @return bytes: 8 + header + data
   * @throws ArithmeticException if the sum overflows a {@code long}
   */
  public long fileBytes() {
    return Math.addExact(Math.addExact(8, headerLength), dataBytes);
  }
}
