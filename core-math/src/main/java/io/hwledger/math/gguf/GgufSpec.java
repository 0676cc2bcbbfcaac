package io.hwledger.math.gguf;

import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mixer;
import io.hwledger.api.Mlp;
import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.MoeMlp;
import io.hwledger.api.NoMlp;
import io.hwledger.api.NormKind;
import io.hwledger.api.Precision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Builds a {@link ModelSpec} from a GGUF header: sizes from the {@code {arch}.*} keys llama.cpp
 * reads, and per-layer details (biases, q/k norms, attention sinks, which layers are MoE) from the
 * tensors present, which is what llama.cpp itself loads.
 *
 * <p>Sliding windows follow llama.cpp's per-architecture patterns ({@code
 * llama_hparams::set_swa_pattern}): gemma2 and gpt-oss alternate local (even layers) and global,
 * gemma3 has every 6th layer global; an {@code attention.sliding_window_pattern} BOOL array, where
 * a file has one, overrides. llama.cpp runs phi3, llama, qwen2 and qwen3 files without a window (it
 * disables Phi-3's), so their specs have none.
 *
 * <p>Recurrent and hybrid architectures follow llama.cpp's layer rules ({@code
 * llama_model::load_hparams}, {@code recurrent_layer_arr}); their mixers come from {@link GgufSsm}:
 *
 * <ul>
 *   <li>{@code mamba}, {@code mamba2}: every layer a Mamba-1 / Mamba-2 mixer with one norm and no
 *       MLP.
 *   <li>{@code jamba}: a layer with {@code head_count_kv[i] == 0} is Mamba-1, others attention; the
 *       MLP is dense or MoE ({@code ffn_gate_inp}) as for other architectures.
 *   <li>{@code nemotron_h}: {@code head_count_kv[i] > 0} is attention, {@code
 *       feed_forward_length[i] > 0} an MLP-only block, both 0 a Mamba-2 block. Each block has one
 *       norm; an MLP block is folded into the mixer block before it (one {@link LayerSpec}, two
 *       norms), as {@code HfConfigReader} does, so the spec has fewer layers than {@code
 *       block_count}.
 *   <li>{@code qwen3next}: layer i is gated attention when {@code (i + 1) % full_attention_interval
 *       == 0}, else Gated DeltaNet.
 * </ul>
 */
final class GgufSpec {
  /** Architectures this class reads, with the norms per layer each has. */
  private static final Map<String, Integer> NORMS = new HashMap<>();

  static {
    for (String a :
        new String[] {"llama", "qwen2", "qwen2moe", "qwen3", "qwen3moe", "phi3", "deepseek2"}) {
      NORMS.put(a, 2);
    }
    NORMS.put("gpt-oss", 2);
    // input, post-attention, pre-feed-forward and post-feed-forward norms
    NORMS.put("gemma2", 4);
    NORMS.put("gemma3", 4);
    // Recurrent and hybrid: Mamba layers have one norm (attn_norm); Jamba and Qwen3-Next layers two
    // (attn_norm, ffn_norm / post_attention_norm); Nemotron-H one per block, two once folded.
    NORMS.put("mamba", 1);
    NORMS.put("mamba2", 1);
    NORMS.put("jamba", 2);
    NORMS.put("nemotron_h", 1);
    NORMS.put("qwen3next", 2);
  }

  /** llama.cpp's swa pattern per architecture: layer i is local unless (i + 1) % n == 0. */
  private static final Map<String, Integer> SWA_PATTERN =
      Map.of("gemma2", 2, "gemma3", 6, "gpt-oss", 2);

  /**
   * Architectures whose converter writes {@code context_length} 2^20 as a placeholder ({@code
   * MambaModel}, {@code Mamba2Model}: "arbitrary value"; {@code GraniteHybridModel}, which {@code
   * NemotronHModel} extends, when the model has no RoPE), not a trained limit.
   */
  private static final Set<String> PLACEHOLDER_CONTEXT = Set.of("mamba", "mamba2", "nemotron_h");

  private final GgufFile file;
  private final String arch;
  private final String p;
  private final Set<String> names;
  private final GgufSsm ssm;

  /** The blocks {@link #mixer} made attention layers, checked for their tensors at the end. */
  private final List<Integer> attentionBlocks = new ArrayList<>();

