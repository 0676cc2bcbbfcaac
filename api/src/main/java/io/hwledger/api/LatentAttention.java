package io.hwledger.api;

/**
 * Multi-head latent attention (MLA, DeepSeek-V2 §2.1): keys and values are compressed into one
 * latent vector of {@code kvLoraRank} elements per token plus one decoupled RoPE key of {@code
 * qkRopeHeadDim} elements shared by all heads. Engines (vLLM, SGLang, llama.cpp) cache exactly that
 * latent and rope key; the decompressed alternative caches full per-head keys and values.
 *
 * @param heads attention heads
 * @param qLoraRank rank of the query compression, or 0 when queries are projected directly
 *     (DeepSeek-V2-Lite)
 * @param kvLoraRank elements of the compressed KV latent
 * @param qkNopeHeadDim per-head query/key elements without rotary embedding
 * @param qkRopeHeadDim per-head query/key elements with rotary embedding (the key part is shared)
 * @param valueHeadDim per-head value elements
 */
public record LatentAttention(
    int heads,
    int qLoraRank,
    int kvLoraRank,
    int qkNopeHeadDim,
    int qkRopeHeadDim,
    int valueHeadDim)
    implements Mixer {

  /**
   * Validates every dimension.
   *
   * @param heads attention heads, at least 1
   * @param qLoraRank query compression rank, at least 0
   * @param kvLoraRank KV latent elements, at least 1
   * @param qkNopeHeadDim per-head elements without rotary embedding, at least 0
   * @param qkRopeHeadDim per-head elements with rotary embedding, at least 1
   * @param valueHeadDim per-head value elements, at least 1
   * @throws IllegalArgumentException if a dimension is out of these ranges
   */
  public LatentAttention {
    Checks.positive(heads, "heads");
    Checks.nonNegative(qLoraRank, "qLoraRank");
    Checks.positive(kvLoraRank, "kvLoraRank");
    Checks.nonNegative(qkNopeHeadDim, "qkNopeHeadDim");
    Checks.positive(qkRopeHeadDim, "qkRopeHeadDim");
    Checks.positive(valueHeadDim, "valueHeadDim");
  }

  @Override
  public String label() {
    return "mla";
  }
}
