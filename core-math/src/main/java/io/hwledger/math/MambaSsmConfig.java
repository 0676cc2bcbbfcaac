package io.hwledger.math;

import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mamba1;
import io.hwledger.api.Mamba2;
import io.hwledger.api.Mixer;
import io.hwledger.api.Mlp;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.NoMlp;
import io.hwledger.api.NormKind;
import io.hwledger.api.Precision;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The original state-spaces {@code mamba_ssm} checkpoint format: {@code {"d_model", "n_layer",
 * "vocab_size", "ssm_cfg": {"layer": "Mamba2", ...}, "d_intermediate", "attn_layer_idx",
 * "attn_cfg", "rms_norm", "pad_vocab_size_multiple", "tie_embeddings"}}.
 *
 * <p>Defaults are those of {@code mamba_ssm.models.config_mamba.MambaConfig} (d_intermediate 0,
 * rms_norm True, pad_vocab_size_multiple 8, tie_embeddings True), {@code
 * mamba_ssm.models.mixer_seq_simple.create_block} (ssm_cfg layer "Mamba1"), {@code
 * mamba_ssm.modules.mamba_simple.Mamba} (d_state 16, d_conv 4, expand 2, dt_rank "auto" =
 * ceil(d_model / 16), conv_bias True, bias False), {@code mamba_ssm.modules.mamba2.Mamba2} (d_state
 * 128, d_conv 4, expand 2, headdim 64, ngroups 1, conv_bias True, bias False) and {@code
 * mamba_ssm.modules.mha.MHA} (num_heads_kv = num_heads, head_dim = d_model / num_heads,
 * qkv_proj_bias True, out_proj_bias True).
 *
 * <p>The format has no dtype field: {@code MambaLMHeadModel.from_pretrained(dtype=None)} builds the
 * model in torch's default float32, so that is the default precision unless {@code torch_dtype} is
 * given.
 */
final class MambaSsmConfig {
  private MambaSsmConfig() {}

  private static final Map<String, Object> CONFIG_DEFAULTS =
      Map.of(
          "d_intermediate",
          0,
          "rms_norm",
          true,
          "pad_vocab_size_multiple",
          8,
          "tie_embeddings",
          true);

  static ModelSpec read(ConfigFields raw, String name) {
    ConfigFields f = new ConfigFields(raw.node(), raw.source(), CONFIG_DEFAULTS);
    int hidden = f.requireInt(ConfigFields.Key.of("d_model"));
    ConfigFields.Key layerKey = ConfigFields.Key.of("n_layer");
    int layers = f.requireInt(layerKey);
    f.atMost(layerKey, layers, ModelSpec.MAX_LAYERS, "layers");
    int vocab = f.requireInt(ConfigFields.VOCAB);
    int pad = f.requireInt("pad_vocab_size_multiple");
    // MambaLMHeadModel: vocab_size += pad_vocab_size_multiple - vocab_size % multiple
    int padded = vocab % pad == 0 ? vocab : Math.addExact(vocab, pad - vocab % pad);
    ConfigFields ssm =
        f.object("ssm_cfg").orElseThrow(() -> f.missing(ConfigFields.Key.of("ssm_cfg")));
    String layer = ssm.optString("layer").orElse("Mamba1");
    Mixer mamba =
        mamba(layer, new ConfigFields(ssm.node(), f.source(), ssmDefaults(layer)), hidden);
    Set<Integer> attnLayers = new HashSet<>(f.intList(ConfigFields.Key.of("attn_layer_idx")));
    OptionalInt dIntermediate = f.optNonNegativeInt(ConfigFields.Key.of("d_intermediate"));
    Mlp mlp = NoMlp.INSTANCE;
    int norms = 1;
    if (dIntermediate.orElse(0) > 0) {
      // GatedMLP(hidden_features=d_intermediate): rounded up to a multiple of 128, no bias
      int width = Math.multiplyExact((dIntermediate.getAsInt() + 127) / 128, 128);
      mlp = new DenseMlp(width, true, false);
      norms = 2;
    }
    List<LayerSpec> specs = new ArrayList<>(layers);
    for (int i = 0; i < layers; i++) {
      Mixer mixer = attnLayers.contains(i) ? attention(f, hidden) : mamba;
      specs.add(new LayerSpec(mixer, mlp, norms));
    }
    for (int idx : attnLayers) {
      if (idx >= layers) {
        throw f.error("'attn_layer_idx' names layer " + idx + " of " + layers);
      }
    }
    NormKind norm =
        f.requireBool(ConfigFields.Key.of("rms_norm")) ? NormKind.RMS_NORM : NormKind.LAYER_NORM;
    boolean tied = f.requireBool(ConfigFields.Key.of("tie_embeddings", "tie_word_embeddings"));
    OptionalLong context = HfConfigReader.contextLimit(f, true);
    Precision precision =
        f.has(ConfigFields.DTYPE) ? HfPrecision.read(f, f) : HfPrecision.unquantized(DType.FP32);
    return new ModelSpec(name, padded, hidden, tied, norm, specs, context, precision);
  }

