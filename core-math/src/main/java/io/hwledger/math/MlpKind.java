package io.hwledger.math;

import java.util.List;

/**
 * Everything the planner and the speed model know about one type of feed-forward block ({@link
 * io.hwledger.api.Mlp}): its weight tensors, its activation width, and which of its parameters a
 * token uses. {@link Kinds} maps each api record to its kind. Tensors and tensor-parallel splits
 * follow the same conventions as {@link MixerKind}'s; experts split their intermediate dimension.
 * Implementations are immutable.
 */
interface MlpKind {

  /** Adds this MLP's weight tensors, in a model {@code hidden} elements wide, to {@code out}. */
  void addTensors(int hidden, List<WeightTensor> out);

  /**
   * Activation elements one token holds at this MLP's widest point on one rank of {@code tp}: its
   * intermediate outputs (and router logits).
   */
  long activationWidthPerRank(int tp);

  /** Parameters a token does not multiply with: routed experts outside its top-k; 0 if none. */
  default long inactiveParameters(int hidden) {
    return 0;
  }

  /**
   * The fraction of this MLP's routed-expert weights that a pass of {@code tokens} tokens reads; 1
   * for an MLP without routed experts.
   */
  default double routedExpertsReadFraction(long tokens) {
    return 1;
  }
}
