package io.hwledger.math;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.MoeMlp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The tensor types a llama.cpp file type gives a model, and so the bytes of the GGUF {@code
 * llama-quantize} would write, planned from the model's structure before any file exists.
 *
 * <p>The rules follow {@code llama_tensor_get_type} and {@code tensor_type_fallback} in {@code
 * src/llama-quant.cpp} of llama.cpp at commit {@code 007dbbf3fd17eefe9b47fee45f48f7ba5e62b714} (see
 * {@code docs/adr/0018-llama-cpp-file-types.md}):
 *
 * <ul>
 *   <li>Tensors llama.cpp does not quantise (norms, biases, the MoE router {@code ffn_gate_inp},
 *       SSM vectors and convolutions) stay as {@code convert_hf_to_gguf.py} writes them: F32.
 *   <li>The output head (and a tied token embedding, which is the head) is Q6_K, except: Q8_0 for
 *       Q8_0 and MXFP4_MOE files, for Falcon, and whenever the hidden size is not a multiple of the
 *       default type's block; Q5_K for IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ2_M and IQ3_XXS.
 *   <li>An untied token embedding keeps the default type, except Q2_K for IQ1/IQ2_XXS/XS, IQ3_S for
 *       IQ2_S/M and IQ3_XXS, Q4_K for the ternary types.
 *   <li>{@code attn_v} (and fused {@code attn_qkv}, MLA's {@code attn_kv_b}), {@code attn_k},
 *       {@code attn_q}, {@code attn_output}, {@code ffn_down}, {@code ffn_gate} and {@code ffn_up}
 *       (experts and shared experts included) are raised per file type, by layer ({@code
 *       use_more_bits}: the first and last eighth and every third layer between), by grouped-query
 *       ratio ({@code n_gqa ≥ 4}), by expert count (8 experts, or at least 4), and for Llama-family
 *       70B models ({@code LLM_TYPE_70B}).
 *   <li>A tensor whose rows are not a multiple of the chosen type's block falls back (Q4_K → Q5_0,
 *       Q5_K → Q5_1, Q6_K → Q8_0, IQ types → IQ4_NL, Q2_K/Q3_K/TQ → Q4_0; F16 when still not).
 * </ul>
 *
 * <p>Tensor names and shapes are the planner's ({@link MixerKind}, {@link MlpKind}), named as
 * llama.cpp's converter names them; architectures that store q, k and v as one {@code attn_qkv}
 * (Falcon, Phi-3, GPT-NeoX, BLOOM, MPT, GPT-BigCode) are fused here too. Block sizes are {@link
 * DType}'s; tensors these rules do not look at are named {@code other0}, {@code other1}, ... per
 * layer, and a layer's norms are one entry, {@code norms}. Bytes are tensor data only: the file
 * adds its header, metadata (the tokenizer, mostly) and up to 31 bytes of alignment padding per
 * tensor.
 */
public final class LlamaCppQuantization {

  /** Model types llama.cpp converts with one fused {@code attn_qkv} tensor per layer. */
  private static final Set<String> FUSED_QKV =
      Set.of("falcon", "phi3", "gpt_neox", "bloom", "mpt", "gpt_bigcode", "gpt2");

  /** Model types llama.cpp loads as {@code LLM_ARCH_LLAMA} (convert_hf_to_gguf.py LlamaModel). */
  private static final Set<String> LLAMA_ARCH = Set.of("llama", "mistral", "mixtral");

  private static final DType F32 = DType.FP32;
  private static final DType F16 = DType.FP16;
  private static final DType Q4_0 = DType.parse("q4_0");
  private static final DType Q4_1 = DType.parse("q4_1");
  private static final DType Q5_0 = DType.parse("q5_0");
  private static final DType Q5_1 = DType.parse("q5_1");
  private static final DType Q8_0 = DType.parse("q8_0");
  private static final DType Q2_K = DType.parse("q2_k");
  private static final DType Q3_K = DType.parse("q3_k");
  private static final DType Q4_K = DType.parse("q4_k");
  private static final DType Q5_K = DType.parse("q5_k");
  private static final DType Q6_K = DType.parse("q6_k");
  private static final DType IQ2_S = DType.parse("iq2_s");
  private static final DType IQ2_XXS = DType.parse("iq2_xxs");
  private static final DType IQ3_XXS = DType.parse("iq3_xxs");
  private static final DType IQ3_S = DType.parse("iq3_s");
  private static final DType IQ4_NL = DType.parse("iq4_nl");

