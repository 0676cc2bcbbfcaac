package io.hwledger.math;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.Attention;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.GatedDeltaNet;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mamba1;
import io.hwledger.api.Mamba2;
import io.hwledger.api.Mixer;
import io.hwledger.api.Mlp;
import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.MoeMlp;
import io.hwledger.api.NoMlp;
import io.hwledger.api.NormKind;
import io.hwledger.api.Precision;
import io.hwledger.math.HfLayout.Block;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelSpec}.
 *
 * <p>Supported {@code model_type}s: {@code llama}, {@code mistral}, {@code mixtral}, {@code phi3},
 * {@code qwen2}, {@code qwen2_moe}, {@code qwen3}, {@code qwen3_moe}, {@code qwen3_next}, {@code
 * gemma}, {@code gemma2}, {@code gemma3} / {@code gemma3_text}, {@code deepseek_v2}, {@code
 * deepseek_v3}, {@code llama4} / {@code llama4_text}, {@code gpt_oss}, {@code jamba}, {@code
 * nemotron_h}, {@code falcon}, {@code mamba}, {@code falcon_mamba}, {@code mamba2}, {@code opt},
 * {@code gpt2}, {@code olmo2}, {@code olmo3}, and the original {@code mamba_ssm} format ({@code
 * d_model}, {@code n_layer}, {@code ssm_cfg}). Any other {@code model_type} (or none) is refused
 * with a message naming it and the known ones: its layout cannot be known from the keys alone (an
 * OPT config read with the dense Llama rules would get a gated three-matrix MLP, RMSNorm and no
 * position table).
 *
 * <p>OPT and GPT-2 are pre-norm LayerNorm decoders with a learned position table ({@link
 * ModelSpec#positionEmbeddings()}: OPT's {@code max_position_embeddings + 2}, its
 * OPTLearnedPositionalEmbedding offset, GPT-2's {@code n_positions}), multi-head attention with
 * biases and a two-matrix MLP with biases ({@code fc1}/{@code fc2}, {@code c_fc}/{@code c_proj}).
 *
 * <p>OLMo 2 normalises after attention and after the MLP (two norms per layer, as Llama has two
 * before them) and its {@code q_norm} and {@code k_norm} span the whole q and k projections ({@link
 * Attention#qkNormAcrossHeads()}).
 *
 * <p>Multimodal and wrapped configs are read from their {@code text_config} ({@code mistral3},
 * {@code gemma3}). Field aliases follow REFERENCES.md §1. A missing field is an error naming it,
 * unless the model type's transformers configuration class defines a default (see {@code
 * HfDefaults}).
 *
 * <p>Not represented: multi-token-prediction layers ({@code num_nextn_predict_layers} of
 * DeepSeek-V3), which engines do not load for plain inference. The vision tower and projector of a
 * multimodal checkpoint are not layers: their parameter count, from {@code vision_config}, is
 * {@link ModelSpec#visionParameters()} ({@code HfVisionTower}).
 *
 * <p>Nemotron-H: each block of {@code hybrid_override_pattern} has one sublayer and one norm. An
 * MLP or MoE block ({@code -}, {@code E}) is folded into the mixer block before it, giving one
 * {@link LayerSpec} with both and two norms, so the spec has fewer layers than the pattern but the
 * same parameters, cache and state.
 *
 * <p>Llama 4 chunked local attention ({@code attention_chunk_size}) is represented as a window of
 * the chunk size: a layer never holds more than one chunk of keys and values.
 *
 * <p>Thread-safe and stateless.
 */
public final class HfConfigReader {
  /**
   * Largest {@code config.json} read, in bytes: 4 MiB. Decoder configs are a few KiB; the largest
   * published configs (image classifiers with an {@code id2label} of 21,843 classes) are under 1
   * MiB.
   */
  public static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

  private static final String CONFIG_JSON = "config.json";

  private static final Set<String> KNOWN_TYPES =
      Set.of(
          "llama",
          "mistral",
          "mixtral",
          "phi3",
          "qwen2",
          "qwen2_moe",
          "qwen3",
          "qwen3_moe",
          "qwen3_next",
          "gemma",
          "gemma2",
          "gemma3",
          "gemma3_text",
          "deepseek_v2",
          "deepseek_v3",
          "llama4",
          "llama4_text",
          "gpt_oss",
          "jamba",
          "nemotron_h",
          "falcon",
          "mamba",
          "falcon_mamba",
          "mamba2",
          "opt",
          "gpt2",
          "olmo2",
          "olmo3");

  /** The known types, sorted, as messages list them. */
  private static final String KNOWN_LIST =
      String.join(", ", new java.util.TreeSet<>(KNOWN_TYPES)) + ", and mamba_ssm's ssm_cfg format";

  /** Types whose decoder norms are LayerNorm with weight and bias. */
  private static final Set<String> LAYER_NORM_TYPES = Set.of("falcon", "opt", "gpt2");

  private HfConfigReader() {}

  /**
   * Reads the config file at {@code configJson}. The model is named {@code ORG/NAME} when the file
   * is in a snapshot of a Hugging Face cache ({@code models--ORG--NAME/snapshots/REV}); else after
   * the file when it is not called {@code config.json} ({@code some/dir/qwen2-7b.json} is {@code
   * qwen2-7b}); else after the config's {@code _name_or_path} when that is a Hub repository id
   * ({@code ORG/NAME} or {@code NAME}, not a local path); else after its directory.
   *
   * @param configJson path of a {@code config.json}, at most {@link #MAX_CONFIG_BYTES} bytes
   * @return the model's layers, sizes and checkpoint precision
   * @throws ModelConfigException naming the path when it cannot be read or is too large, or the
   *     missing or malformed field
   */
  public static ModelSpec read(Path configJson) {
    Objects.requireNonNull(configJson, "configJson");
    JsonNode root = StrictJson.readObject(configJson, MAX_CONFIG_BYTES, "");
    return spec(root, nameOf(configJson, root), configJson.toString());
  }

  /**
   * Whether {@code text} is a Hub repository id, {@code NAME} or {@code ORG/NAME}: each part starts
   * with a letter or digit and holds only letters, digits, {@code .}, {@code _} and {@code -}, with
   * no {@code ..} (so no local path qualifies).
   */
  static boolean isRepositoryId(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length > 2 || text.contains("..")) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || !Character.isLetterOrDigit(part.charAt(0))) {
        return false;
      }
      for (int k = 0; k < part.length(); k++) {
        char c = part.charAt(k);
        boolean ascii = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!ascii && c != '.' && c != '_' && c != '-') {
          return false;
        }
      }
    }
    return true;
  }

  /** The name {@link #read} gives the model of {@code configJson}, whose object is {@code root}. */
  static String nameOf(Path configJson, JsonNode root) {
    Path parent = configJson.toAbsolutePath().normalize().getParent();
    if (parent != null) {
      // A Hugging Face cache snapshot's directory is a revision hash: name the repository.
      Optional<String> cached =
          ModelFiles.cacheRepository(parent).map(ModelFiles::cacheRepositoryId);
      if (cached.isPresent()) {
        return cached.get();
      }
    }
    Path file = configJson.getFileName();
    String fileName = file == null ? CONFIG_JSON : file.toString();
    if (!fileName.equals(CONFIG_JSON)) {
      String lower = fileName.toLowerCase(Locale.ROOT);
      return lower.endsWith(".json") && fileName.length() > 5
          ? fileName.substring(0, fileName.length() - 5)
          : fileName;
    }
    JsonNode declared = root.get("_name_or_path");
    if (declared != null && declared.isTextual() && isRepositoryId(declared.textValue())) {
      return declared.textValue();
    }
    Path dir = parent == null ? null : parent.getFileName();
    return dir != null ? dir.toString() : CONFIG_JSON;
  }

  /**
   * Parses {@code json}, naming the model {@code name}.
   *
   * @param json the text of one {@code config.json} object
   * @param name the name the spec carries, e.g. {@code meta-llama/Llama-3.1-8B}
   * @return the model's layers, sizes and checkpoint precision
   * @throws ModelConfigException naming the missing or malformed field, or when {@code json} is
   *     longer than {@link #MAX_CONFIG_BYTES} characters or holds more than one JSON object
   */
  public static ModelSpec parse(String json, String name) {
    return parse(json, name, CONFIG_JSON);
  }

  static ModelSpec parse(String json, String name, String source) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(name, "name");
    if (json.length() > MAX_CONFIG_BYTES) {
      throw new ModelConfigException(
          source
              + ": is "
              + json.length()
              + " characters, more than the limit of "
              + MAX_CONFIG_BYTES);
    }
    return spec(StrictJson.parseObject(json, source, ""), name, source);
  }

  private static ModelSpec spec(JsonNode root, String name, String source) {
    Objects.requireNonNull(name, "name");
    try {
      return new Reading(root, name, source).spec();
    } catch (ModelConfigException e) {
      throw e;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new ModelConfigException(source + ": " + e.getMessage(), e);
    }
  }

  /** The state of reading one config. */
  private static final class Reading {
    private final String name;
    private final String type;
    private final ConfigFields f;
    private final ConfigFields outer;
    private final int hidden;
    private final JsonNode root;

    Reading(JsonNode root, String name, String source) {
      this.name = name;
      this.root = root;
      ConfigFields top = new ConfigFields(root, source, Map.of());
      JsonNode decoder = root;
      JsonNode text = root.get("text_config");
      if (text != null && !text.isNull()) {
        if (!text.isObject()) {
          throw top.error("'text_config' must be an object, was " + text);
        }
        decoder = text;
      }
      ConfigFields raw = new ConfigFields(decoder, source, Map.of());
      Optional<String> inner = raw.optString("model_type");
      String t = inner.isPresent() ? inner.get() : top.optString("model_type").orElse("");
      String lower = t.toLowerCase(Locale.ROOT);
      Map<String, Object> defaults;
      if (lower.equals("refinedweb") || lower.equals("refinedwebmodel")) {
        // The original Falcon remote-code configs (configuration_RW.py). RefinedWeb (Falcon-40B)
        // is the new decoder architecture (ln_attn, ln_mlp, n_head_kv groups), RefinedWebModel
        // (Falcon-7B) the old one; vLLM's RWConfig makes the same split.
        defaults = new HashMap<>(HfDefaults.forType("falcon"));
        defaults.put("new_decoder_architecture", lower.equals("refinedweb"));
        lower = "falcon";
      } else {
        defaults = HfDefaults.forType(lower);
      }
      this.type = lower;
      this.f = new ConfigFields(decoder, source, defaults);
      this.outer = new ConfigFields(root, source, defaults);
      this.hidden = type.isEmpty() && root.has("ssm_cfg") ? 0 : f.requireInt(ConfigFields.HIDDEN);
    }

    ModelSpec spec() {
      if (type.isEmpty() && f.has("ssm_cfg")) {
        return MambaSsmConfig.read(f, name);
      }
      if (!KNOWN_TYPES.contains(type)) {
        throw f.error(
            (type.isEmpty() ? "missing 'model_type'" : "unsupported model_type '" + type + "'")
                + ": its layout is not known to this reader (known: "
                + KNOWN_LIST
                + ")");
      }
      int vocab = f.requireInt(ConfigFields.VOCAB);
      int layerCount =
          type.equals("nemotron_h")
              ? f.optInt(ConfigFields.LAYERS).orElse(-1)
              : f.requireInt(ConfigFields.LAYERS);
      f.atMost(ConfigFields.LAYERS, layerCount, ModelSpec.MAX_LAYERS, "layers");
      List<Block> layout = HfLayout.resolve(f, type, layerCount);
      List<LayerSpec> layers = type.equals("nemotron_h") ? nemotronLayers(layout) : layers(layout);
      boolean tied = tiedEmbeddings();
      NormKind norm = LAYER_NORM_TYPES.contains(type) ? NormKind.LAYER_NORM : NormKind.RMS_NORM;
      boolean pureSsm = layout.stream().noneMatch(Block::isAttention);
      OptionalLong context = contextLimit(f, pureSsm);
      Precision precision = HfPrecision.read(f, outer);
      return new ModelSpec(
          name,
          vocab,
          hidden,
          tied,
          norm,
          layers,
          context,
          precision,
          positionRows(context),
          HfPrecision.weightBlockSize(f, outer),
          HfVisionTower.parameters(root, hidden, f.source()));
    }

    /** Rows of the learned position table, 0 for types without one. */
    private int positionRows(OptionalLong context) {
      switch (type) {
        case "opt":
          {
            // OPTDecoder: project_in/project_out when word_embed_proj_dim != hidden_size
            // (opt-350m), final_layer_norm only when do_layer_norm_before and not
            // _remove_final_layer_norm; neither fits a ModelSpec.
            int projected = f.optInt("word_embed_proj_dim").orElse(hidden);
            if (projected != hidden) {
              throw f.error(
                  "OPT with word_embed_proj_dim "
                      + projected
                      + " != hidden_size "
                      + hidden
                      + " (project_in/project_out) is not representable");
            }
            if (!f.bool("do_layer_norm_before", true)
                || f.bool("_remove_final_layer_norm", false)) {
              throw f.error(
                  "OPT without a final layer norm (do_layer_norm_before false) is not"
                      + " representable");
            }
            if (!f.bool("layer_norm_elementwise_affine", true)) {
              throw f.error("OPT with layer_norm_elementwise_affine false is not representable");
            }
            // OPTLearnedPositionalEmbedding(num_embeddings + offset 2, hidden)
            return Math.addExact(Math.toIntExact(context.orElseThrow()), 2);
          }
        case "gpt2":
          if (f.bool("add_cross_attention", false)) {
            throw f.error("GPT-2 with add_cross_attention true is not representable");
          }
          // GPT2Model.wpe = nn.Embedding(max_position_embeddings (n_positions), embed_dim)
          return Math.toIntExact(context.orElseThrow());
        default:
          return 0;
      }
    }

    private boolean tiedEmbeddings() {
      if (f.has(ConfigFields.TIE) || !outer.has(ConfigFields.TIE)) {
        return f.requireBool(ConfigFields.TIE);
      }
      return outer.requireBool(ConfigFields.TIE);
    }

    // ---- layers ----

    private List<LayerSpec> layers(List<Block> layout) {
      List<LayerSpec> out = new ArrayList<>(layout.size());
      int norms = normsPerLayer();
      for (int i = 0; i < layout.size(); i++) {
        Block b = layout.get(i);
        if (!b.isMixer()) {
          throw f.error(
              "layer "
                  + i
                  + " is an MLP-only block, which model_type '"
                  + type
                  + "' does not have");
        }
        out.add(new LayerSpec(mixer(b, i), mlp(i), norms));
      }
      return out;
    }

    /**
     * Nemotron-H blocks hold one sublayer and one norm each; an MLP or MoE block joins the mixer
     * block before it.
     */
    private List<LayerSpec> nemotronLayers(List<Block> layout) {
      List<LayerSpec> out = new ArrayList<>();
      for (int i = 0; i < layout.size(); i++) {
        Block b = layout.get(i);
        if (b.isMixer()) {
          out.add(new LayerSpec(mixer(b, i), NoMlp.INSTANCE, 1));
          continue;
        }
        Mlp mlp = b == Block.MLP ? nemotronMlp() : nemotronMoe();
        int last = out.size() - 1;
        if (last < 0 || out.get(last).mlp() != NoMlp.INSTANCE) {
          throw f.error(
              "hybrid layout block "
                  + i
                  + " is an MLP without a mixer block before it, which a LayerSpec cannot hold");
        }
        out.set(last, new LayerSpec(out.get(last).mixer(), mlp, 2));
      }
      return out;
    }

    private int normsPerLayer() {
      switch (type) {
        case "gemma2":
        case "gemma3":
        case "gemma3_text":
          // input, post_attention, pre_feedforward, post_feedforward
          return 4;
        case "mamba":
        case "falcon_mamba":
        case "mamba2":
          return 1;
        case "falcon":
          {
            boolean newArch = f.bool("new_decoder_architecture", false);
            if (newArch) {
              // FalconDecoderLayer: ln_attn and ln_mlp, or one input_layernorm when
              // num_ln_in_parallel_attn == 1 (default 2 with the new architecture).
              return f.optInt("num_ln_in_parallel_attn").orElse(2);
            }
            return f.bool("parallel_attn", true) ? 1 : 2;
          }
        default:
          return 2;
      }
    }

    private Mixer mixer(Block b, int i) {
      switch (b) {
        case FULL_ATTENTION:
          return attention(i, OptionalLong.empty());
        case SLIDING_ATTENTION:
          {
            OptionalLong window = f.optLong(ConfigFields.SLIDING_WINDOW);
            if (window.isEmpty()) {
              throw f.error(
                  "layer " + i + " uses sliding-window attention but 'sliding_window' is missing");
            }
            return attention(i, window);
          }
        case CHUNKED_ATTENTION:
          {
            ConfigFields.Key chunk = ConfigFields.Key.of("attention_chunk_size");
            return attention(i, OptionalLong.of(f.requireLong(chunk)));
          }
        case LINEAR_ATTENTION:
          return gatedDeltaNet(i);
        case MAMBA:
          return mamba(i);
        default:
          throw new IllegalStateException("not a mixer: " + b);
      }
    }

    private Mixer attention(int i, OptionalLong window) {
      int heads = f.requireInt(ConfigFields.HEADS);
      if (type.startsWith("deepseek")) {
        if (f.bool("attention_bias", false)) {
          throw f.error("attention_bias true is not representable for MLA layers");
        }
        OptionalInt qLora = f.optInt("q_lora_rank");
        if (qLora.isEmpty() && !f.node().has("q_lora_rank")) {
          throw f.missing(ConfigFields.Key.of("q_lora_rank"));
        }
        return new LatentAttention(
            heads,
            qLora.orElse(0),
            f.requireInt("kv_lora_rank"),
            f.optNonNegativeInt(ConfigFields.Key.of("qk_nope_head_dim"))
                .orElseThrow(() -> f.missing(ConfigFields.Key.of("qk_nope_head_dim"))),
            f.requireInt("qk_rope_head_dim"),
            f.requireInt("v_head_dim"));
      }
      int kv = kvHeads(heads);
      int headDim = headDim(heads);
      boolean qkvBias;
      boolean outputBias;
      switch (type) {
        case "qwen2":
        case "qwen2_moe":
          // Qwen2Attention: q/k/v biases always, o_proj without
          qkvBias = true;
          outputBias = false;
          break;
        case "falcon":
          qkvBias = f.bool("bias", false);
          outputBias = qkvBias;
          break;
        case "opt":
          // OPTAttention: k/v/q/out_proj with bias=config.enable_bias (default True)
          qkvBias = f.bool("enable_bias", true);
          outputBias = qkvBias;
          break;
        case "gpt2":
          // GPT2Attention: c_attn and c_proj are Conv1D with biases
          qkvBias = true;
          outputBias = true;
          break;
        case "jamba":
          // JambaAttention: no biases
          qkvBias = false;
          outputBias = false;
          break;
        default:
          // LlamaAttention and its copies: attention_bias on q, k, v and o
          qkvBias = f.bool("attention_bias", false);
          outputBias = qkvBias;
      }
      boolean qkNorm =
          Set.of("qwen3", "qwen3_moe", "qwen3_next", "gemma3", "gemma3_text", "olmo2", "olmo3")
              .contains(type);
      // Olmo2Attention (and Olmo3Attention, its subclass): q_norm = RMSNorm(num_attention_heads ·
      // head_dim), k_norm = RMSNorm(num_key_value_heads · head_dim), over the whole projections
      boolean acrossHeads = type.equals("olmo2") || type.equals("olmo3");
      boolean outputGate = type.equals("qwen3_next");
      boolean sinks = type.equals("gpt_oss");
      if (window.isPresent() && window.getAsLong() <= 0) {
        throw f.error("layer " + i + " has a non-positive window " + window.getAsLong());
      }
      return new Attention(
          heads,
          kv,
          headDim,
          headDim,
          window,
          qkvBias,
          outputBias,
          qkNorm,
          outputGate,
          sinks,
          acrossHeads);
    }

    private int kvHeads(int heads) {
      if (type.equals("falcon")) {
        if (f.bool("new_decoder_architecture", false)) {
          // FalconConfig: num_kv_heads None → num_attention_heads
          return f.optInt(ConfigFields.KV_HEADS).orElse(heads);
        }
        return f.bool("multi_query", true) ? 1 : heads;
      }
      OptionalInt kv = f.optInt(ConfigFields.KV_HEADS);
      if (kv.isPresent()) {
        return kv.getAsInt();
      }
      if (f.bool("multi_query", false) && !f.bool("new_decoder_architecture", false)) {
        return 1;
      }
      if (HfDefaults.KV_HEADS_DEFAULT_TO_HEADS.contains(type)) {
        return heads;
      }
      throw f.missing(ConfigFields.KV_HEADS);
    }

    private int headDim(int heads) {
      ConfigFields.Key key =
          type.equals("nemotron_h")
              ? ConfigFields.Key.of("head_dim", "attention_head_dim")
              : ConfigFields.HEAD_DIM;
      OptionalInt explicit = f.optInt(key);
      if (explicit.isPresent()) {
        return explicit.getAsInt();
      }
      if (hidden % heads != 0) {
        throw f.error(
            "missing 'head_dim' and hidden size "
                + hidden
                + " is not a multiple of "
                + heads
                + " heads");
      }
      return hidden / heads;
    }

    private Mixer gatedDeltaNet(int i) {
      if (!type.equals("qwen3_next")) {
        throw f.error("layer " + i + " is linear attention, which model_type '" + type + "' lacks");
      }
      return new GatedDeltaNet(
          f.requireInt("linear_num_key_heads"),
          f.requireInt("linear_num_value_heads"),
          f.requireInt("linear_key_head_dim"),
          f.requireInt("linear_value_head_dim"),
          f.requireInt("linear_conv_kernel_dim"));
    }

    private Mixer mamba(int i) {
      switch (type) {
        case "mamba":
        case "falcon_mamba":
          {
            // MambaMixer: intermediate_size = int(expand * hidden_size), written to config.json
            int inner =
                f.optInt("intermediate_size")
                    .orElseGet(() -> Math.multiplyExact(f.requireInt("expand"), hidden));
            // FalconMamba normalises B, C and Δ without weights: no inner norms to count.
            return new Mamba1(
                inner,
                f.requireInt(SSM_STATE),
                f.requireInt(SSM_CONV),
                dtRank(ConfigFields.Key.of("time_step_rank")),
                f.requireBool(ConfigFields.Key.of("use_conv_bias")),
                f.requireBool(ConfigFields.Key.of("use_bias")),
                false);
          }
        case "jamba":
          // JambaMambaMixer: dt/B/C RMSNorms with weights
          return new Mamba1(
              Math.multiplyExact(f.requireInt("mamba_expand"), hidden),
              f.requireInt("mamba_d_state"),
              f.requireInt("mamba_d_conv"),
              dtRank(ConfigFields.Key.of("mamba_dt_rank")),
              f.requireBool(ConfigFields.Key.of("mamba_conv_bias")),
              f.requireBool(ConfigFields.Key.of("mamba_proj_bias")),
              true);
        case "mamba2":
          {
            // Mamba2Mixer: intermediate_size = int(expand * hidden_size); num_heads heads
            int inner = Math.multiplyExact(f.requireInt("expand"), hidden);
            int headDim = f.requireInt("head_dim");
            int heads = f.optInt("num_heads").orElseGet(() -> exactHeads(inner, headDim));
            return new Mamba2(
                inner,
                f.requireInt(SSM_STATE),
                f.requireInt(SSM_CONV),
                f.requireInt(SSM_GROUPS),
                heads,
                headDim,
                f.requireBool(ConfigFields.Key.of("use_conv_bias")),
                f.requireBool(ConfigFields.Key.of("use_bias")));
          }
        case "nemotron_h":
          {
            // NemotronHMamba2Mixer: intermediate = mamba_num_heads · mamba_head_dim; in/out
            // projection bias = use_bias; conv bias = use_conv_bias
            int heads = f.requireInt("mamba_num_heads");
            int headDim = f.requireInt("mamba_head_dim");
            return new Mamba2(
                Math.multiplyExact(heads, headDim),
                f.requireInt(SSM_STATE),
                f.requireInt(SSM_CONV),
                f.requireInt(SSM_GROUPS),
                heads,
                headDim,
                f.requireBool(ConfigFields.Key.of("use_conv_bias", "mamba_conv_bias")),
                f.requireBool(ConfigFields.Key.of("use_bias")));
          }
        default:
          throw f.error("layer " + i + " is a Mamba layer, which model_type '" + type + "' lacks");
      }
    }

    private int exactHeads(int inner, int headDim) {
      if (inner % headDim != 0) {
        throw f.error("Mamba-2 inner size " + inner + " is not a multiple of head_dim " + headDim);
      }
      return inner / headDim;
    }

    private int dtRank(ConfigFields.Key key) {
      Optional<ConfigFields.Found> found = f.find(key);
      if ((found.isPresent() && found.get().value.isTextual())
          || (found.isEmpty() && f.optString(key).isPresent())) {
        String text = found.isPresent() ? found.get().value.textValue() : f.optString(key).get();
        if (!text.equals("auto")) {
          throw f.error("'" + key.name + "' must be an integer or \"auto\", was \"" + text + "\"");
        }
        // MambaConfig / JambaConfig: "auto" → math.ceil(hidden_size / 16)
        return (hidden + 15) / 16;
      }
      return f.requireInt(key);
    }

    // ---- feed-forward blocks ----

    private Mlp mlp(int i) {
      switch (type) {
        case "mamba":
        case "falcon_mamba":
        case "mamba2":
          return NoMlp.INSTANCE;
        case "falcon":
          {
            int width = f.optInt(ConfigFields.FFN).orElseGet(() -> Math.multiplyExact(4, hidden));
            return new DenseMlp(width, false, f.bool("bias", false));
          }
        case "opt":
          // OPTDecoderLayer: fc1 (hidden → ffn_dim) and fc2, bias=enable_bias
          return new DenseMlp(f.requireInt("ffn_dim"), false, f.bool("enable_bias", true));
        case "gpt2":
          {
            // GPT2MLP: c_fc and c_proj with biases; n_inner None → 4 · hidden_size
            int width = f.optInt(ConfigFields.FFN).orElseGet(() -> Math.multiplyExact(4, hidden));
            return new DenseMlp(width, false, true);
          }
        case "mixtral":
          return new MoeMlp(
              f.requireInt("num_local_experts"),
              f.requireInt(TOP_K),
              f.requireInt(ConfigFields.FFN),
              0,
              true,
              false,
              false,
              false);
        case "gpt_oss":
          return new MoeMlp(
              f.requireInt("num_local_experts"),
              f.requireInt(TOP_K),
              f.requireInt(ConfigFields.FFN),
              0,
              true,
              true,
              true,
              false);
        case "qwen2_moe":
        case "qwen3_moe":
        case "qwen3_next":
          return qwenMoe(i);
        case "deepseek_v2":
        case "deepseek_v3":
          return deepseekMoe(i);
        case "jamba":
          return jambaMoe(i);
        case "llama4":
        case "llama4_text":
          return llama4Moe(i);
        default:
          return denseGated();
      }
    }

    private DenseMlp denseGated() {
      // LlamaMLP: gate, up and down projections with mlp_bias (default False)
      return new DenseMlp(f.requireInt(ConfigFields.FFN), true, f.bool("mlp_bias", false));
    }

    private Mlp qwenMoe(int i) {
      // Qwen2MoeDecoderLayer / Qwen3MoeDecoderLayer / Qwen3NextDecoderLayer: sparse when
      // layer_idx not in mlp_only_layers and num_experts > 0 and (layer_idx + 1) %
      // decoder_sparse_step == 0.
      Set<Integer> mlpOnly = new HashSet<>(f.intList(ConfigFields.Key.of("mlp_only_layers")));
      int experts = f.optNonNegativeInt(ConfigFields.Key.of("num_experts")).orElse(0);
      int step = f.requireInt("decoder_sparse_step");
      if (mlpOnly.contains(i) || experts == 0 || (i + 1) % step != 0) {
        return denseGated();
      }
      int shared = 0;
      if (!type.equals("qwen3_moe")) {
        // Qwen3MoeSparseMoeBlock has no shared expert.
        shared = f.requireInt("shared_expert_intermediate_size");
      }
      return new MoeMlp(
          experts,
          f.requireInt(TOP_K),
          f.requireInt("moe_intermediate_size"),
          shared,
          true,
          false,
          false,
          shared > 0);
    }

    private Mlp deepseekMoe(int i) {
      // DeepseekV3DecoderLayer: MoE when n_routed_experts is not None and layer_idx >=
      // first_k_dense_replace and layer_idx % moe_layer_freq == 0.
      OptionalInt routed = f.optInt("n_routed_experts");
      int firstDense = HfLayout.requireIndex(f, "first_k_dense_replace");
      int freq = f.requireInt("moe_layer_freq");
      if (routed.isEmpty() || i < firstDense || i % freq != 0) {
        return denseGated();
      }
      int width = f.requireInt("moe_intermediate_size");
      int sharedExperts = f.optNonNegativeInt(ConfigFields.Key.of("n_shared_experts")).orElse(0);
      // noaux_tc routing adds e_score_correction_bias to the gate.
      boolean routerBias = f.optString("topk_method").map(m -> m.equals("noaux_tc")).orElse(false);
      return new MoeMlp(
          routed.getAsInt(),
          f.requireInt(TOP_K),
          width,
          Math.multiplyExact(sharedExperts, width),
          true,
          false,
          routerBias,
          false);
    }

    private Mlp jambaMoe(int i) {
      // JambaConfig.layers_num_experts: num_experts if i % expert_layer_period ==
      // expert_layer_offset else 1; a layer with one expert is a plain JambaMLP.
      int experts = f.requireInt("num_experts");
      int period = f.requireInt("expert_layer_period");
      int offset = HfLayout.requireIndex(f, "expert_layer_offset");
      if (experts <= 1 || i % period != offset) {
        return denseGated();
      }
      return new MoeMlp(
          experts,
          f.requireInt(TOP_K),
          f.requireInt(ConfigFields.FFN),
          0,
          true,
          false,
          false,
          false);
    }

    private Mlp llama4Moe(int i) {
      // Llama4TextConfig.moe_layers: list(range(step - 1, num_hidden_layers, step)) with step =
      // interleave_moe_layer_step. Llama4TextMoe has a shared expert of intermediate_size; dense
      // layers use intermediate_size_mlp.
      List<Integer> listed = f.intList(ConfigFields.Key.of("moe_layers"));
      boolean moe;
      if (f.has("moe_layers")) {
        moe = listed.contains(i);
      } else {
        int step = f.requireInt("interleave_moe_layer_step");
        moe = (i + 1) % step == 0;
      }
      if (!moe) {
        return new DenseMlp(f.requireInt("intermediate_size_mlp"), true, false);
      }
      int width = f.requireInt(ConfigFields.FFN);
      return new MoeMlp(
          f.requireInt("num_local_experts"),
          f.requireInt(TOP_K),
          width,
          width,
          true,
          false,
          false,
          false);
    }

    private Mlp nemotronMlp() {
      // NemotronHMLP: up and down projections (relu²), bias mlp_bias
      return new DenseMlp(f.requireInt(ConfigFields.FFN), false, f.requireBool(MLP_BIAS));
    }

    private Mlp nemotronMoe() {
      // NemotronHMoE: non-gated experts, a DeepSeek-V3 top-k router with
      // e_score_correction_bias, one shared NemotronHMLP of moe_shared_expert_intermediate_size.
      if (f.has("moe_latent_size")) {
        throw f.error("'moe_latent_size' (latent MoE projections) is not representable");
      }
      return new MoeMlp(
          f.requireInt("n_routed_experts"),
          f.requireInt(TOP_K),
          f.requireInt("moe_intermediate_size"),
          f.requireInt("moe_shared_expert_intermediate_size"),
          false,
          f.requireBool(MLP_BIAS),
          true,
          false);
    }
  }

  private static final ConfigFields.Key TOP_K =
      ConfigFields.Key.of("num_experts_per_tok", "experts_per_token");
  private static final ConfigFields.Key MLP_BIAS = ConfigFields.Key.of("mlp_bias");
  static final ConfigFields.Key SSM_STATE =
      ConfigFields.Key.of("state_size", "d_state", "mamba_d_state", "ssm_state_size");
  static final ConfigFields.Key SSM_CONV = ConfigFields.Key.of("conv_kernel", "mamba_d_conv");
  static final ConfigFields.Key SSM_GROUPS = ConfigFields.Key.of("n_groups", "mamba_n_groups");

  /**
   * {@code max_position_embeddings} (or an alias), raised to {@code
   * original_max_position_embeddings · factor} of {@code rope_scaling} when that is larger; empty
   * for a pure SSM without one.
   */
  static OptionalLong contextLimit(ConfigFields f, boolean pureSsm) {
    OptionalLong max = f.optLong(ConfigFields.CONTEXT);
    if (max.isEmpty()) {
      if (pureSsm) {
        return OptionalLong.empty();
      }
      throw f.missing(ConfigFields.CONTEXT);
    }
    long limit = max.getAsLong();
    Optional<ConfigFields> rope = f.object("rope_scaling");
    if (rope.isEmpty()) {
      rope = f.object("rope_parameters");
    }
    if (rope.isPresent()) {
      OptionalLong original =
          rope.get().optLong(ConfigFields.Key.of("original_max_position_embeddings"));
      Optional<Double> factor = rope.get().optPositiveDouble("factor");
      if (original.isPresent() && factor.isPresent()) {
        double scaled = Math.floor(original.getAsLong() * factor.get());
        if (scaled >= Long.MAX_VALUE) {
          throw f.error("rope_scaling gives a context too large to hold: " + scaled);
        }
        limit = Math.max(limit, (long) scaled);
      }
    }
    return OptionalLong.of(limit);
  }
}
