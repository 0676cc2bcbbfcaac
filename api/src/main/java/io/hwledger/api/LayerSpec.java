package io.hwledger.api;

import java.util.Objects;

/**
 * One decoder layer: its sequence mixer, its feed-forward block and how many hidden-size norms it
 * has outside them.
 *
 * @param mixer the sequence mixer
 * @param mlp the feed-forward block
 * @param norms hidden-size norms in the layer (2 for Llama, 4 for Gemma 2 and 3, 1 for Falcon-7B
 *     and Mamba); norms inside the mixer (q/k norms, MLA latent norms) belong to the mixer
 */
public record LayerSpec(Mixer mixer, Mlp mlp, int norms) {

  /**
   * Validates the arguments.
   *
   * @param mixer the sequence mixer
   * @param mlp the feed-forward block
   * @param norms hidden-size norms in the layer, at least 0
   * @throws IllegalArgumentException if {@code norms} is negative
   */
  public LayerSpec {
    Objects.requireNonNull(mixer, "mixer");
    Objects.requireNonNull(mlp, "mlp");
    Checks.nonNegative(norms, "norms");
  }
}
