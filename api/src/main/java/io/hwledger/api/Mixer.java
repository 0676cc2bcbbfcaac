package io.hwledger.api;

/**
 * The sequence mixer of one layer: what carries information between tokens, and therefore what a
 * layer keeps per token (a KV cache) or per sequence (a recurrent state).
 */
public sealed interface Mixer permits Attention, LatentAttention, Mamba1, Mamba2, GatedDeltaNet {

  /**
   * A stable lower-case label: {@code attention}, {@code sliding_attention}, {@code mla}, {@code
   * mamba1}, {@code mamba2} or {@code gated_deltanet}.
   *
   * @return the label, as printed per layer and in JSON {@code layers[].mixer}
   */
  String label();
}
