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
   * @param dims 1 to 4 positive sizes whose product, and byte size in {@code type}, fit a long
   * @param offset bytes from the start of the data section
   */
  GgufTensor(String name, long[] dims, DType type, long offset) {
    this.name = Objects.requireNonNull(name, "name");
    this.dims = dims.clone();
    this.type = Objects.requireNonNull(type, "type");
    this.offset = offset;
    long n = 1;
    for (long d : this.dims) {
      n = Math.multiplyExact(n, d);
    }
    this.elements = n;
    this.bytes = type.bytes(n / this.dims[0], this.dims[0]);
  }

  /** The tensor's name, e.g. {@code blk.0.attn_q.weight}. */
  public String name() {
    return name;
  }

  /** Number of dimensions, 1 to 4. */
  public int rank() {
    return dims.length;
  }

  /** Size of dimension {@code i}, in elements; dimension 0 varies fastest. */
  public long dim(int i) {
    return dims[Objects.checkIndex(i, dims.length)];
  }

  /** All dimensions, fastest-varying first (a copy). */
  public long[] dims() {
    return dims.clone();
  }

  /** The storage format (the ggml type). */
  public DType type() {
    return type;
  }

  /** Start of the tensor's data, in bytes from the start of the file's data section. */
  public long offset() {
    return offset;
  }

  /** Elements in the tensor. */
  public long elements() {
    return elements;
  }

  /** Elements per row ({@code dims[0]}). */
  public long columns() {
    return dims[0];
  }

  /** Rows: the product of every dimension but the first. */
  public long rows() {
    return elements / dims[0];
  }

  /**
   * Bytes of the tensor's data: rows × ceil(columns / block elements) × block bytes, block scales
   * included ({@link DType#bytes(long, long)}).
   */
  public long bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return name + " " + Arrays.toString(dims) + " " + type + " @" + offset;
  }
}
