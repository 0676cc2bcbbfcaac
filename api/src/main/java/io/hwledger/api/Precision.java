package io.hwledger.api;

import java.util.Objects;

/**
 * How weights, caches and recurrent state are stored.
 *
 * @param weights dense linear projections of the decoder layers (attention, dense MLP, SSM
 *     projections, shared experts)
 * @param expertWeights routed expert projections of MoE layers
 * @param unquantizedWeights everything a quantised checkpoint keeps at 16 bits: token embedding,
 *     output head, norms, biases, routers, convolution and SSM vectors. Equal to {@code weights}
 *     when those are not quantised.
 * @param keyCache elements of the K cache (and of the whole MLA latent cache)
 * @param valueCache elements of the V cache
 * @param state elements of recurrent state (SSM, convolution and linear-attention state)
 */
public record Precision(
    DType weights,
    DType expertWeights,
    DType unquantizedWeights,
    DType keyCache,
    DType valueCache,
    DType state) {

  /** Validates the arguments. */
  public Precision {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(expertWeights, "expertWeights");
    Objects.requireNonNull(unquantizedWeights, "unquantizedWeights");
    Objects.requireNonNull(keyCache, "keyCache");
    Objects.requireNonNull(valueCache, "valueCache");
    Objects.requireNonNull(state, "state");
  }

  /**
   * Every weight in {@code weights} (non-linear parts in bf16 when it is quantised), K and V cache
   * and state in {@code cache}.
   */
  public static Precision of(DType weights, DType cache) {
    Objects.requireNonNull(weights, "weights");
    DType unquantized = weights.isQuantized() ? DType.BF16 : weights;
    return new Precision(weights, weights, unquantized, cache, cache, cache);
  }

  /**
   * This precision with all linear weights (dense and expert) in {@code dtype}; when {@code dtype}
   * is not quantised it also replaces {@link #unquantizedWeights}.
   */
  public Precision withWeights(DType dtype) {
    Objects.requireNonNull(dtype, "dtype");
    return new Precision(
        dtype,
        dtype,
        dtype.isQuantized() ? unquantizedWeights : dtype,
        keyCache,
        valueCache,
        state);
  }

  /** This precision with both K and V caches in {@code dtype}. */
  public Precision withKvCache(DType dtype) {
    return new Precision(weights, expertWeights, unquantizedWeights, dtype, dtype, state);
  }

  /** This precision with recurrent state in {@code dtype}. */
  public Precision withState(DType dtype) {
    return new Precision(weights, expertWeights, unquantizedWeights, keyCache, valueCache, dtype);
  }
}
