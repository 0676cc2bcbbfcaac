package io.hwledger.math;

import io.hwledger.api.ModelConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Weight bytes as a checkpoint file stores them, read from its tensor list rather than computed
 * from a precision: exact for mixed quantisations (a Q4_K_M GGUF keeps some tensors in Q6_K) and
 * for checkpoints with scales, zero points or packed integers.
 *
 * <p>Bytes are tensor data bytes (element storage, block scales included; no file headers or
 * alignment padding). A tensor belongs to layer {@code i} when its name says so ({@code blk.i.} in
 * GGUF, {@code model.layers.i.} in safetensors); every other tensor is the embedding table, the
 * output head, or "other" (final norm, rotary tables, vision or multi-token-prediction parts the
 * decoder does not run).
 *
 * @param format where the figures come from, e.g. {@code gguf Q4_K_M} or {@code safetensors}
 * @param parameters elements of every tensor, unpacked (a packed int4 {@code qweight} of {@code r ×
 *     c} int32 words counts {@code 8rc} parameters)
 * @param embeddingBytes the input token-embedding table
 * @param outputBytes the output head; 0 when the model ties it to the embedding
 * @param otherBytes tensors outside the decoder layers other than the two above
 * @param layerBytes tensor bytes of each decoder layer, in layer order
 */
public record CheckpointWeights(
    String format,
    long parameters,
    long embeddingBytes,
    long outputBytes,
    long otherBytes,
    List<Long> layerBytes) {

  /**
   * Validates the arguments and copies {@code layerBytes}.
   *
   * @param format where the figures come from
   * @param parameters elements of every tensor, unpacked
   * @param embeddingBytes bytes of the input token-embedding table
   * @param outputBytes bytes of the output head; 0 when tied to the embedding
   * @param otherBytes bytes outside the decoder layers, embedding and head
   * @param layerBytes bytes of each decoder layer, in layer order
   * @throws IllegalArgumentException if a count or size, or any layer's bytes, is negative
   */
  public CheckpointWeights {
    Objects.requireNonNull(format, "format");
    nonNegative(parameters, "parameters");
    nonNegative(embeddingBytes, "embeddingBytes");
    nonNegative(outputBytes, "outputBytes");
    nonNegative(otherBytes, "otherBytes");
    layerBytes = List.copyOf(layerBytes);
    for (int i = 0; i < layerBytes.size(); i++) {
      nonNegative(layerBytes.get(i), "layerBytes[" + i + "]");
    }
  }

  /**
   * The bytes of decoder layers {@code 0} to {@code decoderLayers - 1}, in order, from the sums a
   * checkpoint reader made by the layer number in each tensor's name: the one coverage rule of the
   * GGUF and safetensors readers. A checkpoint whose tensors do not cover every layer it declares
   * is refused rather than planned with zero bytes for the missing ones. The gap is found without
   * allocating anything per declared layer, so a hostile layer count costs nothing.
   *
   * @param source names the checkpoint in the message
   * @param bytesByLayer tensor bytes by layer number, for numbers below {@code decoderLayers}
   * @param decoderLayers the layer count the checkpoint declares
   * @return bytes of each decoder layer, {@code decoderLayers} entries
   * @throws IllegalArgumentException if {@code decoderLayers} is negative
   * @throws ModelConfigException naming the first layer without tensors and the declared count
   */
  public static List<Long> coveredLayers(
      String source, Map<Long, Long> bytesByLayer, int decoderLayers) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(bytesByLayer, "bytesByLayer");
    if (decoderLayers < 0) {
      throw new IllegalArgumentException(
          "decoderLayers must not be negative, was " + decoderLayers);
    }
    long missing = 0;
    while (missing < decoderLayers && bytesByLayer.containsKey(missing)) {
      missing++;
    }
    if (missing < decoderLayers) {
      throw new ModelConfigException(
          source
              + ": decoder layer "
              + missing
              + " has no tensors, but the decoder has "
              + decoderLayers
              + " layers");
    }
    List<Long> layers = new ArrayList<>(decoderLayers);
    for (long i = 0; i < decoderLayers; i++) {
      layers.add(bytesByLayer.get(i));
    }
    return layers;
  }

  /**
   * Every tensor's bytes, summed.
   *
   * @return total tensor data bytes
   * @throws ArithmeticException if the sum overflows a {@code long}
   */
  public long totalBytes() {
    long sum = Math.addExact(Math.addExact(embeddingBytes, outputBytes), otherBytes);
    for (long bytes : layerBytes) {
      sum = Math.addExact(sum, bytes);
    }
    return sum;
  }

  private static void nonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
  }
}
