package io.hwledger.api;

/**
 * A mixture-of-experts feed-forward block: a router picks {@code topK} of {@code experts} routed
 * experts per token; shared experts see every token.
 *
 * <p>All experts are resident in memory; only {@code topK} routed experts, the shared experts and
 * the router are active per token.
 *
 * @param experts routed experts
 * @param topK routed experts active per token
 * @param expertWidth intermediate size of one routed expert, elements
 * @param sharedWidth intermediate size of the shared experts together (DeepSeek: {@code
 *     n_shared_experts · moe_intermediate_size}; Qwen: {@code shared_expert_intermediate_size}); 0
 *     when there are none
 * @param gated whether experts are gated units (three projections) rather than two
 * @param expertBias whether expert projections have biases (gpt-oss)
 * @param routerBias whether the router has a per-expert bias (gpt-oss; DeepSeek-V3's score
 *     correction bias)
 * @param sharedGate whether a sigmoid gate of one output scales the shared expert (Qwen MoE)
 */
public record MoeMlp(
    int experts,
    int topK,
    int expertWidth,
    int sharedWidth,
    boolean gated,
    boolean expertBias,
    boolean routerBias,
    boolean sharedGate)
    implements Mlp {

  /**
   * Validates counts: {@code 0 < topK <= experts}.
   *
   * @param experts routed experts, at least 1
   * @param topK routed experts per token, from 1 to {@code experts}
   * @param expertWidth intermediate size of one routed expert, at least 1
   * @param sharedWidth intermediate size of the shared experts, at least 0
   * @param gated whether experts are gated units
   * @param expertBias whether expert projections have biases
   * @param routerBias whether the router has a per-expert bias
   * @param sharedGate whether a sigmoid gate scales the shared expert
   * @throws IllegalArgumentException if a count is out of these ranges
   */
  public MoeMlp {
    Checks.positive(experts, "experts");
    Checks.positive(topK, "topK");
    Checks.positive(expertWidth, "expertWidth");
    Checks.nonNegative(sharedWidth, "sharedWidth");
    if (topK > experts) {
      throw new IllegalArgumentException(
          "topK (" + topK + ") must not exceed experts (" + experts + ")");
    }
  }
}
