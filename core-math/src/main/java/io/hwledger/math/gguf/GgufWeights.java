package io.hwledger.math.gguf;

import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.math.CheckpointWeights;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Sums a GGUF tensor list into {@link CheckpointWeights}: embedding, output, layers, other. The
 * decoder has {@code {arch}.block_count} layers, or one more than the highest {@code blk.N} without
 * that key; every one of them must have tensors ({@link CheckpointWeights#coveredLayers}), as a
 * safetensors checkpoint must. {@code blk.N} tensors numbered past the decoder count as other.
 */
final class GgufWeights {
  private static final String LAYER_PREFIX = "blk.";

  private GgufWeights() {}

  static CheckpointWeights of(GgufFile file) {
    int decoderLayers = decoderLayers(file);
    long parameters = 0;
    long embedding = 0;
    long output = 0;
    long other = 0;
    Map<Long, Long> layers = new HashMap<>();
    for (GgufTensor t : file.tensors()) {
      parameters = add(file, parameters, t.elements());
      String name = t.name();
      int layer = layerIndex(name);
      if (layer >= 0 && layer < decoderLayers) {
        layers.merge((long) layer, t.bytes(), Long::sum);
      } else if (name.equals("token_embd.weight")) {
        embedding += t.bytes();
      } else if (name.equals("output.weight")) {
        output += t.bytes();
      } else {
        other += t.bytes();
      }
    }
    List<Long> perLayer = CheckpointWeights.coveredLayers(file.source(), layers, decoderLayers);
    String fileType = file.fileType().map(f -> "gguf " + f).orElse("gguf");
    return new CheckpointWeights(fileType, parameters, embedding, output, other, perLayer);
  }

  /**
   * {@code {arch}.block_count}, or one more than the highest {@code blk.N} when the file has no
   * such key; at most {@link ModelSpec#MAX_LAYERS}.
   */
  private static int decoderLayers(GgufFile file) {
    OptionalLong blockCount =
        file.architecture().map(a -> file.integer(a + ".block_count")).orElse(OptionalLong.empty());
    if (blockCount.isPresent()) {
      long n = blockCount.getAsLong();
      if (n < 0 || n > ModelSpec.MAX_LAYERS) {
        throw new ModelConfigException(
            file.source()
                + ": '"
                + GgufInput.printable(file.architecture().orElseThrow())
                + ".block_count' is "
                + Long.toUnsignedString(n)
                + ", more than the limit of "
                + ModelSpec.MAX_LAYERS
                + " layers");
      }
      return (int) n;
    }
    int highest = -1;
    String highestName = null;
    for (GgufTensor t : file.tensors()) {
      int layer = layerIndex(t.name());
      if (layer > highest) {
        highest = layer;
        highestName = t.name();
      }
    }
    if (highest >= ModelSpec.MAX_LAYERS) {
      throw new ModelConfigException(
          file.source()
              + ": tensor '"
              + GgufInput.printable(highestName)
              + "' names layer "
              + highest
              + ", more than the limit of "
              + ModelSpec.MAX_LAYERS
              + " layers");
    }
    return highest + 1;
  }

  private static long add(GgufFile file, long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new ModelConfigException(
          file.source() + ": the tensors hold more elements than a long");
    }
  }

  /** N of a {@code blk.N.} name, or -1 when the name is not a layer tensor. */
  static int layerIndex(String name) {
    if (!name.startsWith(LAYER_PREFIX)) {
      return -1;
    }
    int i = LAYER_PREFIX.length();
    long n = 0;
    int start = i;
    while (i < name.length() && name.charAt(i) >= '0' && name.charAt(i) <= '9' && i - start < 9) {
      n = n * 10 + (name.charAt(i) - '0');
      i++;
    }
    if (i == start || i >= name.length() || name.charAt(i) != '.') {
      return -1;
    }
    return (int) n;
  }
}
