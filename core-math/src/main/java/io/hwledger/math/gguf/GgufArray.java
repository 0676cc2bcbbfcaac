package io.hwledger.math.gguf;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;

/**
 * A GGUF metadata array: elements of one {@link GgufType}, held unboxed (a 128,256-entry {@code
 * tokenizer.ggml.token_type} array is one {@code int[]}, not 128,256 objects).
 *
 * <p>Immutable and thread-safe. Element accessors throw {@link IndexOutOfBoundsException} for an
 * index outside {@code [0, size())} and {@link IllegalStateException} when the element type is not
 * the kind the accessor reads.
 */
public final class GgufArray {
  private final GgufType elementType;
  private final Object elements;
  private final int size;

  /**
   * @param elements {@code byte[]} for UINT8, INT8 and BOOL; {@code short[]} for UINT16 and INT16;
   *     {@code int[]} for UINT32 and INT32; {@code float[]}; {@code long[]} for UINT64 and INT64;
   *     {@code double[]}; {@code GgufStrings} for STRING; {@code GgufArray[]}
   * @param size elements in use, a prefix of {@code elements}
   */
  GgufArray(GgufType elementType, Object elements, int size) {
    this.elementType = Objects.requireNonNull(elementType, "elementType");
    this.elements = Objects.requireNonNull(elements, "elements");
    this.size = size;
  }

  /**
   * The type of every element.
   *
   * @return the element type; {@link GgufType#ARRAY} for an array of arrays
   */
  public GgufType elementType() {
    return elementType;
  }

  /**
   * Number of elements.
   *
   * @return the element count, 0 or more
   */
  public int size() {
    return size;
  }

  /**
   * Element {@code i} of an integer or BOOL array as a {@code long}: unsigned types widened without
   * sign, UINT64 as its stored bits, BOOL as 0 or 1.
   *
   * @param i the index
   * @return the element's value
   */
  public long getLong(int i) {
    Objects.checkIndex(i, size);
    switch (elementType) {
      case UINT8:
        return ((byte[]) elements)[i] & 0xFFL;
      case INT8:
      case BOOL:
        return ((byte[]) elements)[i];
      case UINT16:
        return ((short[]) elements)[i] & 0xFFFFL;
      case INT16:
        return ((short[]) elements)[i];
      case UINT32:
        return Integer.toUnsignedLong(((int[]) elements)[i]);
      case INT32:
        return ((int[]) elements)[i];
      case UINT64:
      case INT64:
        return ((long[]) elements)[i];
      default:
        throw wrongKind("integer");
    }
  }

  /**
   * Element {@code i} of a numeric array (integer or float, not BOOL) as a {@code double} (UINT64
   * read as unsigned).
   *
   * @param i the index
   * @return the element's value, rounded to the nearest {@code double} where it has more bits
   */
  public double getDouble(int i) {
    Objects.checkIndex(i, size);
    switch (elementType) {
      case FLOAT32:
        return ((float[]) elements)[i];
      case FLOAT64:
        return ((double[]) elements)[i];
      case UINT64:
        {
          long bits = ((long[]) elements)[i];
          return bits >= 0 ? bits : (bits >>> 1) * 2.0 + (bits & 1);
        }
      case BOOL:
      case STRING:
      case ARRAY:
        throw wrongKind("numeric");
      default:
        return getLong(i);
    }
  }

  /**
   * Element {@code i} of a BOOL array.
   *
   * @param i the index
   * @return whether the stored byte is non-zero
   */
  public boolean getBoolean(int i) {
    Objects.checkIndex(i, size);
    if (elementType != GgufType.BOOL) {
      throw wrongKind("BOOL");
    }
    return ((byte[]) elements)[i] != 0;
  }

  /**
   * Element {@code i} of a STRING array. The reader keeps string arrays as the file's bytes, or,
   * for a file read by path, not at all, and decodes an element on each call, so reading a
   * 128,256-token vocabulary costs little when only its {@link #size()} is used. The first call on
   * an array of a file read by path reads the array again from the file.
   *
   * @param i the index
   * @return the string, decoded from UTF-8 (invalid bytes as U+FFFD), a new object on each call
   * @throws io.hwledger.api.ModelConfigException when the file read by path can no longer be read
   *     or no longer holds the array's elements where the header had them
   */
  public String getString(int i) {
    Objects.checkIndex(i, size);
    if (elementType != GgufType.STRING) {
      throw wrongKind("STRING");
    }
    return ((GgufStrings) elements).get(i);
  }

  /**
   * Element {@code i} of an ARRAY array (a nested array).
   *
   * @param i the index
   * @return the nested array
   */
  public GgufArray getArray(int i) {
    Objects.checkIndex(i, size);
    if (elementType != GgufType.ARRAY) {
      throw wrongKind("ARRAY");
    }
    return ((GgufArray[]) elements)[i];
  }

  /**
   * Element {@code i}, boxed as {@link GgufType} documents for its element type; never throws
   * {@link IllegalStateException}.
   *
   * @param i the index
   * @return an {@code Integer}, {@code Long}, {@code Float}, {@code Double}, {@code Boolean},
   *     {@code String} or {@link GgufArray}
   */
  public Object get(int i) {
    switch (elementType) {
      case UINT8:
      case INT8:
      case UINT16:
      case INT16:
      case INT32:
        return (int) getLong(i);
      case UINT32:
      case UINT64:
      case INT64:
        return getLong(i);
      case FLOAT32:
        Objects.checkIndex(i, size);
        return ((float[]) elements)[i];
      case FLOAT64:
        Objects.checkIndex(i, size);
        return ((double[]) elements)[i];
      case BOOL:
        return getBoolean(i);
      case STRING:
        return getString(i);
      default:
        return getArray(i);
    }
  }

  /**
   * The elements of a STRING array.
   *
   * @return an unmodifiable view of {@link #size()} strings, each decoded as it is read (see {@link
   *     #getString})
   */
  public List<String> strings() {
    if (elementType != GgufType.STRING) {
      throw wrongKind("STRING");
    }
    GgufStrings strings = (GgufStrings) elements;
    return new AbstractList<>() {
      @Override
      public String get(int index) {
        Objects.checkIndex(index, size);
        return strings.get(index);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  private IllegalStateException wrongKind(String wanted) {
    return new IllegalStateException("a " + elementType + " array has no " + wanted + " elements");
  }

  @Override
  public String toString() {
    return "GgufArray[" + size + " × " + elementType + "]";
  }
}
