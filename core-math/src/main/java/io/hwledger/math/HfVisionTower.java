package io.hwledger.math;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Parameters of a multimodal checkpoint's vision tower and multimodal projector, written out from
 * its {@code vision_config} the way the transformers model classes (and vLLM's, which build the
 * same tensors) lay them out. Three families:
 *
 * <ul>
 *   <li>{@code gemma3} with a SigLIP tower ({@code siglip_vision_model}, {@code
 *       SiglipVisionTransformer} without the pooling head): patch Conv2d with bias, a learned
 *       position table of {@code (image_size / patch_size)²} rows, per layer q/k/v/out and fc1/fc2
 *       with biases and two LayerNorms, a post LayerNorm; {@code Gemma3MultiModalProjector}: {@code
 *       mm_input_projection_weight} (vision hidden × text hidden) and an RMSNorm of the vision
 *       width.
 *   <li>{@code mistral3} with a Pixtral tower ({@code pixtral}, {@code PixtralVisionModel}): patch
 *       Conv2d without bias, an {@code ln_pre} RMSNorm, per layer q/k/v/o and a gated FFN without
 *       biases and two RMSNorms; {@code Mistral3MultiModalProjector}: an RMSNorm, the patch merger
 *       {@code Linear(hidden · spatial_merge_size², hidden)}, {@code linear_1} (vision hidden ×
 *       layers fed → text hidden) and {@code linear_2} (text hidden → text hidden), biases only
 *       with {@code multimodal_projector_bias}.
 *   <li>{@code llama4} ({@code llama4_vision_model}, {@code Llama4VisionModel}): an unfold patch
 *       linear without bias, a class embedding, {@code (image_size / patch_size)² + 1} position
 *       rows, pre and post LayerNorms, per layer q/k/v/o and fc1/fc2 with biases and two
 *       LayerNorms, the pixel-shuffle adapter {@code fc1 (intermediate → projector_input_dim)},
 *       {@code fc2 (projector_input_dim → projector_output_dim)} (biases with {@code
 *       multi_modal_projector_bias}); {@code Llama4MultiModalProjector}: {@code linear_1} ({@code
 *       vision_output_dim} → text hidden) without bias.
 * </ul>
 *
 * <p>Sizes must be present; only {@code num_channels} (3), the bias flags (false), SigLIP's {@code
 * vision_use_head} (true, refused) and Mistral 3's {@code spatial_merge_size} (2) take the
 * transformers configuration-class defaults. A config without {@code vision_config}, or whose
 * vision model this class does not know, counts 0.
 */
final class HfVisionTower {

  private static final String V = "vision_config.";

  private HfVisionTower() {}

  /**
   * The vision tower's and projector's parameter count.
   *
   * @param root the whole config (the outer object when the decoder is under {@code text_config})
   * @param textHidden the decoder's hidden size, which the projector maps into
   * @param source the config's name for error messages
   * @return the parameter count, 0 without a known {@code vision_config}
   * @throws ModelConfigException when a field is malformed or the tower is not representable
   * @throws ArithmeticException when the count overflows a {@code long}
   */
  static long parameters(JsonNode root, long textHidden, String source) {
    JsonNode vision = root.get("vision_config");
    if (vision == null || !vision.isObject()) {
      return 0;
    }
    ConfigFields probe = new ConfigFields(root, source, Map.of());
    String type = probe.optString(V + "model_type").orElse("");
    switch (type) {
      case "siglip_vision_model":
        return siglip(root, textHidden, source);
      case "pixtral":
        return pixtral(root, textHidden, source);
      case "llama4_vision_model":
        return llama4(root, textHidden, source);
      default:
        return 0;
    }
  }

