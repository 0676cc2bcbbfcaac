package io.hwledger.math;

import io.hwledger.api.DType;
import io.hwledger.api.Precision;

/**
 * One weight tensor (or {@code count} identical ones), stored as {@code rows} rows of {@code
 * columns} elements; quantisation blocks run along a row.
 *
 * @param count identical tensors (experts) described by this entry
 * @param rows rows of one tensor
 * @param columns elements per row
 * @param role which precision field stores it
 * @param split how tensor parallelism divides it
 * @param headUnit for {@link Split#KV_HEAD_ROWS} and {@link Split#KV_HEAD_COLUMNS}: elements per KV
 *     head along the split dimension; 0 otherwise
 * @param name the tensor's base name in a llama.cpp GGUF ({@code attn_v}, {@code ffn_down_exps}),
 *     which llama.cpp's file types choose a quantisation type by ({@link LlamaCppQuantization});
 *     empty for tensors those choices do not look at
 */
record WeightTensor(
    long count, long rows, long columns, Role role, Split split, int headUnit, String name) {

  /** Which field of {@link Precision} a tensor is stored in. */
  enum Role {
    /** Dense linear projections: {@link Precision#weights()}. */
    DENSE,
    /** Routed experts: {@link Precision#expertWeights()}. */
    EXPERT,
    /**
     * Embeddings, head, norms, biases, routers, SSM vectors: {@link
     * Precision#unquantizedWeights()}.
     */
    UNQUANTIZED
  }

  /** How tensor parallelism divides a tensor among ranks. */
  enum Split {
    /** Every rank holds all of it. */
    NONE,
    /** Rows divided (column-parallel linear: output features; vocabulary-parallel embedding). */
    ROWS,
    /** Columns divided (row-parallel linear: input features; biases of column-parallel layers). */
    COLUMNS,
    /**
     * Rows divided by KV head, each rank keeping at least one head (replicated when TP > heads).
     */
    KV_HEAD_ROWS,
    /** Columns divided by KV head, as {@link #KV_HEAD_ROWS}. */
    KV_HEAD_COLUMNS
  }

  static WeightTensor of(long rows, long columns, Role role, Split split) {
    return new WeightTensor(1, rows, columns, role, split, 0, "");
  }

  static WeightTensor vector(long length, Role role, Split split) {
    return new WeightTensor(1, 1, length, role, split, 0, "");
  }

  static WeightTensor kvHeads(long rows, long columns, Role role, Split split, int headUnit) {
    return new WeightTensor(1, rows, columns, role, split, headUnit, "");
  }

  WeightTensor times(long n) {
    return new WeightTensor(count * n, rows, columns, role, split, headUnit, name);
  }

  /** This tensor with llama.cpp GGUF base name {@code ggufName}, e.g. {@code attn_q}. */
  WeightTensor named(String ggufName) {
    return new WeightTensor(count, rows, columns, role, split, headUnit, ggufName);
  }

  long parameters() {
    return Math.multiplyExact(count, Math.multiplyExact(rows, columns));
  }

  DType dtype(Precision precision) {
    switch (role) {
      case DENSE:
        return precision.weights();
      case EXPERT:
        return precision.expertWeights();
      default:
        return precision.unquantizedWeights();
    }
  }

  /** Exact bytes one tensor-parallel rank of {@code tp} holds, all {@code count} tensors. */
  long bytesPerRank(Precision precision, int tp) {
    long r = rows;
    long c = columns;
    switch (split) {
      case ROWS:
        r = ceilDiv(rows, tp);
        break;
      case COLUMNS:
        c = ceilDiv(columns, tp);
        break;
      case KV_HEAD_ROWS:
        r = headsPerRank(rows / headUnit, tp) * headUnit;
        break;
      case KV_HEAD_COLUMNS:
        c = headsPerRank(columns / headUnit, tp) * headUnit;
        break;
      default:
        break;
    }
    return Math.multiplyExact(count, dtype(precision).bytes(r, c));
  }

  /** KV heads one rank keeps: {@code max(1, ceil(heads / tp))}; heads replicate when TP > heads. */
  static long headsPerRank(long heads, int tp) {
    return Math.max(1, ceilDiv(heads, tp));
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
