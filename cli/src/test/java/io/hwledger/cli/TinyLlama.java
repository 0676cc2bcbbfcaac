package io.hwledger.cli;

import io.hwledger.api.DType;
import io.hwledger.math.fixtures.GgufWriter;
import io.hwledger.math.fixtures.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A 2-layer Llama written as a GGUF file and as a sharded safetensors checkpoint, with the real key
 * and tensor names of llama.cpp and transformers, and its sizes worked out by hand.
 *
 * <p>Hidden 256, 4 query heads of 64, 2 KV heads (K and V projections 2 × 64 = 128 wide), MLP 512,
 * vocabulary 1000, untied output head.
 *
 * <p>Parameters, the same in both files: token embedding 1000 × 256 = 256,000; per layer two norms
 * 2 × 256 = 512, q 256 × 256 = 65,536, k and v 128 × 256 = 32,768 each, o 65,536, gate, up and down
 * 512 × 256 = 131,072 each: 512 + 65,536 + 2 × 32,768 + 65,536 + 3 × 131,072 = 590,336; final norm
 * 256; output head 256,000. Total 256,000 + 2 × 590,336 + 256 + 256,000 = 1,692,928.
 */
final class TinyLlama {
  static final long PARAMETERS = 1_692_928L;
  static final int LAYERS = 2;

  /**
   * GGUF tensor bytes, a Q4_K_M-style mix. ggml blocks: Q4_K 256 elements in 144 B, Q6_K 256 in 210
   * B, F32 4 B each; a tensor is rows × (row length / 256) blocks.
   *
   * <ul>
   *   <li>token_embd [256, 1000] Q4_K: 1000 rows × 1 block × 144 = 144,000
   *   <li>per layer: attn_norm and ffn_norm [256] F32: 2 × 1,024; attn_q [256, 256] Q4_K: 256 × 144
   *       = 36,864; attn_k [256, 128] Q4_K: 128 × 144 = 18,432; attn_v [256, 128] Q6_K: 128 × 210 =
   *       26,880; attn_output [256, 256] Q4_K: 36,864; ffn_gate and ffn_up [256, 512] Q4_K: 512 ×
   *       144 = 73,728 each; ffn_down [512, 256] Q6_K: 256 rows × 2 blocks × 210 = 107,520. Layer:
   *       2,048 + 36,864 + 18,432 + 26,880 + 36,864 + 2 × 73,728 + 107,520 = 376,064
   *   <li>output_norm [256] F32: 1,024; output [256, 1000] Q6_K: 1000 × 210 = 210,000
   * </ul>
   *
   * Total 144,000 + 2 × 376,064 + 1,024 + 210,000 = 1,107,152.
   */
  static final long GGUF_BYTES = 1_107_152L;

  /** {@code llama.context_length} of the GGUF file. */
  static final long GGUF_CONTEXT = 4096;

  /** {@code general.file_type} 15: llama.cpp's {@code LLAMA_FTYPE_MOSTLY_Q4_K_M}. */
  static final String GGUF_FILE_TYPE = "Q4_K_M";

  /** Every safetensors tensor is bf16, 2 bytes per parameter: 2 × 1,692,928. */
  static final long SAFETENSORS_BYTES = 3_385_856L;

  /** {@code max_position_embeddings} of the config.json. */
  static final long SAFETENSORS_CONTEXT = 2048;

  /** The config.json transformers would write for the safetensors checkpoint. */
  static final String CONFIG_JSON =
      "{\"architectures\": [\"LlamaForCausalLM\"], \"model_type\": \"llama\","
          + " \"hidden_size\": 256, \"intermediate_size\": 512, \"num_hidden_layers\": 2,"
          + " \"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"vocab_size\": 1000,"
          + " \"max_position_embeddings\": 2048, \"rms_norm_eps\": 1e-05,"
          + " \"rope_theta\": 500000.0, \"hidden_act\": \"silu\", \"tie_word_embeddings\": false,"
          + " \"torch_dtype\": \"bfloat16\"}";

  private TinyLlama() {}

