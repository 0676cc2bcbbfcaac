package io.hwledger.api;

/**
 * A Mamba-2 state-space-duality mixer (Dao and Gu 2024), as in transformers' {@code Mamba2Mixer}.
 *
 * @param innerSize {@code d_inner} = heads · headDim
 * @param stateSize {@code d_state} (N)
 * @param convKernel {@code d_conv}
 * @param groups {@code n_groups}, groups sharing B and C
 * @param heads SSM heads
 * @param headDim elements per head
 * @param convBias whether the convolution has a bias
 * @param projectionBias whether the in and out projections have biases
 */
public record Mamba2(
    int innerSize,
    int stateSize,
    int convKernel,
    int groups,
    int heads,
    int headDim,
    boolean convBias,
    boolean projectionBias)
    implements Mixer {

  /**
   * Validates every dimension, that {@code groups} divides {@code heads} and that {@code heads ·
   * headDim == innerSize}.
   *
   * @param innerSize {@code d_inner}, at least 1
   * @param stateSize {@code d_state}, at least 1
   * @param convKernel {@code d_conv}, at least 1
   * @param groups {@code n_groups}, at least 1, dividing {@code heads}
   * @param heads SSM heads, at least 1
   * @param headDim elements per head, at least 1
   * @param convBias whether the convolution has a bias
   * @param projectionBias whether the in and out projections have biases
   * @throws IllegalArgumentException if a dimension is not positive, {@code groups} does not divide
   *     {@code heads} or {@code heads · headDim != innerSize}
   */
  public Mamba2 {
    Checks.positive(innerSize, "innerSize");
    Checks.positive(stateSize, "stateSize");
    Checks.positive(convKernel, "convKernel");
    Checks.positive(groups, "groups");
    Checks.positive(heads, "heads");
    Checks.positive(headDim, "headDim");
    if (heads % groups != 0) {
      // B and C are shared by equal groups of heads (mamba_ssm's SSD kernels: nheads % ngroups).
      throw new IllegalArgumentException(
          "Mamba-2 heads ("
              + heads
              + ") must be a multiple of groups ("
              + groups
              + "): each group's B and C serve an equal number of heads");
    }
    if ((long) heads * headDim != innerSize) {
      throw new IllegalArgumentException(
          "Mamba-2 heads ("
              + heads
              + ") × headDim ("
              + headDim
              + ") must equal innerSize ("
              + innerSize
              + ")");
    }
  }

  /**
   * Channels that pass through the convolution: {@code d_inner + 2 · groups · d_state}.
   *
   * @return channels; the convolution has {@code convKernel} weights per channel
   */
  public long convChannels() {
    return innerSize + 2L * groups * stateSize;
  }

  @Override
  public String label() {
    return "mamba2";
  }
}
