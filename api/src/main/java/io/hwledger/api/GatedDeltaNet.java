package io.hwledger.api;

/**
 * A Gated DeltaNet linear-attention mixer (Yang et al. 2024), as in Qwen3-Next: a fixed-size
 * recurrent state of {@code valueHeads · keyHeadDim · valueHeadDim} elements per sequence plus a
 * causal convolution over the q, k and v channels.
 *
 * @param keyHeads query/key heads
 * @param valueHeads value heads
 * @param keyHeadDim elements per key head
 * @param valueHeadDim elements per value head
 * @param convKernel width of the causal depthwise convolution
 */
public record GatedDeltaNet(
    int keyHeads, int valueHeads, int keyHeadDim, int valueHeadDim, int convKernel)
    implements Mixer {

  /**
   * Validates every dimension, and that {@code keyHeads} divides {@code valueHeads}.
   *
   * @param keyHeads query/key heads, at least 1
   * @param valueHeads value heads, at least 1, a multiple of {@code keyHeads}
   * @param keyHeadDim elements per key head, at least 1
   * @param valueHeadDim elements per value head, at least 1
   * @param convKernel convolution width, at least 1
   * @throws IllegalArgumentException if a dimension is not positive or {@code keyHeads} does not
   *     divide {@code valueHeads}
   */
  public GatedDeltaNet {
    Checks.positive(keyHeads, "keyHeads");
    Checks.positive(valueHeads, "valueHeads");
    Checks.positive(keyHeadDim, "keyHeadDim");
    Checks.positive(valueHeadDim, "valueHeadDim");
    Checks.positive(convKernel, "convKernel");
    if (valueHeads % keyHeads != 0) {
      // Each query/key head is repeated over an equal group of value heads (transformers'
      // Qwen3NextGatedDeltaNet: num_v_heads // num_k_heads).
      throw new IllegalArgumentException(
          "valueHeads ("
              + valueHeads
              + ") must be a multiple of keyHeads ("
              + keyHeads
              + "): each key head serves an equal group of value heads");
    }
  }

  /**
   * Channels that pass through the convolution: {@code 2 · keyHeads · keyHeadDim + valueHeads ·
   * valueHeadDim}.
   *
   * @return channels; the convolution has {@code convKernel} weights per channel
   */
  public long convChannels() {
    return 2L * keyHeads * keyHeadDim + (long) valueHeads * valueHeadDim;
  }

  @Override
  public String label() {
    return "gated_deltanet";
  }
}
