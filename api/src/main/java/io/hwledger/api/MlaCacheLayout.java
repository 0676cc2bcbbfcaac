package io.hwledger.api;

/** What an engine caches for a multi-head latent attention layer. */
public enum MlaCacheLayout {
  /**
   * The compressed latent ({@code kv_lora_rank}) plus the shared RoPE key ({@code
   * qk_rope_head_dim}) per token: what vLLM, SGLang and llama.cpp store.
   */
  LATENT,
  /**
   * Full per-head keys ({@code qk_nope_head_dim + qk_rope_head_dim}) and values ({@code
   * v_head_dim}) per token, as an engine without MLA kernels stores them.
   */
  DECOMPRESSED
}
