package io.hwledger.math.safetensors;

import java.util.List;
import java.util.OptionalLong;

/**
 * Where a tensor belongs in the planner's view of a decoder, from its name.
 *
 * <p>The prefixes are the module paths transformers gives the token embedding, the output head and
 * the decoder layers of the architectures the catalog covers (Llama, Mistral, Qwen, Gemma,
 * DeepSeek, gpt-oss and most others: {@code model.*}; multimodal wrappers: {@code
 * model.language_model.*}, {@code language_model.model.*}; GPT-2, Falcon, BLOOM, MPT: {@code
 * transformer.*}; Mamba and Nemotron-H: {@code backbone.*}; GPT-NeoX: {@code gpt_neox.*}; OPT:
 * {@code model.decoder.*}). Everything else (final norm, vision tower and projector, position
 * tables, multi-token-prediction layers numbered past the decoder) is "other".
 */
final class DecoderLayout {
  /** Module prefixes of the token-embedding table. */
  static final List<String> EMBEDDING =
      List.of(
          "model.embed_tokens.",
          "model.language_model.embed_tokens.",
          "language_model.model.embed_tokens.",
          "model.decoder.embed_tokens.",
          "transformer.wte.",
          "transformer.word_embeddings.",
          "transformer.embedding.word_embeddings.",
          "backbone.embeddings.",
          "backbone.embedding.",
          "gpt_neox.embed_in.");

  /** Module prefixes of the output head. */
  static final List<String> OUTPUT =
      List.of("lm_head.", "language_model.lm_head.", "model.lm_head.", "embed_out.");

  /** Module prefixes under which {@code <index>.} names a decoder layer. */
  static final List<String> LAYERS =
      List.of(
          "model.layers.",
          "model.language_model.layers.",
          "language_model.model.layers.",
          "model.decoder.layers.",
          "transformer.h.",
          "transformer.layers.",
          "transformer.blocks.",
          "transformer.encoder.layers.",
          "backbone.layers.",
          "gpt_neox.layers.");

  private DecoderLayout() {}

  static boolean isEmbedding(String name) {
    return startsWithAny(name, EMBEDDING);
  }

  static boolean isOutput(String name) {
    return startsWithAny(name, OUTPUT);
  }

  /** The decoder layer {@code name} belongs to, if its name puts it under one. */
  static OptionalLong layer(String name) {
    for (String prefix : LAYERS) {
      if (!name.startsWith(prefix)) {
        continue;
      }
      int start = prefix.length();
      int end = start;
      while (end < name.length() && end - start < 18 && isDigit(name.charAt(end))) {
        end++;
      }
      if (end > start && end < name.length() && name.charAt(end) == '.') {
        return OptionalLong.of(Long.parseLong(name.substring(start, end)));
      }
    }
    return OptionalLong.empty();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean startsWithAny(String name, List<String> prefixes) {
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