  private GgufSpec(GgufFile file, String arch) {
    this.file = file;
    this.arch = arch;
    this.p = arch + ".";
    this.ssm = new GgufSsm(this);
    this.names = new HashSet<>();
    for (GgufTensor t : file.tensors()) {
      names.add(t.name());
    }
  }

  static ModelSpec of(GgufFile file) {
    String arch =
        file.architecture()
            .orElseThrow(
                () -> new ModelConfigException(file.source() + ": missing 'general.architecture'"));
    if (!NORMS.containsKey(arch)) {
      throw new ModelConfigException(
          file.source()
              + ": unsupported architecture '"
              + GgufInput.printable(arch)
              + "' (supported: "
              + String.join(", ", new java.util.TreeSet<>(NORMS.keySet()))
              + ")");
    }
    try {
      return new GgufSpec(file, arch).spec();
    } catch (ModelConfigException e) {
      throw e;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new ModelConfigException(file.source() + ": " + e.getMessage(), e);
    }
  }

  private ModelSpec spec() {
    int layers = positive("block_count");
    if (layers > ModelSpec.MAX_LAYERS) {
      throw error(
          "'"
              + p
              + "block_count' is "
              + layers
              + ", more than the limit of "
              + ModelSpec.MAX_LAYERS
              + " layers");
    }
    int hidden = positive("embedding_length");
    List<LayerSpec> out = layers(layers, hidden);
    for (int block : attentionBlocks) {
      requireAttentionTensors(block);
    }
    OptionalLong context = file.integer(p + "context_length");
    if (context.isPresent() && context.getAsLong() <= 0) {
      throw error("'" + p + "context_length' is " + context.getAsLong() + ", not positive");
    }
    if (PLACEHOLDER_CONTEXT.contains(arch) && context.equals(OptionalLong.of(1L << 20))) {
      context = OptionalLong.empty();
    }
    return new ModelSpec(
        file.string("general.name").orElse(file.source()),
        vocab(),
        hidden,
        !names.contains("output.weight"),
        NormKind.RMS_NORM,
        out,
        context,
        precision());
  }

  // ---- layer layout ----

  private List<LayerSpec> layers(int layers, int hidden) {
    int norms = NORMS.get(arch);
    List<LayerSpec> out = new ArrayList<>(layers);
    if (arch.equals("mamba") || arch.equals("mamba2")) {
      for (int i = 0; i < layers; i++) {
        Mixer m = arch.equals("mamba") ? ssm.mamba1(i) : ssm.mamba2(i);
        out.add(new LayerSpec(m, NoMlp.INSTANCE, norms));
      }
      return out;
    }
    int[] heads = perLayer("attention.head_count", layers, Optional.empty());
    int[] kvHeads = perLayer("attention.head_count_kv", layers, Optional.of(heads));
    if (arch.equals("nemotron_h")) {
      return nemotronLayers(layers, hidden, heads, kvHeads);
    }
    int interval = arch.equals("qwen3next") ? positive("full_attention_interval") : 0;
    for (int i = 0; i < layers; i++) {
      Mixer m;
      if (arch.equals("jamba") && kvHeads[i] == 0) {
        // llama.cpp (LLM_ARCH_JAMBA): recurrent_layer_arr[i] = n_head_kv(i) == 0
        m = ssm.mamba1(i);
      } else if (interval > 0 && (i + 1) % interval != 0) {
        // llama.cpp (LLM_ARCH_QWEN3NEXT): recurrent_layer_arr[i] = (i + 1) % full_attn_interval
        m = ssm.deltaNet();
      } else {
        m = mixer(i, hidden, heads[i], kvHeads[i]);
      }
      out.add(new LayerSpec(m, mlp(i, layers), norms));
    }
    return out;
  }