  private static long siglip(JsonNode root, long textHidden, String source) {
    ConfigFields f =
        new ConfigFields(root, source, Map.of(V + "num_channels", 3, V + "vision_use_head", true));
    if (f.bool(V + "vision_use_head", true)) {
      throw f.error(
          "vision_config.vision_use_head true (SigLIP's attention-pooling head) is not"
              + " representable; Gemma 3 sets it false");
    }
    long h = f.requireInt(V + "hidden_size");
    long ffn = f.requireInt(V + "intermediate_size");
    long layers = f.requireInt(V + "num_hidden_layers");
    long channels = f.requireInt(V + "num_channels");
    long patch = f.requireInt(V + "patch_size");
    long side = f.requireInt(V + "image_size") / patch;
    long layer = sum(mul(4, linear(h, h, true)), linear(h, ffn, true), linear(ffn, h, true), 4 * h);
    long tower =
        sum(
            linear(mul(mul(channels, patch), patch), h, true), // patch Conv2d
            mul(mul(side, side), h), // position table
            mul(layers, layer),
            2 * h); // post_layernorm
    long projector = sum(mul(h, textHidden), h); // mm_input_projection_weight, mm_soft_emb_norm
    return sum(tower, projector);
  }

  private static long pixtral(JsonNode root, long textHidden, String source) {
    ConfigFields f =
        new ConfigFields(
            root,
            source,
            Map.of(
                V + "num_channels",
                3,
                "spatial_merge_size",
                2,
                "multimodal_projector_bias",
                false));
    long h = f.requireInt(V + "hidden_size");
    long ffn = f.requireInt(V + "intermediate_size");
    long layers = f.requireInt(V + "num_hidden_layers");
    long channels = f.requireInt(V + "num_channels");
    long patch = f.requireInt(V + "patch_size");
    long merge = f.requireInt("spatial_merge_size");
    boolean bias = f.bool("multimodal_projector_bias", false);
    JsonNode featureLayer = root.get("vision_feature_layer");
    long fed = featureLayer != null && featureLayer.isArray() ? featureLayer.size() : 1;
    long layer = sum(mul(mul(4, h), h), mul(mul(3, h), ffn), 2 * h);
    long tower = sum(linear(mul(mul(channels, patch), patch), h, false), h, mul(layers, layer));
    long projector =
        sum(
            h, // norm
            linear(mul(h, mul(merge, merge)), h, false), // patch_merger.merging_layer
            linear(mul(h, fed), textHidden, bias),
            linear(textHidden, textHidden, bias));
    return sum(tower, projector);
  }

  private static long llama4(JsonNode root, long textHidden, String source) {
    ConfigFields f =
        new ConfigFields(
            root, source, Map.of(V + "num_channels", 3, V + "multi_modal_projector_bias", false));
    long h = f.requireInt(V + "hidden_size");
    long ffn = f.requireInt(V + "intermediate_size");
    long layers = f.requireInt(V + "num_hidden_layers");
    long channels = f.requireInt(V + "num_channels");
    long patch = f.requireInt(V + "patch_size");
    long side = f.requireInt(V + "image_size") / patch;
    long in = f.requireInt(V + "projector_input_dim");
    long out = f.requireInt(V + "projector_output_dim");
    long visionOut = f.requireInt(V + "vision_output_dim");
    boolean bias = f.bool(V + "multi_modal_projector_bias", false);
    long layer = sum(mul(4, linear(h, h, true)), linear(h, ffn, true), linear(ffn, h, true), 4 * h);
    long tower =
        sum(
            linear(mul(mul(channels, patch), patch), h, false), // patch_embedding.linear
            h, // class_embedding
            mul(sum(mul(side, side), 1), h), // positional_embedding_vlm
            4 * h, // layernorm_pre, layernorm_post
            mul(layers, layer),
            linear(ffn, in, bias), // vision_adapter.mlp.fc1
            linear(in, out, bias)); // vision_adapter.mlp.fc2
    return sum(tower, linear(visionOut, textHidden, false)); // multi_modal_projector.linear_1
  }

  private static long linear(long in, long out, boolean bias) {
    return sum(mul(in, out), bias ? out : 0);
  }

  private static long mul(long a, long b) {
    return Math.multiplyExact(a, b);
  }

  private static long sum(long... terms) {
    long s = 0;
    for (long t : terms) {
      s = Math.addExact(s, t);
    }
    return s;
  }
}
