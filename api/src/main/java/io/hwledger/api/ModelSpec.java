package io.hwledger.api;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The structure of a decoder-only language model, as far as memory and compute depend on it.
 *
 * @param name a display name or identifier
 * @param vocabSize rows of the token embedding (padded vocabulary, as stored)
 * @param hiddenSize width of the residual stream
 * @param tiedEmbeddings whether the output head shares the token embedding's weights
 * @param norm the normalisation used by every norm of the model
 * @param layers the decoder layers, in order
 * @param contextLimit the longest context the model was trained or extended for, in tokens ({@code
 *     max_position_embeddings}, or the RoPE-scaled length); empty when unbounded (pure SSM models)
 * @param defaultPrecision how the published checkpoint stores weights, and the caches it implies
 * @param positionEmbeddings rows of a learned absolute position table ({@code hidden} wide, stored
 *     like the token embedding and looked up, not multiplied): GPT-2's {@code n_positions}, OPT's
 *     {@code max_position_embeddings + 2}; 0 for models with rotary or no position embeddings
 * @param weightBlockSize edge of the square blocks of a block-quantised checkpoint's linear
 *     weights, each block sharing one scale ({@code quantization_config.weight_block_size} of
 *     block-FP8 checkpoints such as DeepSeek-V3 and Qwen3-FP8: 128); engines split each
 *     tensor-parallel shard on whole blocks. 0 when the weights are not block-quantised.
 * @param visionParameters parameters of a multimodal checkpoint's vision tower and multimodal
 *     projector ({@code vision_config}), which engines that build the whole multimodal model (vLLM)
 *     hold beside the decoder; 0 for a text-only model. Not part of {@link #layers()}.
 */
public record ModelSpec(
    String name,
    int vocabSize,
    int hiddenSize,
    boolean tiedEmbeddings,
    NormKind norm,
    List<LayerSpec> layers,
    OptionalLong contextLimit,
    Precision defaultPrecision,
    int positionEmbeddings,
    int weightBlockSize,
    long visionParameters) {

  /**
   * Most decoder layers a model may have: 1,024, twice llama.cpp's {@code LLAMA_MAX_LAYERS} (512)
   * and eight times the deepest published decoder the catalog holds (Llama 3.1 405B, 126 layers).
   * Readers check a file's layer count against it before allocating anything per layer, so a
   * hostile count ({@code num_hidden_layers: 2147483647}) fails in one line.
   */
  public static final int MAX_LAYERS = 1024;

  /**
   * Validates and copies the arguments.
   *
   * @param name a display name or identifier
   * @param vocabSize rows of the token embedding, at least 1
   * @param hiddenSize width of the residual stream, at least 1
   * @param tiedEmbeddings whether the output head shares the token embedding
   * @param norm the normalisation
   * @param layers 1 to {@link #MAX_LAYERS} decoder layers, in order; copied
   * @param contextLimit the context limit in tokens, positive when present
   * @param defaultPrecision the published checkpoint's precision
   * @param positionEmbeddings rows of a learned position table, 0 or more
   * @param weightBlockSize edge of the weight-quantisation blocks, 0 (none) or more
   * @param visionParameters vision tower and projector parameters, 0 (none) or more
   * @throws IllegalArgumentException when a size is not positive, {@code positionEmbeddings},
   *     {@code weightBlockSize} or {@code visionParameters} is negative, or there are no layers or
   *     more than {@link #MAX_LAYERS}
   */
  public ModelSpec {
    Objects.requireNonNull(name, "name");
    Checks.positive(vocabSize, "vocabSize");
    Checks.positive(hiddenSize, "hiddenSize");
    Objects.requireNonNull(norm, "norm");
    layers = List.copyOf(layers);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least one layer");
    }
    if (layers.size() > MAX_LAYERS) {
      throw new IllegalArgumentException(
          "model has " + layers.size() + " layers, more than the limit of " + MAX_LAYERS);
    }
    Objects.requireNonNull(contextLimit, "contextLimit");
    contextLimit.ifPresent(limit -> Checks.positive(limit, "contextLimit"));
    Objects.requireNonNull(defaultPrecision, "defaultPrecision");
    if (positionEmbeddings < 0) {
      throw new IllegalArgumentException(
          "positionEmbeddings must not be negative, was " + positionEmbeddings);
    }
    if (weightBlockSize < 0) {
      throw new IllegalArgumentException(
          "weightBlockSize must not be negative, was " + weightBlockSize);
    }
    if (visionParameters < 0) {
      throw new IllegalArgumentException(
          "visionParameters must not be negative, was " + visionParameters);
    }
  }

  /**
   * A text-only model (no vision tower).
   *
   * @param name a display name or identifier
   * @param vocabSize rows of the token embedding, at least 1
   * @param hiddenSize width of the residual stream, at least 1
   * @param tiedEmbeddings whether the output head shares the token embedding
   * @param norm the normalisation
   * @param layers 1 to {@link #MAX_LAYERS} decoder layers, in order; copied
   * @param contextLimit the context limit in tokens, positive when present
   * @param defaultPrecision the published checkpoint's precision
   * @param positionEmbeddings rows of a learned position table, 0 or more
   * @param weightBlockSize edge of the weight-quantisation blocks, 0 (none) or more
   * @throws IllegalArgumentException as the canonical constructor
   */
  public ModelSpec(
      String name,
      int vocabSize,
      int hiddenSize,
      boolean tiedEmbeddings,
      NormKind norm,
      List<LayerSpec> layers,
      OptionalLong contextLimit,
      Precision defaultPrecision,
      int positionEmbeddings,
      int weightBlockSize) {
    this(
        name,
        vocabSize,
        hiddenSize,
        tiedEmbeddings,
        norm,
        layers,
        contextLimit,
        defaultPrecision,
        positionEmbeddings,
        weightBlockSize,
        0);
  }

  /**
   * A model whose weights are not block-quantised.
   *
   * @param name a display name or identifier
   * @param vocabSize rows of the token embedding, at least 1
   * @param hiddenSize width of the residual stream, at least 1
   * @param tiedEmbeddings whether the output head shares the token embedding
   * @param norm the normalisation
   * @param layers 1 to {@link #MAX_LAYERS} decoder layers, in order; copied
   * @param contextLimit the context limit in tokens, positive when present
   * @param defaultPrecision the published checkpoint's precision
   * @param positionEmbeddings rows of a learned position table, 0 or more
   * @throws IllegalArgumentException as the canonical constructor
   */
  public ModelSpec(
      String name,
      int vocabSize,
      int hiddenSize,
      boolean tiedEmbeddings,
      NormKind norm,
      List<LayerSpec> layers,
      OptionalLong contextLimit,
      Precision defaultPrecision,
      int positionEmbeddings) {
    this(
        name,
        vocabSize,
        hiddenSize,
        tiedEmbeddings,
        norm,
        layers,
        contextLimit,
        defaultPrecision,
        positionEmbeddings,
        0);
  }

  /**
   * A model without a learned position table (rotary, ALiBi or no position embeddings).
   *
   * @param name a display name or identifier
   * @param vocabSize rows of the token embedding, at least 1
   * @param hiddenSize width of the residual stream, at least 1
   * @param tiedEmbeddings whether the output head shares the token embedding
   * @param norm the normalisation
   * @param layers 1 to {@link #MAX_LAYERS} decoder layers, in order; copied
   * @param contextLimit the context limit in tokens, positive when present
   * @param defaultPrecision the published checkpoint's precision
   * @throws IllegalArgumentException as the canonical constructor
   */
  public ModelSpec(
      String name,
      int vocabSize,
      int hiddenSize,
      boolean tiedEmbeddings,
      NormKind norm,
      List<LayerSpec> layers,
      OptionalLong contextLimit,
      Precision defaultPrecision) {
    this(
        name,
        vocabSize,
        hiddenSize,
        tiedEmbeddings,
        norm,
        layers,
        contextLimit,
        defaultPrecision,
        0);
  }

  /**
   * This model's layout stored at another precision, as a GGUF converted from the checkpoint stores
   * it: every component is kept except the precision, which is replaced, and the weight block,
   * which belongs to the original storage and becomes 0.
   *
   * @param storage the precision of the converted file
   * @return the converted model
   * @throws NullPointerException when {@code storage} is null
   */
  public ModelSpec storedAs(Precision storage) {
    Objects.requireNonNull(storage, "storage");
    return new ModelSpec(
        name,
        vocabSize,
        hiddenSize,
        tiedEmbeddings,
        norm,
        layers,
        contextLimit,
        storage,
        positionEmbeddings,
        0,
        visionParameters);
  }

  /**
   * Number of decoder layers.
   *
   * @return the size of {@link #layers()}, 1 to {@link #MAX_LAYERS}
   */
  public int layerCount() {
    return layers.size();
  }
}