  private static Map<String, Object> ssmDefaults(String layer) {
    if (layer.equals("Mamba2")) {
      return Map.of(
          "d_state",
          128,
          "d_conv",
          4,
          "expand",
          2,
          "headdim",
          64,
          "ngroups",
          1,
          "conv_bias",
          true,
          "bias",
          false);
    }
    return Map.of(
        "d_state",
        16,
        "d_conv",
        4,
        "expand",
        2,
        "dt_rank",
        "auto",
        "conv_bias",
        true,
        "bias",
        false);
  }

  private static Mixer mamba(String layer, ConfigFields s, int hidden) {
    int inner = Math.multiplyExact(s.requireInt("expand"), hidden);
    boolean convBias = s.requireBool(ConfigFields.Key.of("conv_bias"));
    boolean bias = s.requireBool(ConfigFields.Key.of("bias"));
    switch (layer) {
      case "Mamba1":
        {
          Optional<ConfigFields.Found> dt = s.find(ConfigFields.Key.of("dt_rank"));
          int dtRank;
          if (dt.isEmpty() || dt.get().value.isTextual()) {
            String text = dt.isEmpty() ? "auto" : dt.get().value.textValue();
            if (!text.equals("auto")) {
              throw s.error(
                  "'ssm_cfg.dt_rank' must be an integer or \"auto\", was \"" + text + "\"");
            }
            dtRank = (hidden + 15) / 16;
          } else {
            dtRank = s.requireInt("dt_rank");
          }
          return new Mamba1(
              inner,
              s.requireInt("d_state"),
              s.requireInt("d_conv"),
              dtRank,
              convBias,
              bias,
              false);
        }
      case "Mamba2":
        {
          OptionalInt dSsm = s.optInt("d_ssm");
          if (dSsm.isPresent() && dSsm.getAsInt() != inner) {
            throw s.error(
                "'ssm_cfg.d_ssm' "
                    + dSsm.getAsInt()
                    + " differs from expand · d_model "
                    + inner
                    + ", which a Mamba2 mixer cannot represent");
          }
          int headDim = s.requireInt("headdim");
          if (inner % headDim != 0) {
            throw s.error(
                "Mamba-2 inner size " + inner + " is not a multiple of headdim " + headDim);
          }
          return new Mamba2(
              inner,
              s.requireInt("d_state"),
              s.requireInt("d_conv"),
              s.requireInt("ngroups"),
              inner / headDim,
              headDim,
              convBias,
              bias);
        }
      default:
        throw s.error("unsupported ssm_cfg.layer '" + layer + "' (expected Mamba1 or Mamba2)");
    }
  }

  private static Attention attention(ConfigFields f, int hidden) {
    ConfigFields a =
        f.object("attn_cfg").orElseThrow(() -> f.missing(ConfigFields.Key.of("attn_cfg")));
    int heads = a.requireInt("num_heads");
    int kv = a.optInt("num_heads_kv").orElse(heads);
    int headDim =
        a.optInt("head_dim")
            .orElseGet(
                () -> {
                  if (hidden % heads != 0) {
                    throw a.error("attn_cfg: d_model is not a multiple of num_heads");
                  }
                  return hidden / heads;
                });
    boolean qkvBias = a.bool("qkv_proj_bias", true);
    boolean outBias = a.bool("out_proj_bias", true);
    return new Attention(
        heads, kv, headDim, headDim, OptionalLong.empty(), qkvBias, outBias, false, false, false);
  }
}
