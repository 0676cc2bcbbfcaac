package io.hwledger.api;

/**
 * A dense feed-forward block.
 *
 * @param width intermediate size, elements
 * @param gated whether it is a gated unit (SwiGLU / GeGLU: gate, up and down projections) rather
 *     than two projections (up, down)
 * @param bias whether the projections have biases
 */
public record DenseMlp(int width, boolean gated, boolean bias) implements Mlp {

  /**
   * Validates the width.
   *
   * @param width intermediate size, at least 1
   * @param gated whether it is a gated unit
   * @param bias whether the projections have biases
   * @throws IllegalArgumentException if {@code width} is not positive
   */
  public DenseMlp {
    Checks.positive(width, "width");
  }
}
