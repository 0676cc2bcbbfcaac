package io.hwledger.math;

import io.hwledger.api.MlaCacheLayout;
import io.hwledger.api.Precision;
import java.util.List;
import java.util.OptionalLong;

/**
 * Everything the planner, the solvers and the speed model know about one type of sequence mixer
 * ({@link io.hwledger.api.Mixer}): its weight tensors, what it keeps per token (a KV cache) or per
 * sequence (a recurrent state), how tensor parallelism splits it, its activation width and its
 * operations per token. {@link Kinds} maps each api record to its kind; a new mixer type is one new
 * implementation plus that mapping.
 *
 * <p>Tensors follow the module structure of the Hugging Face transformers implementation (shapes
 * {@code [out, in]}). Tensor-parallel splits follow vLLM: column-parallel input projections split
 * their outputs, row-parallel output projections split their inputs, KV projections split by head
 * and replicate when TP exceeds the KV heads, norms are replicated.
 *
 * <p>What does not apply to a kind (a KV cache for a recurrent mixer, a state for attention) is
 * zero by default. Implementations are immutable.
 */
interface MixerKind {

  /** Adds this mixer's weight tensors, in a model {@code hidden} elements wide, to {@code out}. */
  void addTensors(int hidden, List<WeightTensor> out);

  /** Whether tensor parallelism of degree {@code tp} splits this mixer's heads as vLLM requires. */
  boolean splitsEvenly(int tp);

  /**
   * Activation elements one token holds at this mixer's widest point on one rank of {@code tp},
   * beyond the residual stream: the outputs of its projections.
   */
  long activationWidthPerRank(int tp);

  /** K plus V cache bytes per token per sequence on one rank of {@code tp}; 0 without a cache. */
  default long kvBytesPerToken(Precision precision, int tp, MlaCacheLayout mla) {
    return 0;
  }

  /** The window, in tokens, that caps this mixer's cache, if any. */
  default OptionalLong window() {
    return OptionalLong.empty();
  }

  /** The query heads whose attention scores this mixer computes; 0 for a recurrent mixer. */
  default long attentionHeads() {
    return 0;
  }

  /** Operations per (query, cached key) pair over all heads, whole layer; 0 without attention. */
  default double attentionOpsPerPair() {
    return 0;
  }

  /** Fixed recurrent state bytes per sequence on one rank of {@code tp}; 0 for attention. */
  default long stateBytesPerSequence(Precision precision, int tp) {
    return 0;
  }

  /** Operations per token spent on the recurrent state, whole layer; 0 for attention. */
  default double recurrentOpsPerToken() {
    return 0;
  }
}
