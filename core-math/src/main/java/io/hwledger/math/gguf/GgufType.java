package io.hwledger.math.gguf;

import java.util.Optional;

/**
 * A GGUF metadata value type ({@code enum gguf_type} of ggml {@code docs/gguf.md}) and the Java
 * type {@link GgufFile#metadata()} holds a value of it as.
 *
 * <p>Unsigned integers widen to the next Java type so their values stay exact; {@code UINT64} is
 * the one exception: it is a {@code Long} holding the 64 bits as stored, so values above {@link
 * Long#MAX_VALUE} read as negative (use {@link Long#toUnsignedString(long)}).
 */
public enum GgufType {
  /** {@code Integer} 0–255; 1 byte. */
  UINT8(0, 1),
  /** {@code Integer}; 1 byte. */
  INT8(1, 1),
  /** {@code Integer} 0–65,535; 2 bytes. */
  UINT16(2, 2),
  /** {@code Integer}; 2 bytes. */
  INT16(3, 2),
  /** {@code Long} 0–4,294,967,295; 4 bytes. */
  UINT32(4, 4),
  /** {@code Integer}; 4 bytes. */
  INT32(5, 4),
  /** {@code Float}; 4 bytes. */
  FLOAT32(6, 4),
  /** {@code Boolean}; 1 byte, 0 or 1. */
  BOOL(7, 1),
  /** {@code String}, decoded from UTF-8; a length and the bytes. */
  STRING(8, 0),
  /** {@link GgufArray}; an element type, a count and the elements. */
  ARRAY(9, 0),
  /** {@code Long}, the 64 stored bits (see above); 8 bytes. */
  UINT64(10, 8),
  /** {@code Long}; 8 bytes. */
  INT64(11, 8),
  /** {@code Double}; 8 bytes. */
  FLOAT64(12, 8);

  private static final GgufType[] BY_ID = values();

  private final int id;
  private final int size;

  GgufType(int id, int size) {
    this.id = id;
    this.size = size;
  }

  /**
   * The type id stored in the file.
   *
   * @return the {@code gguf_type} value, 0 to 12
   */
  public int id() {
    return id;
  }

  /** Bytes one value takes, or 0 for the variable-length {@code STRING} and {@code ARRAY}. */
  int fixedSize() {
    return size;
  }

  /**
   * The type with {@code id}, if GGUF defines one.
   *
   * @param id a type id as read from a file (a UINT32 there, widened)
   * @return the type, or empty for an id outside 0 to 12
   */
  public static Optional<GgufType> ofId(long id) {
    return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[(int) id]) : Optional.empty();
  }
}