  /**
   * One tensor of the planned file.
   *
   * @param name the GGUF tensor name, e.g. {@code blk.0.attn_v.weight}
   * @param count experts stacked in it (its third dimension); 1 for a matrix or vector
   * @param rows rows of one expert ({@code ne[1]})
   * @param columns elements per row ({@code ne[0]}), along which blocks run
   * @param type the ggml type llama.cpp gives it
   * @param bytes its data bytes, {@code count · rows · ceil(columns / block) · block bytes}
   */
  public record Tensor(String name, long count, long rows, long columns, DType type, long bytes) {

    /**
     * Checks the arguments.
     *
     * @param name the GGUF tensor name
     * @param count experts stacked in it
     * @param rows rows of one expert
     * @param columns elements per row
     * @param type the ggml type
     * @param bytes data bytes
     */
    public Tensor {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }
  }

  /** A tensor of the model before a type is chosen: layer -1 outside the decoder layers. */
  private record Planned(int layer, String name, WeightTensor tensor, boolean quantisable) {}

  private final ModelSpec model;
  private final boolean falcon;
  private final boolean llama70b;
  private final int experts;
  private final long gqa;
  private final List<Planned> planned;

  private LlamaCppQuantization(ModelSpec model, String architecture) {
    this.model = model;
    String arch = architecture.trim().toLowerCase(Locale.ROOT);
    this.falcon = arch.equals("falcon");
    int moeExperts = 0;
    for (LayerSpec layer : model.layers()) {
      if (layer.mlp() instanceof MoeMlp moe) {
        moeExperts = Math.max(moeExperts, moe.experts());
      }
    }
    this.experts = moeExperts;
    // llama_hparams::n_gqa() of layer 0: heads / KV heads, 0 where layer 0 has no KV heads
    LayerSpec first = model.layers().get(0);
    if (first.mixer() instanceof Attention a && a.kvHeads() > 0) {
      this.gqa = a.queryHeads() / a.kvHeads();
    } else {
      this.gqa = first.mixer() instanceof io.hwledger.api.LatentAttention ? 1 : 0;
    }
    boolean gqaLayer0 = gqa > 1;
    // llama_model_llama / llama_model_qwen2 load_arch_hparams: 80 layers is LLM_TYPE_70B (Llama
    // only with grouped-query attention and without experts: Mixtral's sizes are 8x7B, 8x22B)
    this.llama70b =
        model.layerCount() == 80
            && ((LLAMA_ARCH.contains(arch) && gqaLayer0 && moeExperts <= 1)
                || arch.equals("qwen2"));
    this.planned = plan(model, FUSED_QKV.contains(arch));
  }