  /** Writes the GGUF file at {@code file}. */
  static Path gguf(Path file) throws IOException {
    return gguf(file, "tiny-llama");
  }

  /** Writes the GGUF file at {@code file} with {@code general.name} set to {@code name}. */
  static Path gguf(Path file, String name) throws IOException {
    DType q4k = DType.parse("q4_k");
    DType q6k = DType.parse("q6_k");
    GgufWriter w =
        new GgufWriter()
            .str("general.architecture", "llama")
            .str("general.name", name)
            .u32("general.file_type", 15)
            .u32("llama.block_count", 2)
            .u32("llama.context_length", GGUF_CONTEXT)
            .u32("llama.embedding_length", 256)
            .u32("llama.feed_forward_length", 512)
            .u32("llama.attention.head_count", 4)
            .u32("llama.attention.head_count_kv", 2)
            .tensor("token_embd.weight", q4k, 256, 1000);
    for (int i = 0; i < LAYERS; i++) {
      String b = "blk." + i + ".";
      w.tensor(b + "attn_norm.weight", DType.FP32, 256)
          .tensor(b + "attn_q.weight", q4k, 256, 256)
          .tensor(b + "attn_k.weight", q4k, 256, 128)
          .tensor(b + "attn_v.weight", q6k, 256, 128)
          .tensor(b + "attn_output.weight", q4k, 256, 256)
          .tensor(b + "ffn_norm.weight", DType.FP32, 256)
          .tensor(b + "ffn_gate.weight", q4k, 256, 512)
          .tensor(b + "ffn_up.weight", q4k, 256, 512)
          .tensor(b + "ffn_down.weight", q6k, 512, 256);
    }
    w.tensor("output_norm.weight", DType.FP32, 256).tensor("output.weight", q6k, 256, 1000);
    Files.createDirectories(file.toAbsolutePath().getParent());
    return w.write(file);
  }

  /**
   * Writes the safetensors checkpoint into {@code dir}: config.json, two bf16 shards (embedding and
   * layer 0; layer 1, final norm and head) and the shard index. Returns {@code dir}.
   */
  static Path safetensors(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), CONFIG_JSON, StandardCharsets.UTF_8);
    SafetensorsWriter first =
        layer(new SafetensorsWriter().tensor("model.embed_tokens.weight", "BF16", 1000, 256), 0);
    SafetensorsWriter second =
        layer(new SafetensorsWriter(), 1)
            .tensor("model.norm.weight", "BF16", 256)
            .tensor("lm_head.weight", "BF16", 1000, 256);
    String one = "model-00001-of-00002.safetensors";
    String two = "model-00002-of-00002.safetensors";
    first.write(dir.resolve(one));
    second.write(dir.resolve(two));
    StringBuilder map = new StringBuilder();
    for (String name : first.names()) {
      map.append(map.length() == 0 ? "" : ",").append('"').append(name).append("\":\"");
      map.append(one).append('"');
    }
    for (String name : second.names()) {
      map.append(",\"").append(name).append("\":\"").append(two).append('"');
    }
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\":{\"total_size\":"
            + (first.dataBytes() + second.dataBytes())
            + "},\"weight_map\":{"
            + map
            + "}}",
        StandardCharsets.UTF_8);
    return dir;
  }

  private static SafetensorsWriter layer(SafetensorsWriter w, int i) {
    String p = "model.layers." + i + ".";
    return w.tensor(p + "input_layernorm.weight", "BF16", 256)
        .tensor(p + "self_attn.q_proj.weight", "BF16", 256, 256)
        .tensor(p + "self_attn.k_proj.weight", "BF16", 128, 256)
        .tensor(p + "self_attn.v_proj.weight", "BF16", 128, 256)
        .tensor(p + "self_attn.o_proj.weight", "BF16", 256, 256)
        .tensor(p + "post_attention_layernorm.weight", "BF16", 256)
        .tensor(p + "mlp.gate_proj.weight", "BF16", 512, 256)
        .tensor(p + "mlp.up_proj.weight", "BF16", 512, 256)
        .tensor(p + "mlp.down_proj.weight", "BF16", 256, 512);
  }
}