  /**
   * Nemotron-H blocks: llama.cpp (LLM_ARCH_NEMOTRON_H) makes a block recurrent when {@code
   * n_head_kv(i) == 0 && n_ff(i) == 0}; an MLP block ({@code n_ff(i) > 0}) holds {@code ffn_up} and
   * {@code ffn_down} (ReLU², not gated) and joins the block before it.
   */
  private List<LayerSpec> nemotronLayers(int layers, int hidden, int[] heads, int[] kvHeads) {
    int[] ffn = perLayer("feed_forward_length", layers, Optional.empty());
    List<LayerSpec> out = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      String blk = "blk." + i + ".";
      if (kvHeads[i] > 0) {
        out.add(new LayerSpec(mixer(i, hidden, heads[i], kvHeads[i]), NoMlp.INSTANCE, 1));
      } else if (ffn[i] == 0) {
        out.add(new LayerSpec(ssm.mamba2(i), NoMlp.INSTANCE, 1));
      } else {
        int last = out.size() - 1;
        if (last < 0 || !(out.get(last).mlp() instanceof NoMlp)) {
          throw error(
              "block "
                  + i
                  + " is an MLP without a mixer block before it, which a LayerSpec cannot hold");
        }
        boolean bias = has(blk + "ffn_up.bias") || has(blk + "ffn_down.bias");
        Mlp mlp = new DenseMlp(ffn[i], has(blk + "ffn_gate.weight"), bias);
        out.set(last, new LayerSpec(out.get(last).mixer(), mlp, 2));
      }
    }
    return out;
  }

  // ---- attention ----

  private Mixer mixer(int i, int hidden, int heads, int kvHeads) {
    if (heads <= 0 || kvHeads <= 0) {
      throw error(
          "layer "
              + i
              + " has "
              + heads
              + " query and "
              + kvHeads
              + " KV heads: a layer without attention, which architecture '"
              + arch
              + "' does not have");
    }
    attentionBlocks.add(i);
    if (arch.equals("deepseek2")) {
      return latent(heads);
    }
    int keyLength = optInt("attention.key_length").orElseGet(() -> divide(hidden, heads));
    int valueLength = optInt("attention.value_length").orElse(keyLength);
    String blk = "blk." + i + ".";
    boolean qkvBias = names.contains(blk + "attn_q.bias") || names.contains(blk + "attn_qkv.bias");
    boolean outputBias = names.contains(blk + "attn_output.bias");
    boolean qkNorm = names.contains(blk + "attn_q_norm.weight");
    boolean sinks = names.contains(blk + "attn_sinks.weight");
    // Qwen3-Next's attn_q holds the query and its sigmoid output gate (llama.cpp's qwen3next graph
    // always splits and applies it).
    boolean gate = arch.equals("qwen3next");
    OptionalLong window = window(i);
    return new Attention(
        heads, kvHeads, keyLength, valueLength, window, qkvBias, outputBias, qkNorm, gate, sinks);
  }

  /**
   * An attention layer must have the projections llama.cpp loads for it ({@code llm_build_*}/{@code
   * llama_model::load_tensors}): the output projection, and queries, keys and values as {@code
   * attn_q}, {@code attn_k}, {@code attn_v}, fused as {@code attn_qkv}, or for DeepSeek's latent
   * attention as {@code attn_q} or {@code attn_q_a} with {@code attn_kv_a_mqa}. Without them the
   * file would be planned with a layer whose weights it does not hold.
   */
  private void requireAttentionTensors(int i) {
    String blk = "blk." + i + ".";
    List<String> missing = new ArrayList<>();
    if (arch.equals("deepseek2")) {
      if (!has(blk + "attn_q.weight") && !has(blk + "attn_q_a.weight")) {
        missing.add(blk + "attn_q.weight or " + blk + "attn_q_a.weight");
      }
      missingOf(missing, blk, "attn_kv_a_mqa.weight");
    } else if (!has(blk + "attn_qkv.weight")) {
      missingOf(missing, blk, "attn_q.weight", "attn_k.weight", "attn_v.weight");
    }
    missingOf(missing, blk, "attn_output.weight");
    if (!missing.isEmpty()) {
      throw error(
          "attention layer " + i + " lacks its attention tensors: " + String.join(", ", missing));
    }
  }

  private void missingOf(List<String> missing, String blk, String... tensors) {
    for (String t : tensors) {
      if (!has(blk + t)) {
        missing.add(blk + t);
      }
    }
  }

  private OptionalLong window(int i) {
    OptionalLong size = file.integer(p + "attention.sliding_window");
    if (size.isEmpty() || size.getAsLong() == 0) {
      return OptionalLong.empty();
    }
    if (size.getAsLong() < 0) {
      throw error("'" + p + "attention.sliding_window' is " + size.getAsLong());
    }
    Optional<GgufArray> pattern = file.array(p + "attention.sliding_window_pattern");
    boolean local;
    if (pattern.isPresent() && pattern.get().elementType() == GgufType.BOOL) {
      if (pattern.get().size() <= i) {
        throw error("'" + p + "attention.sliding_window_pattern' has no entry for layer " + i);
      }
      local = pattern.get().getBoolean(i);
    } else if (SWA_PATTERN.containsKey(arch)) {
      local = (i + 1) % SWA_PATTERN.get(arch) != 0;
    } else {
      local = false;
    }
    return local ? size : OptionalLong.empty();
  }

  private Mixer latent(int heads) {
    // DeepSeek-V2/V3: files converted for MLA (llama.cpp 2025-04 on) hold the latent cache sizes in
    // key_length/value_length and the per-head sizes in key_length_mla/value_length_mla.
    int rope = positive("rope.dimension_count");
    OptionalLong mlaKey = file.integer(p + "attention.key_length_mla");
    int key =
        mlaKey.isPresent()
            ? positive("attention.key_length_mla")
            : positive("attention.key_length");
    int value =
        file.integer(p + "attention.value_length_mla").isPresent()
            ? positive("attention.value_length_mla")
            : positive("attention.value_length");
    if (key < rope) {
      throw error("key length " + key + " is shorter than the rope dimension " + rope);
    }
    return new LatentAttention(
        heads,
        optInt("attention.q_lora_rank").orElse(0),
        positive("attention.kv_lora_rank"),
        key - rope,
        rope,
        value);
  }

  // ---- feed-forward ----

  private Mlp mlp(int i, int layers) {
    String blk = "blk." + i + ".";
    if (!names.contains(blk + "ffn_gate_inp.weight")) {
      int[] ffn = perLayer("feed_forward_length", layers, Optional.empty());
      boolean bias = names.contains(blk + "ffn_up.bias") || names.contains(blk + "ffn_down.bias");
      return new DenseMlp(ffn[i], true, bias);
    }
    int experts = positive("expert_count");
    int topK = positive("expert_used_count");
    int width;
    if (file.integer(p + "expert_feed_forward_length").isPresent()) {
      width = positive("expert_feed_forward_length");
    } else {
      // Mixtral-style llama files: experts are feed_forward_length wide.
      width = perLayer("feed_forward_length", layers, Optional.empty())[i];
    }
    Optional<GgufTensor> sharedUp = file.tensor(blk + "ffn_up_shexp.weight");
    // The shared experts' up projection is [hidden, total shared width]: exact for DeepSeek's
    // n_shared_experts × width and Qwen's one shared expert alike.
    int shared = sharedUp.isPresent() ? Math.toIntExact(sharedUp.get().rows()) : 0;
    boolean expertBias = names.contains(blk + "ffn_up_exps.bias");
    boolean routerBias =
        names.contains(blk + "ffn_gate_inp.bias") || names.contains(blk + "exp_probs_b.bias");
    boolean sharedGate = names.contains(blk + "ffn_gate_inp_shexp.weight");
    return new MoeMlp(experts, topK, width, shared, true, expertBias, routerBias, sharedGate);
  }

  // ---- vocabulary and precision ----

  private int vocab() {
    Optional<GgufTensor> embd = file.tensor("token_embd.weight");
    if (embd.isPresent() && embd.get().rank() == 2) {
      return Math.toIntExact(embd.get().dim(1));
    }
    Optional<GgufArray> tokens = file.array("tokenizer.ggml.tokens");
    if (tokens.isPresent() && tokens.get().size() > 0) {
      return tokens.get().size();
    }
    OptionalLong size = file.integer(p + "vocab_size");
    if (size.isPresent()) {
      return positive("vocab_size");
    }
    throw error(
        "no vocabulary size: no 2-D 'token_embd.weight', 'tokenizer.ggml.tokens' or '"
            + p
            + "vocab_size'");
  }

  /**
   * Weights: the type holding most bytes among the layers' 2-D dense projections; experts: the same
   * among expert tensors; unquantised parts: the type of the layers' 1-D tensors (norms, biases:
   * F32 in llama.cpp files); KV cache f16 (llama.cpp's default {@code --cache-type-k/v}); state
   * f32.
   */
  private Precision precision() {
    Map<DType, Long> dense = new HashMap<>();
    Map<DType, Long> expert = new HashMap<>();
    Map<DType, Long> vectors = new HashMap<>();
    for (GgufTensor t : file.tensors()) {
      if (GgufWeights.layerIndex(t.name()) < 0) {
        continue;
      }
      Map<DType, Long> bucket =
          t.rank() == 1 ? vectors : t.name().contains("_exps.") ? expert : dense;
      bucket.merge(t.type(), t.bytes(), Long::sum);
    }
    DType weights = dominant(dense).or(() -> dominant(expert)).orElse(DType.FP16);
    DType experts = dominant(expert).orElse(weights);
    DType unquantized = dominant(vectors).orElse(weights.isQuantized() ? DType.FP32 : weights);
    return new Precision(weights, experts, unquantized, DType.FP16, DType.FP16, DType.FP32);
  }

  private static Optional<DType> dominant(Map<DType, Long> bytes) {
    return bytes.entrySet().stream()
        .max(Map.Entry.<DType, Long>comparingByValue().thenComparing(e -> e.getKey().name()))
        .map(Map.Entry::getKey);
  }

  // ---- keys ----

  /**
   * A per-layer integer: a scalar for every layer, or an array with one entry per layer ({@code
   * head_count_kv} and {@code feed_forward_length} of OpenELM, Nemotron-NAS and hybrids).
   */
  private int[] perLayer(String key, int layers, Optional<int[]> fallback) {
    String full = p + key;
    Object v = file.metadata().get(full);
    int[] out = new int[layers];
    if (v == null) {
      if (fallback.isPresent()) {
        return fallback.get();
      }
      throw error("missing '" + full + "'");
    }
    if (v instanceof GgufArray a) {
      if (a.size() != layers) {
        throw error(
            "'" + full + "' has " + a.size() + " entries but the model has " + layers + " layers");
      }
      for (int i = 0; i < layers; i++) {
        out[i] = toInt(full + "[" + i + "]", integerElement(a, i, full), true);
      }
      return out;
    }
    int value = toInt(full, integer(full), false);
    java.util.Arrays.fill(out, value);
    return out;
  }

  private long integerElement(GgufArray a, int i, String key) {
    try {
      return a.getLong(i);
    } catch (IllegalStateException e) {
      throw error("'" + key + "' must be an integer array, was " + a.elementType());
    }
  }

  private long integer(String full) {
    OptionalLong v = file.integer(full);
    if (v.isEmpty()) {
      throw file.metadata().containsKey(full)
          ? error("'" + full + "' must be an integer, was " + file.type(full).orElseThrow())
          : error("missing '" + full + "'");
    }
    return v.getAsLong();
  }

  /** The metadata key {@code {arch}.key}. */
  String full(String key) {
    return p + key;
  }

  /** Whether the file has a tensor of this name. */
  boolean has(String tensor) {
    return names.contains(tensor);
  }

  /** {@code {arch}.key} as a positive int, or an error naming it. */
  int positive(String key) {
    return toInt(p + key, integer(p + key), false);
  }

  private OptionalInt optInt(String key) {
    if (!file.metadata().containsKey(p + key)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(toInt(p + key, integer(p + key), true));
  }

  private int toInt(String key, long v, boolean zeroAllowed) {
    if (v < (zeroAllowed ? 0 : 1) || v > Integer.MAX_VALUE) {
      throw error(
          "'"
              + key
              + "' is "
              + v
              + ", not a "
              + (zeroAllowed ? "non-negative" : "positive")
              + " int");
    }
    return (int) v;
  }

  private int divide(int hidden, int heads) {
    if (hidden % heads != 0) {
      throw error(
          "missing '"
              + p
              + "attention.key_length' and embedding_length "
              + hidden
              + " is not a multiple of "
              + heads
              + " heads");
    }
    return hidden / heads;
  }

  /** An error about this file. */
  ModelConfigException error(String message) {
    return new ModelConfigException(file.source() + ": " + message);
  }
}
