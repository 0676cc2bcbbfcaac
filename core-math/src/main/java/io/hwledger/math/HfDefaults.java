package io.hwledger.math;

import java.util.Map;
import java.util.Set;

/**
 * Defaults of transformers' configuration classes, used only for keys a {@code config.json} omits.
 * A key written as {@code null} is Python's {@code None} and is not defaulted.
 *
 * <p>Each map cites its class. Only defaults that decide the structure are listed; a missing key
 * without a listed default is an error.
 */
final class HfDefaults {
  private HfDefaults() {}

  /** Model types whose class turns a missing {@code num_key_value_heads} into MHA. */
  static final Set<String> KV_HEADS_DEFAULT_TO_HEADS =
      Set.of(
          "llama", // LlamaConfig: num_key_value_heads None → num_attention_heads
          "phi3", // Phi3Config: same
          "qwen2", // Qwen2Config: same
          "qwen3", // Qwen3Config: same
          "deepseek_v2", // DeepseekV2Config: same
          "deepseek_v3", // DeepseekV3Config: same
          "nemotron_h", // NemotronHConfig.__post_init__: same
          "opt", // OPTConfig: multi-head attention only, no KV-head field
          "gpt2", // GPT2Config: same
          "olmo2", // Olmo2Config: num_key_value_heads None → num_attention_heads
          "olmo3"); // Olmo3Config: same

  private static final Map<String, Object> QWEN_DENSE =
      Map.of("tie_word_embeddings", false, "use_sliding_window", false, "max_window_layers", 28);

  private static final Map<String, Object> QWEN_MOE =
      Map.of(
          "tie_word_embeddings",
          false,
          "use_sliding_window",
          false,
          "max_window_layers",
          28,
          "decoder_sparse_step",
          1);

