package io.hwledger.math;

import io.hwledger.api.DType;
import io.hwledger.api.Precision;

/**
 * A mixer that keeps a fixed state per sequence instead of a per-token cache (Mamba, Gated
 * DeltaNet): a recurrent state matrix and a convolution buffer, both in {@link Precision#state()}.
 * The one formula for that state lives here, so the planner's allocation and the speed model's
 * per-step reads and operations agree; each kind gives the shapes.
 *
 * <p>The convolution buffer holds {@code convKernel − 1} columns per channel, as vLLM ({@code
 * MambaStateShapeCalculator}) and llama.cpp ({@code n_embd_r}) allocate it; transformers' {@code
 * MambaCache} keeps {@code convKernel}. A token costs {@code 4} operations per element of the state
 * matrix (decay, update, read-out), an approximation; the convolution buffer is not counted.
 */
interface RecurrentKind extends MixerKind {

  /** Rows of the recurrent state matrix one rank of {@code tp} keeps per sequence. */
  long stateRowsPerRank(int tp);

  /** Elements per row of the recurrent state matrix. */
  long stateColumns();

  /** Channels of the convolution buffer one rank of {@code tp} keeps per sequence. */
  long convChannelsPerRank(int tp);

  /** The causal convolution's kernel width, in tokens. */
  int convKernel();

  @Override
  default long stateBytesPerSequence(Precision precision, int tp) {
    DType s = precision.state();
    return Math.addExact(
        s.bytes(stateRowsPerRank(tp), stateColumns()),
        s.bytes(convChannelsPerRank(tp), convKernel() - 1L));
  }

  @Override
  default double recurrentOpsPerToken() {
    return 4.0 * ((double) stateRowsPerRank(1) * stateColumns());
  }
}
