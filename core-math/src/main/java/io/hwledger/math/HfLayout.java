package io.hwledger.math;

import io.hwledger.api.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What each layer of a Hugging Face config is: the hybrid-layout encodings of REFERENCES.md §1
 * ({@code layer_types}, {@code layers_block_type}, {@code hybrid_override_pattern}, {@code
 * full_attention_interval}, {@code attn_layer_period}/{@code attn_layer_offset}, {@code
 * sliding_window_pattern}) and the per-type rules of transformers' configuration classes.
 */
final class HfLayout {
  private HfLayout() {}

  /** The kind of one entry of a layer layout. */
  enum Block {
    FULL_ATTENTION,
    SLIDING_ATTENTION,
    /** Llama 4 chunked local attention: a token sees only its own chunk. */
    CHUNKED_ATTENTION,
    /** Gated DeltaNet (Qwen3-Next). */
    LINEAR_ATTENTION,
    MAMBA,
    /** A block with only a dense MLP (Nemotron-H {@code -}). */
    MLP,
    /** A block with only a mixture of experts (Nemotron-H {@code E}). */
    MOE;

    boolean isAttention() {
      return this == FULL_ATTENTION || this == SLIDING_ATTENTION || this == CHUNKED_ATTENTION;
    }

    boolean isMixer() {
      return this != MLP && this != MOE;
    }
  }

  /**
   * The layout of {@code layers} layers (the layer count is not known in advance for Nemotron-H,
   * whose layout string defines it: pass -1).
   */
  static List<Block> resolve(ConfigFields f, String modelType, int layers) {
    Optional<List<String>> types = f.stringList(ConfigFields.Key.of("layer_types"));
    if (types.isPresent()) {
      return checked(f, "layer_types", names(f, "layer_types", types.get(), modelType), layers);
    }
    Optional<List<String>> blockTypes = f.stringList(ConfigFields.Key.of("layers_block_type"));
    if (blockTypes.isPresent()) {
      return checked(
          f,
          "layers_block_type",
          names(f, "layers_block_type", blockTypes.get(), modelType),
          layers);
    }
    Optional<String> pattern = f.optString("hybrid_override_pattern");
    if (pattern.isPresent()) {
      return checked(f, "hybrid_override_pattern", nemotronPattern(f, pattern.get()), layers);
    }
    List<Block> out = new ArrayList<>(Math.max(layers, 0));
    if (layers < 0) {
      throw f.missing(ConfigFields.Key.of("hybrid_override_pattern", "layers_block_type"));
    }
    if (modelType.equals("qwen3_next") || f.has("full_attention_interval")) {
      // Qwen3NextConfig: layer_types = "linear_attention" if (i + 1) % full_attention_interval
      // else "full_attention".
      int interval = f.requireInt("full_attention_interval");
      for (int i = 0; i < layers; i++) {
        out.add((i + 1) % interval == 0 ? Block.FULL_ATTENTION : Block.LINEAR_ATTENTION);
      }
      return out;
    }
    switch (modelType) {
      case "jamba":
        {
          // JambaConfig.layers_block_type: "attention" if i % attn_layer_period ==
          // attn_layer_offset else "mamba" (defaults 8 and 4).
          int period = f.requireInt("attn_layer_period");
          int offset = requireIndex(f, "attn_layer_offset");
          for (int i = 0; i < layers; i++) {
            out.add(i % period == offset ? Block.FULL_ATTENTION : Block.MAMBA);
          }
          return out;
        }
      case "mamba":
      case "falcon_mamba":
      case "mamba2":
        for (int i = 0; i < layers; i++) {
          out.add(Block.MAMBA);
        }
        return out;
      case "gemma2":
        // Gemma2Config.layer_types: "sliding_attention" if bool((i + 1) % 2), so even-indexed
        // layers are local.
        for (int i = 0; i < layers; i++) {
          out.add(i % 2 == 0 ? Block.SLIDING_ATTENTION : Block.FULL_ATTENTION);
        }
        return out;
      case "gemma3":
      case "gemma3_text":
        {
          // Gemma3TextConfig: sliding_window_pattern (default 6); layer i is local unless
          // (i + 1) % pattern == 0.
          int every = f.requireInt("sliding_window_pattern");
          for (int i = 0; i < layers; i++) {
            out.add((i + 1) % every == 0 ? Block.FULL_ATTENTION : Block.SLIDING_ATTENTION);
          }
          return out;
        }
      case "llama4":
      case "llama4_text":
        return llama4(f, layers);
      case "olmo3":
        // Olmo3Config: layer_types None → "sliding_attention" if (i + 1) % 4 != 0 else
        // "full_attention"
        for (int i = 0; i < layers; i++) {
          out.add((i + 1) % 4 != 0 ? Block.SLIDING_ATTENTION : Block.FULL_ATTENTION);
        }
        return out;
      case "mistral":
      case "mixtral":
      case "phi3":
        {
          // Mistral, Mixtral and Phi-3 apply sliding_window (when not null) on every layer.
          boolean sliding = f.optLong(ConfigFields.SLIDING_WINDOW).isPresent();
          for (int i = 0; i < layers; i++) {
            out.add(sliding ? Block.SLIDING_ATTENTION : Block.FULL_ATTENTION);
          }
          return out;
        }
      case "qwen2":
      case "qwen2_moe":
      case "qwen3":
      case "qwen3_moe":
        {
          // Qwen2Config / Qwen3Config: sliding_window is kept only when use_sliding_window, and
          // layer_types[i] = "sliding_attention" if sliding_window is not None and i >=
          // max_window_layers.
          boolean use =
              f.bool("use_sliding_window", false)
                  && f.optLong(ConfigFields.SLIDING_WINDOW).isPresent();
          int from =
              use ? f.optNonNegativeInt(ConfigFields.Key.of("max_window_layers")).orElse(0) : 0;
          for (int i = 0; i < layers; i++) {
            out.add(use && i >= from ? Block.SLIDING_ATTENTION : Block.FULL_ATTENTION);
          }
          return out;
        }
      default:
        for (int i = 0; i < layers; i++) {
          out.add(Block.FULL_ATTENTION);
        }
        return out;
    }
  }