  static Map<String, Object> forType(String modelType) {
    switch (modelType) {
      case "llama":
        // LlamaConfig
        return Map.of("tie_word_embeddings", false);
      case "mistral":
        // MistralConfig: sliding_window=4096 (v0.1 semantics; later configs write null)
        return Map.of("tie_word_embeddings", false, "sliding_window", 4096);
      case "mixtral":
        // MixtralConfig: sliding_window=None
        return Map.of("tie_word_embeddings", false);
      case "phi3":
        // Phi3Config: sliding_window=None
        return Map.of("tie_word_embeddings", false);
      case "qwen2":
      case "qwen3":
        // Qwen2Config, Qwen3Config
        return QWEN_DENSE;
      case "qwen2_moe":
      case "qwen3_moe":
        // Qwen2MoeConfig, Qwen3MoeConfig: the dense defaults plus decoder_sparse_step=1
        return QWEN_MOE;
      case "qwen3_next":
        // Qwen3NextConfig
        return Map.of(
            "tie_word_embeddings",
            false,
            "decoder_sparse_step",
            1,
            "full_attention_interval",
            4,
            "linear_conv_kernel_dim",
            4);
      case "gemma":
        // GemmaConfig
        return Map.of("tie_word_embeddings", true);
      case "gemma2":
        // Gemma2Config
        return Map.of("tie_word_embeddings", true, "sliding_window", 4096);
      case "gemma3":
      case "gemma3_text":
        // Gemma3TextConfig: nested text configs are written without the keys equal to these.
        return Map.ofEntries(
            Map.entry("tie_word_embeddings", true),
            Map.entry("vocab_size", 262_208),
            Map.entry("hidden_size", 2304),
            Map.entry("intermediate_size", 9216),
            Map.entry("num_hidden_layers", 26),
            Map.entry("num_attention_heads", 8),
            Map.entry("num_key_value_heads", 4),
            Map.entry("head_dim", 256),
            Map.entry("max_position_embeddings", 131_072),
            Map.entry("sliding_window", 4096),
            Map.entry("sliding_window_pattern", 6));
      case "deepseek_v2":
        // DeepseekV2Config
        return Map.of(
            "tie_word_embeddings",
            false,
            "first_k_dense_replace",
            0,
            "moe_layer_freq",
            1,
            "topk_method",
            "greedy");
      case "deepseek_v3":
        // DeepseekV3Config
        return Map.of(
            "tie_word_embeddings",
            false,
            "first_k_dense_replace",
            3,
            "moe_layer_freq",
            1,
            "topk_method",
            "noaux_tc",
            "n_shared_experts",
            1);
      case "llama4":
      case "llama4_text":
        // Llama4TextConfig
        return Map.of(
            "tie_word_embeddings",
            false,
            "interleave_moe_layer_step",
            1,
            "attention_chunk_size",
            8192,
            "no_rope_layer_interval",
            4);
      case "gpt_oss":
        // GptOssConfig
        return Map.of("tie_word_embeddings", false);
      case "olmo2":
        // Olmo2Config: tie_word_embeddings=False, attention_bias=False
        return Map.of("tie_word_embeddings", false);
      case "olmo3":
        // Olmo3Config (vllm/transformers_utils/configs/olmo3.py at
        // 31106f4f486decd092d235ea4b8a729ce5342158): tie_word_embeddings=False, sliding_window=4096
        return Map.of("tie_word_embeddings", false, "sliding_window", 4096);
      case "jamba":
        // JambaConfig
        return Map.ofEntries(
            Map.entry("tie_word_embeddings", false),
            Map.entry("attn_layer_period", 8),
            Map.entry("attn_layer_offset", 4),
            Map.entry("expert_layer_period", 2),
            Map.entry("expert_layer_offset", 1),
            Map.entry("mamba_d_state", 16),
            Map.entry("mamba_d_conv", 4),
            Map.entry("mamba_expand", 2),
            Map.entry("mamba_dt_rank", "auto"),
            Map.entry("mamba_conv_bias", true),
            Map.entry("mamba_proj_bias", false));
      case "nemotron_h":
        // NemotronHConfig
        return Map.of(
            "tie_word_embeddings",
            false,
            "use_bias",
            false,
            "use_conv_bias",
            true,
            "mlp_bias",
            false,
            "attention_bias",
            false);
      case "falcon":
        // FalconConfig: multi_query=True, parallel_attn=True, bias=False,
        // max_position_embeddings=2048; ffn_hidden_size None → 4 · hidden_size
        return Map.of(
            "tie_word_embeddings",
            true,
            "multi_query",
            true,
            "new_decoder_architecture",
            false,
            "parallel_attn",
            true,
            "bias",
            false,
            "max_position_embeddings",
            2048);
      case "mamba":
      case "falcon_mamba":
        // MambaConfig / FalconMambaConfig: time_step_rank="auto" → ceil(hidden_size / 16)
        return Map.of(
            "tie_word_embeddings",
            true,
            "state_size",
            16,
            "conv_kernel",
            4,
            "expand",
            2,
            "time_step_rank",
            "auto",
            "use_bias",
            false,
            "use_conv_bias",
            true);
      case "mamba2":
        // Mamba2Config
        return Map.ofEntries(
            Map.entry("tie_word_embeddings", false),
            Map.entry("state_size", 128),
            Map.entry("conv_kernel", 4),
            Map.entry("expand", 2),
            Map.entry("n_groups", 8),
            Map.entry("head_dim", 64),
            Map.entry("use_bias", false),
            Map.entry("use_conv_bias", true));
      case "opt":
        // OPTConfig: ffn_dim=3072, max_position_embeddings=2048; tie_word_embeddings stays
        // PretrainedConfig's True (OPTForCausalLM ties lm_head to embed_tokens)
        return Map.of(
            "tie_word_embeddings", true, "ffn_dim", 3072, "max_position_embeddings", 2048);
      case "gpt2":
        // GPT2Config: n_positions=1024, tied head. The Hub's openai-community/gpt2 config has no
        // torch_dtype: its safetensors are F32 (Hub API: F32 137,022,720) and transformers loads
        // a config without one in float32.
        return Map.of("tie_word_embeddings", true, "n_positions", 1024, "torch_dtype", "float32");
      default:
        // PretrainedConfig: tie_word_embeddings=True
        return Map.of("tie_word_embeddings", true);
    }
  }
}
