package io.hwledger.api;

/**
 * A Mamba-1 selective state-space mixer (Gu and Dao 2023), as in transformers' {@code MambaMixer}.
 *
 * @param innerSize {@code d_inner} = expand · hidden
 * @param stateSize {@code d_state} (N), state elements per inner channel
 * @param convKernel {@code d_conv}, width of the causal depthwise convolution
 * @param dtRank rank of the Δ projection
 * @param convBias whether the convolution has a bias
 * @param projectionBias whether the in and out projections have biases
 * @param innerNorms whether Δ, B and C are RMS-normalised inside the mixer (Jamba)
 */
public record Mamba1(
    int innerSize,
    int stateSize,
    int convKernel,
    int dtRank,
    boolean convBias,
    boolean projectionBias,
    boolean innerNorms)
    implements Mixer {

  /**
   * Validates every dimension.
   *
   * @param innerSize {@code d_inner}, at least 1
   * @param stateSize {@code d_state}, at least 1
   * @param convKernel {@code d_conv}, at least 1
   * @param dtRank rank of the Δ projection, at least 1
   * @param convBias whether the convolution has a bias
   * @param projectionBias whether the in and out projections have biases
   * @param innerNorms whether Δ, B and C are RMS-normalised inside the mixer
   * @throws IllegalArgumentException if a dimension is not positive
   */
  public Mamba1 {
    Checks.positive(innerSize, "innerSize");
    Checks.positive(stateSize, "stateSize");
    Checks.positive(convKernel, "convKernel");
    Checks.positive(dtRank, "dtRank");
  }

  @Override
  public String label() {
    return "mamba1";
  }
}
