package io.hwledger.math.engine;

import io.hwledger.api.MemoryBreakdown;
import java.util.Arrays;

/**
 * What one GPU of a pipeline stage holds before an engine sizes its caches and buffers, per
 * tensor-parallel rank: the weights, the K and V bytes each cached token costs (full-attention
 * layers, and each sliding window apart), the recurrent state per sequence, and the activation
 * bytes one token of a forward pass holds. Built by the planner; immutable.
 */
public final class StageInput {
  private final int fromLayer;
  private final int toLayer;
  private final boolean first;
  private final boolean last;
  private final long weightBytes;
  private final long embeddingBytes;
  private final long headBytes;
  private final long headTableBytes;
  private final long fullKvBytesPerToken;
  private final long[] windows;
  private final long[] windowedKvBytesPerToken;
  private final long stateBytesPerSequence;
  private final long activationBytesPerToken;

  /**
   * A stage's load.
   *
   * @param fromLayer the first layer of the stage
   * @param toLayer the layer after its last
   * @param first whether it is the first stage (it holds the token-embedding table)
   * @param last whether it is the last stage (it holds the final norm and output head)
   * @param weightBytes weights on the GPU, bytes: layers, plus embedding (first) and head (last)
   * @param embeddingBytes the token-embedding table's share of {@code weightBytes} (first stage)
   * @param headBytes the output head's and final norm's share of {@code weightBytes} (last stage)
   * @param headTableBytes the output head's bytes whether or not it shares the embedding table
   * @param fullKvBytesPerToken K and V bytes per cached token per sequence, layers without a window
   * @param windows the distinct sliding windows of the stage's windowed layers, tokens
   * @param windowedKvBytesPerToken K and V bytes per cached token per sequence of the layers of
   *     each window
   * @param stateBytesPerSequence recurrent state bytes per sequence
   * @param activationBytesPerToken activation bytes one token of a forward pass holds: the residual
   *     stream, its normalised copy and the widest intermediate, in the activation format
   */
  public StageInput(
      int fromLayer,
      int toLayer,
      boolean first,
      boolean last,
      long weightBytes,
      long embeddingBytes,
      long headBytes,
      long headTableBytes,
      long fullKvBytesPerToken,
      long[] windows,
      long[] windowedKvBytesPerToken,
      long stateBytesPerSequence,
      long activationBytesPerToken) {
    if (windows.length != windowedKvBytesPerToken.length) {
      throw new IllegalArgumentException("one K and V size per window is required");
    }
    this.fromLayer = fromLayer;
    this.toLayer = toLayer;
    this.first = first;
    this.last = last;
    this.weightBytes = weightBytes;
    this.embeddingBytes = embeddingBytes;
    this.headBytes = headBytes;
    this.headTableBytes = headTableBytes;
    this.fullKvBytesPerToken = fullKvBytesPerToken;
    // a stage without windowed layers (the common case) shares the caller's empty arrays
    this.windows = windows.length == 0 ? windows : windows.clone();
    this.windowedKvBytesPerToken =
        windowedKvBytesPerToken.length == 0
            ? windowedKvBytesPerToken
            : windowedKvBytesPerToken.clone();
    this.stateBytesPerSequence = stateBytesPerSequence;
    this.activationBytesPerToken = activationBytesPerToken;
  }

  /** The first layer of the stage. */
  public int fromLayer() {
    return fromLayer;
  }

  /** The layer after the stage's last. */
  public int toLayer() {
    return toLayer;
  }

  /** Whether this is the first stage, which holds the token-embedding table. */
  public boolean first() {
    return first;
  }

  /** Whether this is the last stage, which holds the final norm and the output head. */
  public boolean last() {
    return last;
  }

  /** Weights on the GPU, bytes. */
  public long weightBytes() {
    return weightBytes;
  }

  /** The token-embedding table's share of {@link #weightBytes()}, bytes (0 but on the first). */
  public long embeddingBytes() {
    return embeddingBytes;
  }

  /**
   * The output head's and final norm's share of {@link #weightBytes()}, bytes (0 but on the last).
   */
  public long headBytes() {
    return headBytes;
  }

  /** The output head's bytes whether or not it shares the embedding table. */
  public long headTableBytes() {
    return headTableBytes;
  }

  /** K and V bytes per cached token per sequence of the layers without a window. */
  public long fullKvBytesPerToken() {
    return fullKvBytesPerToken;
  }

  /** The number of distinct sliding windows. */
  public int windowCount() {
    return windows.length;
  }

  /** Sliding window {@code i}, tokens. */
  public long window(int i) {
    return windows[i];
  }

  /** K and V bytes per cached token per sequence of the layers of window {@code i}. */
  public long windowedKvBytesPerToken(int i) {
    return windowedKvBytesPerToken[i];
  }

  /** Recurrent state bytes per sequence. */
  public long stateBytesPerSequence() {
    return stateBytesPerSequence;
  }

  /** Activation bytes one token of a forward pass holds on this stage. */
  public long activationBytesPerToken() {
    return activationBytesPerToken;
  }

  /** Activation bytes of one forward pass of {@code tokens} tokens through this stage. */
  public long forwardActivationBytes(long tokens) {
    return Math.multiplyExact(tokens, activationBytesPerToken);
  }

  /** K and V bytes per token per sequence of every cached layer, windowed or not. */
  public long allKvBytesPerToken() {
    long sum = fullKvBytesPerToken;
    for (long w : windowedKvBytesPerToken) {
      sum = Math.addExact(sum, w);
    }
    return sum;
  }

  /** K and V bytes one sequence of {@code context} tokens keeps, windows applied exactly. */
  public long kvBytesPerSequence(long context) {
    long sum = Math.multiplyExact(fullKvBytesPerToken, context);
    for (int i = 0; i < windows.length; i++) {
      sum =
          Math.addExact(
              sum, Math.multiplyExact(windowedKvBytesPerToken[i], Math.min(context, windows[i])));
    }
    return sum;
  }

  /**
   * What one GPU of this stage holds for {@code sequences} sequences that each keep {@code
   * kvBytesPerSequence} bytes of K and V and this stage's recurrent state.
   */
  public MemoryBreakdown holding(
      long kvBytesPerSequence, long sequences, long activationBytes, long overheadBytes) {
    return new MemoryBreakdown(
        weightBytes,
        Math.multiplyExact(kvBytesPerSequence, sequences),
        Math.multiplyExact(stateBytesPerSequence, sequences),
        activationBytes,
        overheadBytes);
  }

  @Override
  public String toString() {
    return "StageInput[layers "
        + fromLayer
        + ".."
        + (toLayer - 1)
        + ", weights "
        + weightBytes
        + " B, kv/token "
        + fullKvBytesPerToken
        + " B + windows "
        + Arrays.toString(windows)
        + "]";
  }
}
