package io.hwledger.math.safetensors;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One tensor as a safetensors header describes it.
 *
 * @param name the tensor's name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype the element type the header names
 * @param shape the dimensions, outermost first; empty for a scalar
 * @param file the file holding the tensor's data
 * @param dataBegin first byte of the data, counted from the start of the file's data section (the
 *     header's {@code data_offsets[0]}; the data section starts {@code 8 + headerLength} bytes into
 *     the file)
 * @param dataEnd one past the last byte, on the same scale ({@code data_offsets[1]})
 * @param parameters model parameters the tensor stores: its elements, the values packed into it for
 *     a packed quantised tensor, or 0 for quantisation metadata (see {@link SafetensorsReader})
 */
public record SafetensorsTensor(
    String name,
    SafetensorsDtype dtype,
    List<Long> shape,
    Path file,
    long dataBegin,
    long dataEnd,
    long parameters) {

  /**
   * Validates the arguments and copies {@code shape}.
   *
   * @param name the tensor's name
   * @param dtype the element type
   * @param shape the dimensions, outermost first
   * @param file the file holding the data
   * @param dataBegin first data byte, from the start of the data section
   * @param dataEnd one past the last data byte, from the start of the data section
   * @param parameters model parameters the tensor stores
   * @throws IllegalArgumentException when a dimension or {@code parameters} is negative, the byte
   *     range is reversed or negative, sub-byte elements do not fill whole bytes, or the range's
   *     length is not what {@code dtype} and {@code shape} need
   * @throws ArithmeticException when the element count overflows a {@code long}
   */
  public SafetensorsTensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = List.copyOf(shape);
    Objects.requireNonNull(file, "file");
    if (dataBegin < 0 || dataEnd < dataBegin) {
      throw new IllegalArgumentException(
          "tensor '" + name + "': bad byte range [" + dataBegin + ", " + dataEnd + ")");
    }
    if (parameters < 0) {
      throw new IllegalArgumentException(
          "tensor '" + name + "': parameters must not be negative, was " + parameters);
    }
    long needed = byteSize(dtype, shape);
    if (dataEnd - dataBegin != needed) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "': "
              + (dataEnd - dataBegin)
              + " bytes, but "
              + dtype
              + " "
              + shape
              + " needs "
              + needed);
    }
  }

  /**
   * Number of elements.
   *
   * @return the product of the dimensions; 1 for a scalar
   */
  public long elements() {
    return elements(shape);
  }

  /**
   * Data bytes.
   *
   * @return {@code dataEnd - dataBegin}
   */
  public long bytes() {
    return dataEnd - dataBegin;
  }

  static long elements(List<Long> shape) {
    long n = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("negative dimension " + dim + " in " + shape);
      }
      n = Math.multiplyExact(n, dim);
    }
    return n;
  }

  /**
   * Bytes {@code shape} of {@code dtype} occupies.
   *
   * @throws IllegalArgumentException when sub-byte elements do not fill whole bytes
   * @throws ArithmeticException when the bit count overflows a {@code long}
   */
  static long byteSize(SafetensorsDtype dtype, List<Long> shape) {
    long bits = Math.multiplyExact(elements(shape), (long) dtype.bits());
    if (bits % 8 != 0) {
      throw new IllegalArgumentException(
          elements(shape) + " " + dtype + " elements do not fill whole bytes");
    }
    return bits / 8;
  }
}
