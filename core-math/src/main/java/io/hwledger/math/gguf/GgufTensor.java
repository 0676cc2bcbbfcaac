package io.hwledger.math.gguf;

import io.hwledger.api.DType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor info of a GGUF header: name, shape, ggml type and where its data lies.
 *
 * <p>Dimensions are in ggml order, fastest-varying first: {@code dims[0]} is the row length
 * (columns), the product of the others the row count. A Llama-3 token embedding is {@code [4096,
 * 128256]}: 128,256 rows of 4,096 elements. Immutable.
 */
public final class GgufTensor {
  private final String name;
  private final long[] dims;
  private final DType type;
  private final long offset;
  private final long elements;
  private final long bytes;

  /**
   * A tensor whose sizes the reader has already checked and counted; {@code dims} is taken, not
   * copied.
   *
   * @param dims 1 to 4 positive sizes
   * @param offset bytes from the start of the data section
   * @param elements the product of {@code dims}
   * @param bytes its data bytes in {@code type}
   */
  GgufTensor(String name, long[] dims, DType type, long offset, long elements, long bytes) {
    this.name = Objects.requireNonNull(name, "name");
    this.dims = dims;
    this.type = Objects.requireNonNull(type, "type");
    this.offset = offset;
    this.elements = elements;
    this.bytes = bytes;
  }

  /**
   * The tensor's name.
   *
   * @return the name as stored, e.g. {@code blk.0.attn_q.weight}
   */
  public String name() {
    return name;
  }

  /**
   * Number of dimensions.
   *
   * @return 1 to 4
   */
  public int rank() {
    return dims.length;
  }

  /**
   * Size of dimension {@code i}; dimension 0 varies fastest.
   *
   * @param i the dimension, in {@code [0, rank())}
   * @return its size, elements
   * @throws IndexOutOfBoundsException if {@code i} is outside {@code [0, rank())}
   */
  public long dim(int i) {
    return dims[Objects.checkIndex(i, dims.length)];
  }

  /**
   * All dimensions, fastest-varying first.
   *
   * @return a fresh copy, {@link #rank()} sizes in elements
   */
  public long[] dims() {
    return dims.clone();
  }

  /**
   * The storage format.
   *
   * @return the ggml type, e.g. {@code Q4_K}
   */
  public DType type() {
    return type;
  }

  /**
   * Start of the tensor's data.
   *
   * @return bytes from the start of the file's data section ({@link GgufFile#dataOffset()})
   */
  public long offset() {
    return offset;
  }

  /**
   * Elements in the tensor.
   *
   * @return the product of every dimension
   */
  public long elements() {
    return elements;
  }

  /**
   * Elements per row.
   *
   * @return {@code dims[0]}
   */
  public long columns() {
    return dims[0];
  }

  /**
   * Rows of the tensor.
   *
   * @return the product of every dimension but the first
   */
  public long rows() {
    return elements / dims[0];
  }

  /**
   * Bytes of the tensor's data: rows × ceil(columns / block elements) × block bytes, block scales
   * included ({@link DType#bytes(long, long)}).
   *
   * @return the data size, bytes
   */
  public long bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return name + " " + Arrays.toString(dims) + " " + type + " @" + offset;
  }
}