  /**
   * Plans the GGUF tensors of {@code model} as llama.cpp converts an architecture.
   *
   * @param model the model's layers and sizes
   * @param architecture the checkpoint's {@code model_type} ({@code llama}, {@code qwen2}, {@code
   *     falcon}, {@code phi3}, ...), which decides fused tensors and the few rules that name an
   *     architecture; an empty string plans separate q, k and v tensors and no such rule
   * @return the planned tensors, ready to be given a file type
   * @throws IllegalArgumentException if the model's sizes overflow a {@code long}
   */
  public static LlamaCppQuantization of(ModelSpec model, String architecture) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(architecture, "architecture");
    try {
      return new LlamaCppQuantization(model, architecture);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("model '" + model.name() + "' is too large to count", e);
    }
  }

  /**
   * The architecture a Hugging Face config names: its {@code model_type}, the decoder's ({@code
   * text_config.model_type}) when nested.
   *
   * @param config a parsed {@code config.json}
   * @return the model type in lower case, or an empty string when the config names none
   */
  public static String architecture(JsonNode config) {
    Objects.requireNonNull(config, "config");
    JsonNode text = config.get("text_config");
    JsonNode type = text != null && text.isObject() ? text.get("model_type") : null;
    if (type == null || !type.isTextual()) {
      type = config.get("model_type");
    }
    return type != null && type.isTextual() ? type.asText().toLowerCase(Locale.ROOT) : "";
  }

  /**
   * The architecture of the {@code config.json} at {@code file}, as {@link
   * #architecture(JsonNode)}.
   *
   * @param file a Hugging Face config file
   * @return the model type in lower case, or an empty string when the config names none
   * @throws io.hwledger.api.ModelConfigException if the file cannot be read as a JSON object
   */
  public static String architecture(Path file) {
    Objects.requireNonNull(file, "file");
    return architecture(StrictJson.readObject(file, HfConfigReader.MAX_CONFIG_BYTES, "config"));
  }

  private static List<Planned> plan(ModelSpec model, boolean fusedQkv) {
    int hidden = model.hiddenSize();
    List<Planned> out = new ArrayList<>();
    WeightTensor table =
        WeightTensor.of(
            model.vocabSize(), hidden, WeightTensor.Role.UNQUANTIZED, WeightTensor.Split.ROWS);
    out.add(new Planned(-1, "token_embd.weight", table, true));
    if (!model.tiedEmbeddings()) {
      out.add(new Planned(-1, "output.weight", table, true));
    }
    out.add(
        new Planned(
            -1,
            "output_norm.weight",
            WeightTensor.of(
                model.norm().parametersPerElement(),
                hidden,
                WeightTensor.Role.UNQUANTIZED,
                WeightTensor.Split.NONE),
            false));
    Map<LayerSpec, LayerKind> kinds = new HashMap<>();
    for (int i = 0; i < model.layerCount(); i++) {
      LayerSpec spec = model.layers().get(i);
      LayerKind kind = kinds.computeIfAbsent(spec, s -> new LayerKind(s, hidden, model.norm()));
      List<WeightTensor> tensors = fusedQkv ? fuseQkv(kind.tensors) : kind.tensors;
      int unnamed = 0;
      for (WeightTensor t : tensors) {
        boolean quantisable =
            t.role() != WeightTensor.Role.UNQUANTIZED && !t.name().equals("ffn_gate_inp");
        String base = t.name().isEmpty() ? "other" + unnamed++ : t.name();
        out.add(new Planned(i, "blk." + i + "." + base + ".weight", t, quantisable));
      }
    }
    return List.copyOf(out);
  }

  /** Replaces {@code attn_q}, {@code attn_k} and {@code attn_v} by one {@code attn_qkv}. */
  private static List<WeightTensor> fuseQkv(List<WeightTensor> tensors) {
    List<WeightTensor> out = new ArrayList<>();
    WeightTensor fused = null;
    for (WeightTensor t : tensors) {
      boolean part =
          t.name().equals("attn_q") || t.name().equals("attn_k") || t.name().equals("attn_v");
      if (!part) {
        out.add(t);
      } else if (fused == null) {
        fused = t.named("attn_qkv");
        out.add(fused);
      } else {
        int at = out.indexOf(fused);
        fused =
            WeightTensor.of(fused.rows() + t.rows(), t.columns(), t.role(), WeightTensor.Split.ROWS)
                .named("attn_qkv");
        out.set(at, fused);
      }
    }
    return out;
  }

  /**
   * Every tensor of the file {@code llama-quantize} would write for {@code type}, in llama.cpp's
   * order (by layer), with the type it chooses.
   *
   * @param type the file type
   * @param imatrix whether the quantisation uses an importance matrix, which changes a few choices
   *     (Q4_0, Q5_0, IQ3_XXS, IQ4_NL, IQ4_XS)
   * @return the tensors
   * @throws IllegalArgumentException for {@link LlamaCppFileType#NVFP4}, {@link
   *     LlamaCppFileType#Q1_0} and {@link LlamaCppFileType#Q2_0}, which have no block size here
   */
  public List<Tensor> tensors(LlamaCppFileType type, boolean imatrix) {
    Objects.requireNonNull(type, "type");
    DType defaultType =
        type.defaultType()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "llama.cpp file type " + type + " cannot be planned: no block size"));
    Choice state = new Choice(type, defaultType, imatrix);
    List<Tensor> out = new ArrayList<>(planned.size());
    for (Planned p : planned) {
      DType chosen = p.quantisable ? state.choose(p) : F32;
      WeightTensor t = p.tensor;
      long bytes = Math.multiplyExact(t.count(), chosen.bytes(t.rows(), t.columns()));
      out.add(new Tensor(p.name, t.count(), t.rows(), t.columns(), chosen, bytes));
    }
    return out;
  }

  /**
   * The weight bytes of the file {@code llama-quantize} would write for {@code type}, as a planner
   * takes a checkpoint's ({@link Planner#of(ModelSpec, CheckpointWeights)}).
   *
   * @param type the file type
   * @param imatrix whether the quantisation uses an importance matrix
   * @return tensor data bytes: embedding, output head (0 when tied), final norm, and each layer
   * @throws IllegalArgumentException as {@link #tensors}
   */
  public CheckpointWeights weights(LlamaCppFileType type, boolean imatrix) {
    List<Tensor> tensors = tensors(type, imatrix);
    long parameters = 0;
    long embedding = 0;
    long output = 0;
    long other = 0;
    long[] layers = new long[model.layerCount()];
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = tensors.get(i);
      int layer = planned.get(i).layer;
      parameters =
          Math.addExact(
              parameters, Math.multiplyExact(t.count(), Math.multiplyExact(t.rows(), t.columns())));
      if (layer >= 0) {
        layers[layer] = Math.addExact(layers[layer], t.bytes());
      } else if (t.name().equals("token_embd.weight")) {
        embedding = t.bytes();
      } else if (t.name().equals("output.weight")) {
        output = t.bytes();
      } else {
        other = Math.addExact(other, t.bytes());
      }
    }
    List<Long> layerBytes = new ArrayList<>(layers.length);
    for (long b : layers) {
      layerBytes.add(b);
    }
    return new CheckpointWeights(
        "llama.cpp " + type + (imatrix ? " (imatrix)" : ""),
        parameters,
        embedding,
        output,
        other,
        layerBytes);
  }

  /**
   * As {@link #weights(LlamaCppFileType, boolean)}, with an importance matrix exactly where
   * llama.cpp requires one ({@link LlamaCppFileType#requiresImatrix()}).
   *
   * @param type the file type
   * @return tensor data bytes
   * @throws IllegalArgumentException as {@link #tensors}
   */
  public CheckpointWeights weights(LlamaCppFileType type) {
    return weights(type, type.requiresImatrix());
  }

  /** llama.cpp's tensor categories ({@code tensor_get_category}). */
  private enum Category {
    TOKEN_EMBD,
    ATTENTION_Q,
    ATTENTION_V,
    ATTENTION_K,
    ATTENTION_QKV,
    ATTENTION_KV_B,
    ATTENTION_OUTPUT,
    FFN_UP,
    FFN_GATE,
    FFN_DOWN,
    OUTPUT,
    OTHER;

    static Category of(String name) {
      if (name.equals("output.weight")) {
        return OUTPUT;
      }
      if (name.equals("token_embd.weight")) {
        return TOKEN_EMBD;
      }
      if (name.contains("attn_qkv.weight")) {
        return ATTENTION_QKV;
      }
      if (name.contains("attn_kv_b.weight")) {
        return ATTENTION_KV_B;
      }
      if (name.contains("attn_v.weight")) {
        return ATTENTION_V;
      }
      if (name.contains("attn_k.weight")) {
        return ATTENTION_K;
      }
      if (name.contains("attn_q.weight")) {
        return ATTENTION_Q;
      }
      if (name.contains("attn_output.weight")) {
        return ATTENTION_OUTPUT;
      }
      if (name.contains("ffn_up")) {
        return FFN_UP;
      }
      if (name.contains("ffn_gate")) {
        return FFN_GATE;
      }
      if (name.contains("ffn_down")) {
        return FFN_DOWN;
      }
      return OTHER;
    }

    boolean attnV() {
      return this == ATTENTION_V || this == ATTENTION_QKV || this == ATTENTION_KV_B;
    }
  }

  /** One pass of {@code llama_tensor_get_type} over the tensors, with its counters. */
  private final class Choice {
    private final LlamaCppFileType ftype;
    private final DType defaultType;
    private final boolean imatrix;
    private final boolean tied;
    private final int nAttentionWv;
    private final int nLayer;
    private int iAttentionWv;
    private int iFfnDown;
    private int iFfnGate;
    private int iFfnUp;

    Choice(LlamaCppFileType ftype, DType defaultType, boolean imatrix) {
      this.ftype = ftype;
      this.defaultType = defaultType;
      this.imatrix = imatrix;
      boolean output = false;
      int wv = 0;
      for (Planned p : planned) {
        Category c = Category.of(p.name);
        output |= c == Category.OUTPUT;
        if (c.attnV()) {
          wv++;
        }
      }
      this.tied = !output;
      this.nAttentionWv = wv;
      this.nLayer = model.layerCount();
    }

    DType choose(Planned p) {
      if (!defaultType.isQuantized() || defaultType.ggmlType().isEmpty()) {
        return defaultType;
      }
      Category category = Category.of(p.name);
      DType chosen = impl(p, category);
      return fallback(p.tensor.columns(), chosen);
    }

    private boolean is(LlamaCppFileType... types) {
      for (LlamaCppFileType t : types) {
        if (ftype == t) {
          return true;
        }
      }
      return false;
    }

    /** The layer a tensor counts as: its name's for MoE models, else the running counter. */
    private int layer(Planned p, int counter) {
      return experts > 1 ? p.layer : counter;
    }

    private DType impl(Planned p, Category category) {
      DType t = defaultType;
      LlamaCppFileType f = ftype;
      if (category == Category.OUTPUT || (tied && category == Category.TOKEN_EMBD)) {
        long nx = p.tensor.columns();
        if (f == LlamaCppFileType.MXFP4_MOE) {
          t = Q8_0;
        } else if (falcon || nx % defaultType.blockElements() != 0) {
          t = Q8_0;
        } else if (is(
            LlamaCppFileType.IQ2_XXS,
            LlamaCppFileType.IQ2_XS,
            LlamaCppFileType.IQ3_XXS,
            LlamaCppFileType.IQ1_S,
            LlamaCppFileType.IQ2_S,
            LlamaCppFileType.IQ2_M,
            LlamaCppFileType.IQ1_M)) {
          t = Q5_K;
        } else if (!t.equals(Q8_0)) {
          t = Q6_K;
        }
      } else if (f == LlamaCppFileType.MXFP4_MOE) {
        t = p.tensor.count() > 1 ? DType.MXFP4 : Q8_0;
      } else if (category == Category.TOKEN_EMBD) {
        if (is(
            LlamaCppFileType.IQ2_XXS,
            LlamaCppFileType.IQ2_XS,
            LlamaCppFileType.IQ1_S,
            LlamaCppFileType.IQ1_M)) {
          t = Q2_K;
        } else if (is(LlamaCppFileType.IQ2_S, LlamaCppFileType.IQ2_M, LlamaCppFileType.IQ3_XXS)) {
          t = IQ3_S;
        } else if (is(LlamaCppFileType.TQ1_0, LlamaCppFileType.TQ2_0)) {
          t = Q4_K;
        }
      } else if (is(
          LlamaCppFileType.IQ2_XXS,
          LlamaCppFileType.IQ2_XS,
          LlamaCppFileType.IQ1_S,
          LlamaCppFileType.IQ2_S,
          LlamaCppFileType.IQ2_M,
          LlamaCppFileType.IQ1_M)) {
        boolean iq2sm = is(LlamaCppFileType.IQ2_S, LlamaCppFileType.IQ2_M);
        if (category.attnV()) {
          t = gqa >= 4 || experts >= 4 ? Q4_K : iq2sm ? IQ3_S : Q2_K;
          iAttentionWv++;
        } else if (experts == 8 && category == Category.ATTENTION_K) {
          t = Q4_K;
        } else if (category == Category.FFN_DOWN) {
          if (iFfnDown < nLayer / 8) {
            t = iq2sm ? IQ3_S : Q2_K;
          }
          iFfnDown++;
        } else if (category == Category.ATTENTION_OUTPUT) {
          if (experts == 8) {
            t = Q5_K;
          } else if (is(LlamaCppFileType.IQ1_S, LlamaCppFileType.IQ1_M)) {
            t = IQ2_XXS;
          } else if (iq2sm) {
            t = IQ3_S;
          }
        }
      } else if (category.attnV()) {
        t = attnV(t);
        iAttentionWv++;
      } else if (category == Category.ATTENTION_K) {
        if (experts == 8) {
          t = Q8_0;
        } else if (f == LlamaCppFileType.IQ3_XS) {
          t = IQ3_XXS;
        } else if (f == LlamaCppFileType.IQ3_XXS) {
          t = IQ2_S;
        }
      } else if (category == Category.ATTENTION_Q) {
        if (f == LlamaCppFileType.IQ3_XS) {
          t = IQ3_XXS;
        } else if (f == LlamaCppFileType.IQ3_XXS) {
          t = IQ2_S;
        }
      } else if (category == Category.FFN_DOWN) {
        t = ffnDown(t, layer(p, iFfnDown));
        iFfnDown++;
      } else if (category == Category.ATTENTION_OUTPUT) {
        t = attnOutput(t);
      } else if (category == Category.FFN_GATE || category == Category.FFN_UP) {
        int counter = category == Category.FFN_GATE ? iFfnGate++ : iFfnUp++;
        int i = layer(p, counter);
        if (f == LlamaCppFileType.IQ3_XS && i >= nLayer / 8 && i < 7 * nLayer / 8) {
          t = IQ3_XXS;
        }
      }
      return t;
    }

    private DType attnV(DType start) {
      DType t = start;
      LlamaCppFileType f = ftype;
      if (f == LlamaCppFileType.Q2_K) {
        t = gqa >= 4 ? Q4_K : Q3_K;
      } else if (f == LlamaCppFileType.Q2_K_S && gqa >= 4) {
        t = Q4_K;
      } else if (f == LlamaCppFileType.IQ3_XXS) {
        t = gqa >= 4 ? Q4_K : !imatrix ? IQ3_S : IQ3_XXS;
      } else if (is(LlamaCppFileType.IQ3_XS, LlamaCppFileType.IQ3_S) && gqa >= 4) {
        t = Q4_K;
      } else if (f == LlamaCppFileType.IQ3_M) {
        t = Q4_K;
      } else if (f == LlamaCppFileType.Q3_K_M) {
        t = iAttentionWv < 2 ? Q5_K : Q4_K;
      } else if (f == LlamaCppFileType.Q3_K_L) {
        t = Q5_K;
      } else if (is(LlamaCppFileType.IQ4_NL, LlamaCppFileType.IQ4_XS) && gqa >= 4) {
        t = Q5_K;
      } else if (is(LlamaCppFileType.Q4_K_M, LlamaCppFileType.Q5_K_M)
          && useMoreBits(iAttentionWv, nAttentionWv)) {
        t = Q6_K;
      } else if (f == LlamaCppFileType.Q4_K_S && iAttentionWv < 4) {
        t = Q5_K;
      }
      if (llama70b && (t.equals(Q3_K) || t.equals(Q4_K))) {
        t = Q5_K;
      }
      if (experts == 8) {
        t = Q8_0;
      }
      return t;
    }

    private DType ffnDown(DType start, int i) {
      DType t = start;
      LlamaCppFileType f = ftype;
      int n = nLayer;
      if (f == LlamaCppFileType.Q2_K) {
        t = Q3_K;
      } else if (f == LlamaCppFileType.Q2_K_S) {
        if (i < n / 8) {
          t = Q4_K;
        }
      } else if (f == LlamaCppFileType.IQ3_XXS && !imatrix) {
        t = i < n / 8 ? Q4_K : Q3_K;
      } else if (f == LlamaCppFileType.Q3_K_M) {
        t = i < n / 16 ? Q5_K : !falcon || useMoreBits(i, n) ? Q4_K : Q3_K;
      } else if (f == LlamaCppFileType.IQ3_M
          && (i < n / 8 || (experts == 8 && useMoreBits(i, n)))) {
        t = Q4_K;
      } else if (f == LlamaCppFileType.Q3_K_L) {
        t = falcon ? Q4_K : Q5_K;
      } else if (f == LlamaCppFileType.Q4_K_M) {
        if (falcon) {
          t = i < n / 16 ? Q6_K : useMoreBits(i, n) ? Q5_K : Q4_K;
        } else if (useMoreBits(i, n)) {
          t = Q6_K;
        }
      } else if (i < n / 8 && is(LlamaCppFileType.IQ4_NL, LlamaCppFileType.IQ4_XS) && !imatrix) {
        t = Q5_K;
      } else if (f == LlamaCppFileType.Q5_K_M && useMoreBits(i, n)) {
        t = Q6_K;
      } else if (f == LlamaCppFileType.Q4_K_S && !falcon && i < n / 8) {
        t = Q5_K;
      } else if (is(LlamaCppFileType.Q4_0, LlamaCppFileType.Q5_0) && imatrix && i < n / 8) {
        t = f == LlamaCppFileType.Q4_0 ? Q4_1 : Q5_1;
      }
      return t;
    }

    private DType attnOutput(DType start) {
      DType t = start;
      LlamaCppFileType f = ftype;
      if (falcon) {
        return f == LlamaCppFileType.Q3_K_L ? Q4_K : t;
      }
      if (experts == 8) {
        if (is(
            LlamaCppFileType.Q2_K,
            LlamaCppFileType.IQ3_XS,
            LlamaCppFileType.IQ3_XXS,
            LlamaCppFileType.Q3_K_S,
            LlamaCppFileType.Q3_K_M,
            LlamaCppFileType.IQ4_NL,
            LlamaCppFileType.Q4_K_S,
            LlamaCppFileType.Q4_K_M,
            LlamaCppFileType.IQ3_S,
            LlamaCppFileType.IQ3_M,
            LlamaCppFileType.IQ4_XS)) {
          t = Q5_K;
        }
      } else if (f == LlamaCppFileType.Q2_K) {
        t = Q3_K;
      } else if (f == LlamaCppFileType.IQ3_XXS) {
        t = IQ3_S;
      } else if (f == LlamaCppFileType.Q3_K_M) {
        t = Q4_K;
      } else if (f == LlamaCppFileType.Q3_K_L) {
        t = Q5_K;
      } else if (f == LlamaCppFileType.IQ3_M) {
        t = Q4_K;
      }
      return t;
    }
  }

  /** llama.cpp's {@code use_more_bits}: the first and last eighth, and every third between. */
  static boolean useMoreBits(int layer, int layers) {
    return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
  }

  /** {@code tensor_type_fallback}: a type whose block divides {@code columns}. */
  static DType fallback(long columns, DType type) {
    if (columns % type.blockElements() == 0) {
      return type;
    }
    String name = type.name();
    DType to;
    switch (name) {
      case "iq1_s":
      case "iq1_m":
      case "iq2_xxs":
      case "iq2_xs":
      case "iq2_s":
      case "iq3_xxs":
      case "iq3_s":
      case "iq4_xs":
        to = IQ4_NL;
        break;
      case "q2_k":
      case "q3_k":
      case "tq1_0":
      case "tq2_0":
        to = Q4_0;
        break;
      case "q4_k":
        to = Q5_0;
        break;
      case "q5_k":
        to = Q5_1;
        break;
      case "q6_k":
        to = Q8_0;
        break;
      default:
        throw new IllegalArgumentException(
            "no llama.cpp fallback for type " + name + " on rows of " + columns);
    }
    return columns % to.blockElements() == 0 ? to : F16;
  }
}
