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

  /**
   * Checks that no format is missing.
   *
   * @param weights dense linear projections
   * @param expertWeights routed expert projections
   * @param unquantizedWeights what a quantised checkpoint keeps at 16 bits
   * @param keyCache K cache elements
   * @param valueCache V cache elements
   * @param state recurrent state elements
   */
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
   *
   * @param weights format of every linear weight
   * @param cache format of the K and V caches and the recurrent state
   * @return a precision with expert weights in {@code weights} too
   */
  public static Precision of(DType weights, DType cache) {
    Objects.requireNonNull(weights, "weights");
    DType unquantized = weights.isQuantized() ? DType.BF16 : weights;
    return new Precision(weights, weights, unquantized, cache, cache, cache);
  }

  /**
   * This precision with all linear weights (dense and expert) in {@code dtype}; when {@code dtype}
   * is not quantised it also replaces {@link #unquantizedWeights}.
   *
   * @param dtype the weight format
   * @return a copy with the new weight formats
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

  /**
   * This precision with both K and V caches in {@code dtype}.
   *
   * @param dtype the cache format, e.g. {@link DType#FP8_E4M3}
   * @return a copy with the new cache format
   */
  public Precision withKvCache(DType dtype) {
    return new Precision(weights, expertWeights, unquantizedWeights, dtype, dtype, state);
  }

  /**
   * This precision with recurrent state in {@code dtype}.
   *
   * @param dtype the state format
   * @return a copy with the new state format
   */
  public Precision withState(DType dtype) {
    return new Precision(weights, expertWeights, unquantizedWeights, keyCache, valueCache, dtype);
  }
}