  /** A non-negative integer that must be present or defaulted by the configuration class. */
  static int requireIndex(ConfigFields f, String name) {
    ConfigFields.Key key = ConfigFields.Key.of(name);
    return f.optNonNegativeInt(key).orElseThrow(() -> f.missing(key));
  }

  private static List<Block> llama4(ConfigFields f, int layers) {
    // Llama4TextConfig: no_rope_layers[i] = int((i + 1) % no_rope_layer_interval != 0) (interval
    // 4); layer_types = "chunked_attention" for RoPE layers, "full_attention" for NoPE layers.
    List<Integer> noRope = f.intList(ConfigFields.Key.of("no_rope_layers"));
    int interval = f.optInt("no_rope_layer_interval").orElse(4);
    List<Block> out = new ArrayList<>(layers);
    for (int i = 0; i < layers; i++) {
      boolean rope = noRope.isEmpty() ? (i + 1) % interval != 0 : ropeAt(f, noRope, i);
      out.add(rope ? Block.CHUNKED_ATTENTION : Block.FULL_ATTENTION);
    }
    return out;
  }

  private static boolean ropeAt(ConfigFields f, List<Integer> noRope, int i) {
    if (i >= noRope.size()) {
      throw f.error("'no_rope_layers' has " + noRope.size() + " entries, fewer than the layers");
    }
    return noRope.get(i) != 0;
  }

  private static List<Block> checked(ConfigFields f, String field, List<Block> blocks, int layers) {
    limit(f, field, blocks.size());
    if (layers >= 0 && blocks.size() != layers) {
      throw f.error(
          "'"
              + field
              + "' has "
              + blocks.size()
              + " entries but the model has "
              + layers
              + " layers");
    }
    if (blocks.isEmpty()) {
      throw f.error("'" + field + "' is empty");
    }
    return blocks;
  }

  private static List<Block> names(
      ConfigFields f, String field, List<String> names, String modelType) {
    List<Block> out = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).toLowerCase(Locale.ROOT);
      Block b;
      switch (name) {
        case "full_attention":
        case "attention":
        case "global_attention":
          b = Block.FULL_ATTENTION;
          break;
        case "sliding_attention":
        case "local_attention":
          b = Block.SLIDING_ATTENTION;
          break;
        case "chunked_attention":
          b = Block.CHUNKED_ATTENTION;
          break;
        case "linear_attention":
          // NemotronHConfig calls its Mamba-2 blocks "linear_attention".
          b = modelType.equals("nemotron_h") ? Block.MAMBA : Block.LINEAR_ATTENTION;
          break;
        case "mamba":
        case "mamba2":
          b = Block.MAMBA;
          break;
        case "mlp":
          b = Block.MLP;
          break;
        case "moe":
          b = Block.MOE;
          break;
        default:
          throw f.error(
              "'"
                  + field
                  + "' entry "
                  + i
                  + " is '"
                  + names.get(i)
                  + "', which is not a known layer type");
      }
      out.add(b);
    }
    return out;
  }

  /** A layout of {@code entries} layers must respect {@link ModelSpec#MAX_LAYERS}. */
  private static void limit(ConfigFields f, String field, int entries) {
    if (entries > ModelSpec.MAX_LAYERS) {
      throw f.error(
          "'"
              + field
              + "' has "
              + entries
              + " entries, more than the limit of "
              + ModelSpec.MAX_LAYERS
              + " layers");
    }
  }

  private static List<Block> nemotronPattern(ConfigFields f, String pattern) {
    // NemotronHConfig._pattern_to_list: 'M' Mamba-2, '*' attention, '-' MLP, 'E' MoE.
    limit(f, "hybrid_override_pattern", pattern.length());
    List<Block> out = new ArrayList<>(pattern.length());
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      switch (c) {
        case 'M':
          out.add(Block.MAMBA);
          break;
        case '*':
          out.add(Block.FULL_ATTENTION);
          break;
        case '-':
          out.add(Block.MLP);
          break;
        case 'E':
          out.add(Block.MOE);
          break;
        default:
          throw f.error(
              "'hybrid_override_pattern' has '"
                  + c
                  + "' at index "
                  + i
                  + " (expected M, *, - or E)");
      }
    }
    return out;
  }
}
