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
   * @throws IllegalArgumentException if {@code windows} and {@code windowedKvBytesPerToken} differ
   *     in length
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

  /**
   * The first layer of the stage.
   *
   * @return a decoder layer index, from 0
   */
  public int fromLayer() {
    return fromLayer;
  }

  /**
   * The layer after the stage's last.
   *
   * @return an exclusive decoder layer index
   */
  public int toLayer() {
    return toLayer;
  }

  /**
   * Whether this is the first stage, which holds the token-embedding table.
   *
   * @return true for the first stage (also the last when there is one stage)
   */
  public boolean first() {
    return first;
  }

  /**
   * Whether this is the last stage, which holds the final norm and the output head.
   *
   * @return true for the last stage (also the first when there is one stage)
   */
  public boolean last() {
    return last;
  }

  /**
   * Weights on one GPU of the stage: its layers, plus embedding (first) and head (last).
   *
   * @return bytes
   */
  public long weightBytes() {
    return weightBytes;
  }

  /**
   * The token-embedding table's share of {@link #weightBytes()}.
   *
   * @return bytes; 0 on every stage but the first
   */
  public long embeddingBytes() {
    return embeddingBytes;
  }

  /**
   * The output head's and final norm's share of {@link #weightBytes()}.
   *
   * @return bytes; 0 on every stage but the last
   */
  public long headBytes() {
    return headBytes;
  }

  /**
   * The output head's bytes whether or not it shares the embedding table.
   *
   * @return bytes per rank
   */
  public long headTableBytes() {
    return headTableBytes;
  }

  /**
   * K and V of the stage's layers without a window.
   *
   * @return bytes per cached token per sequence
   */
  public long fullKvBytesPerToken() {
    return fullKvBytesPerToken;
  }

  /**
   * The number of distinct sliding windows among the stage's layers.
   *
   * @return 0 when no layer has a window
   */
  public int windowCount() {
    return windows.length;
  }

  /**
   * Sliding window {@code i}.
   *
   * @param i the window, in {@code [0, windowCount())}
   * @return the window, tokens
   * @throws ArrayIndexOutOfBoundsException if {@code i} is outside {@code [0, windowCount())}
   */
  public long window(int i) {
    return windows[i];
  }

  /**
   * K and V of the layers with window {@code i}.
   *
   * @param i the window, in {@code [0, windowCount())}
   * @return bytes per cached token per sequence
   * @throws ArrayIndexOutOfBoundsException if {@code i} is outside {@code [0, windowCount())}
   */
  public long windowedKvBytesPerToken(int i) {
    return windowedKvBytesPerToken[i];
  }

  /**
   * Recurrent state of the stage's layers.
   *
   * @return bytes per sequence, whatever its length
   */
  public long stateBytesPerSequence() {
    return stateBytesPerSequence;
  }

  /**
   * Activations one token of a forward pass holds on this stage.
   *
   * @return bytes per token
   */
  public long activationBytesPerToken() {
    return activationBytesPerToken;
  }

  /**
   * Activations of one forward pass of {@code tokens} tokens through this stage.
   *
   * @param tokens tokens in the pass, e.g. the prefill chunk
   * @return bytes
   * @throws ArithmeticException if that overflows a {@code long}
   */
  public long forwardActivationBytes(long tokens) {
    return Math.multiplyExact(tokens, activationBytesPerToken);
  }

  /**
   * K and V of every cached layer, windowed or not, as if no window capped it.
   *
   * @return bytes per cached token per sequence
   * @throws ArithmeticException if the sum overflows a {@code long}
   */
  public long allKvBytesPerToken() {
    long sum = fullKvBytesPerToken;
    for (long w : windowedKvBytesPerToken) {
      sum = Math.addExact(sum, w);
    }
    return sum;
  }

  /**
   * K and V one sequence of {@code context} tokens keeps, each windowed layer at {@code
   * min(context, window)} tokens.
   *
   * @param context tokens in the sequence
   * @return bytes
   * @throws ArithmeticException if that overflows a {@code long}
   */
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
   *
   * @param kvBytesPerSequence K and V bytes each sequence keeps, as the engine sizes it
   * @param sequences sequences held at once
   * @param activationBytes the engine's activation peak, bytes
   * @param overheadBytes the engine's fixed overhead, bytes
   * @return the stage's weights, {@code kvBytesPerSequence · sequences}, {@code
   *     stateBytesPerSequence · sequences}, and the two given figures
   * @throws ArithmeticException if a product overflows a {@code long}
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
