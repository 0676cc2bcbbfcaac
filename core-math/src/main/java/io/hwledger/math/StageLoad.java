package io.hwledger.math;

import io.hwledger.api.MemoryBreakdown;

/**
 * What one GPU of a pipeline stage holds, in the engine-independent quantities the engine rules
 * size their caches and buffers from. Per tensor-parallel rank; mutable only while the planner
 * fills it.
 */
final class StageLoad {
  /** First layer of the stage (inclusive) and the layer after its last. */
  int fromLayer;

  int toLayer;

  boolean last;

  /** Weights on the GPU, bytes: layers, plus embedding (first stage) and head and norm (last). */
  long weights;

  /** The token-embedding table's share of {@link #weights} (first stage only), bytes. */
  long embeddingWeights;

  /** The output head's and final norm's share of {@link #weights} (last stage only), bytes. */
  long headWeights;

  /** The output head's bytes whether or not it shares the embedding table. */
  long headTableBytes;

  /** K and V bytes per cached token per sequence of the layers without a window. */
  long fullKvPerToken;

  /** K and V bytes per cached token per sequence of each windowed layer kind, and its window. */
  long[] windowedKvPerToken = new long[0];

  long[] windows = new long[0];

  int windowedKinds;

  /** Recurrent state bytes per sequence. */
  long statePerSequence;

  /** Activation elements per token at the widest point of any layer, beyond the residual. */
  long widest;

  /**
   * What one GPU of this stage holds for {@code sequences} sequences that each keep {@code
   * kvPerSequence} bytes of K and V and this stage's recurrent state.
   */
  MemoryBreakdown holding(long kvPerSequence, long sequences, long activation, long overhead) {
    return new MemoryBreakdown(
        weights,
        Math.multiplyExact(kvPerSequence, sequences),
        Math.multiplyExact(statePerSequence, sequences),
        activation,
        overhead);
  }

  /** K and V bytes per token per sequence of every cached layer, windowed or not. */
  long allKvPerToken() {
    long sum = fullKvPerToken;
    for (int i = 0; i < windowedKinds; i++) {
      sum = Math.addExact(sum, windowedKvPerToken[i]);
    }
    return sum;
  }

  /** K and V bytes one sequence of {@code context} tokens keeps, windows applied exactly. */
  long kvPerSequence(long context) {
    long sum = Math.multiplyExact(fullKvPerToken, context);
    for (int i = 0; i < windowedKinds; i++) {
      sum =
          Math.addExact(
              sum, Math.multiplyExact(windowedKvPerToken[i], Math.min(context, windows[i])));
    }
    return sum;
  }

  void addWindowed(long kvPerToken, long window) {
    for (int i = 0; i < windowedKinds; i++) {
      if (windows[i] == window) {
        windowedKvPerToken[i] = Math.addExact(windowedKvPerToken[i], kvPerToken);
        return;
      }
    }
    if (windowedKinds == windows.length) {
      windows = java.util.Arrays.copyOf(windows, windowedKinds + 2);
      windowedKvPerToken = java.util.Arrays.copyOf(windowedKvPerToken, windowedKinds + 2);
    }
    windows[windowedKinds] = window;
    windowedKvPerToken[windowedKinds] = kvPerToken;
    windowedKinds++;
  }
}
