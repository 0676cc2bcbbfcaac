package io.hwledger.api;

import java.util.OptionalLong;

/**
 * Softmax attention with separate query and key/value head counts (MHA when equal, GQA when fewer
 * KV heads, MQA with one), optionally limited to a sliding window.
 *
 * @param queryHeads query heads
 * @param kvHeads key/value heads; equal to {@code queryHeads} for MHA, 1 for MQA
 * @param keyHeadDim elements of one key (and query) head
 * @param valueHeadDim elements of one value head
 * @param windowTokens tokens a layer attends to and keeps in its cache, if it has a sliding window;
 *     empty for full attention
 * @param qkvBias whether the q, k and v projections have biases
 * @param outputBias whether the output projection has a bias
 * @param qkNorm whether the layer normalises queries and keys per head (a norm of {@code
 *     keyHeadDim} weights each, as in Qwen3 and Gemma 3)
 * @param outputGate whether the query projection also produces a sigmoid gate of the same width
 *     (Qwen3-Next gated attention)
 * @param sinks whether each query head has a learned attention-sink logit (gpt-oss)
 * @param qkNormAcrossHeads whether the q and k norms span the whole projections ({@code queryHeads
 *     · keyHeadDim} and {@code kvHeads · keyHeadDim} weights, OLMo 2's {@code q_norm} and {@code
 *     k_norm}) instead of one head each; only meaningful with {@code qkNorm}
 */
public record Attention(
    int queryHeads,
    int kvHeads,
    int keyHeadDim,
    int valueHeadDim,
    OptionalLong windowTokens,
    boolean qkvBias,
    boolean outputBias,
    boolean qkNorm,
    boolean outputGate,
    boolean sinks,
    boolean qkNormAcrossHeads)
    implements Mixer {

  /**
   * Validates every count and the window: positive sizes, and {@code kvHeads} a divisor of {@code
   * queryHeads}.
   *
   * @param queryHeads query heads, at least 1
   * @param kvHeads key/value heads, at least 1, dividing {@code queryHeads}
   * @param keyHeadDim elements of one key head, at least 1
   * @param valueHeadDim elements of one value head, at least 1
   * @param windowTokens the sliding window in tokens, positive when present
   * @param qkvBias whether the q, k and v projections have biases
   * @param outputBias whether the output projection has a bias
   * @param qkNorm whether queries and keys are normalised per head
   * @param outputGate whether the query projection also produces an output gate
   * @param sinks whether each query head has an attention-sink logit
   * @param qkNormAcrossHeads whether the q and k norms span the whole projections
   * @throws IllegalArgumentException if a size or the window is not positive, {@code kvHeads} does
   *     not divide {@code queryHeads}, or {@code qkNormAcrossHeads} is set without {@code qkNorm}
   */
  public Attention {
    Checks.positive(queryHeads, "queryHeads");
    Checks.positive(kvHeads, "kvHeads");
    Checks.positive(keyHeadDim, "keyHeadDim");
    Checks.positive(valueHeadDim, "valueHeadDim");
    if (kvHeads > queryHeads) {
      throw new IllegalArgumentException(
          "kvHeads (" + kvHeads + ") must not exceed queryHeads (" + queryHeads + ")");
    }
    if (queryHeads % kvHeads != 0) {
      // Grouped-query attention shares each KV head among an equal group of query heads; every
      // engine (vLLM, llama.cpp, TensorRT-LLM, transformers' repeat_kv) divides one by the other.
      throw new IllegalArgumentException(
          "queryHeads ("
              + queryHeads
              + ") must be a multiple of kvHeads ("
              + kvHeads
              + "): each KV head serves an equal group of query heads");
    }
    if (windowTokens.isPresent()) {
      Checks.positive(windowTokens.getAsLong(), "windowTokens");
    }
    if (qkNormAcrossHeads && !qkNorm) {
      throw new IllegalArgumentException("qkNormAcrossHeads needs qkNorm");
    }
  }

  /**
   * Attention whose q/k norms, if any, are per head (every architecture but OLMo 2).
   *
   * @param queryHeads query heads
   * @param kvHeads key/value heads, dividing {@code queryHeads}
   * @param keyHeadDim elements of one key head
   * @param valueHeadDim elements of one value head
   * @param windowTokens the sliding window in tokens, positive when present
   * @param qkvBias whether the q, k and v projections have biases
   * @param outputBias whether the output projection has a bias
   * @param qkNorm whether queries and keys are normalised per head
   * @param outputGate whether the query projection also produces an output gate
   * @param sinks whether each query head has an attention-sink logit
   * @throws IllegalArgumentException as the canonical constructor
   */
  public Attention(
      int queryHeads,
      int kvHeads,
      int keyHeadDim,
      int valueHeadDim,
      OptionalLong windowTokens,
      boolean qkvBias,
      boolean outputBias,
      boolean qkNorm,
      boolean outputGate,
      boolean sinks) {
    this(
        queryHeads,
        kvHeads,
        keyHeadDim,
        valueHeadDim,
        windowTokens,
        qkvBias,
        outputBias,
        qkNorm,
        outputGate,
        sinks,
        false);
  }

  /**
   * Full attention without biases, norms, gates or sinks (Llama-style).
   *
   * @param queryHeads query heads
   * @param kvHeads key/value heads, dividing {@code queryHeads}
   * @param headDim elements of one key, query and value head
   * @return a full-attention mixer whose key, query and value heads all have {@code headDim}
   *     elements
   * @throws IllegalArgumentException as the constructor does
   */
  public static Attention full(int queryHeads, int kvHeads, int headDim) {
    return new Attention(
        queryHeads,
        kvHeads,
        headDim,
        headDim,
        OptionalLong.empty(),
        false,
        false,
        false,
        false,
        false);
  }

  /**
   * This attention limited to a sliding window of {@code tokens}.
   *
   * @param tokens tokens each position attends to and the cache keeps, at least 1
   * @return a copy with the window
   * @throws IllegalArgumentException if {@code tokens} is not positive
   */
  public Attention withWindow(long tokens) {
    return new Attention(
        queryHeads,
        kvHeads,
        keyHeadDim,
        valueHeadDim,
        OptionalLong.of(tokens),
        qkvBias,
        outputBias,
        qkNorm,
        outputGate,
        sinks,
        qkNormAcrossHeads);
  }

  /**
   * This attention without a window.
   *
   * @return a copy attending to the whole context
   */
  public Attention withoutWindow() {
    return new Attention(
        queryHeads,
        kvHeads,
        keyHeadDim,
        valueHeadDim,
        OptionalLong.empty(),
        qkvBias,
        outputBias,
        qkNorm,
        outputGate,
        sinks,
        qkNormAcrossHeads);
  }

  @Override
  public String label() {
    return windowTokens.isPresent() ? "sliding_attention" : "attention";
  }
}
