package io.hwledger.math.gguf;

import io.hwledger.api.ModelConfigException;
import io.hwledger.math.CheckpointWeights;
import java.util.ArrayList;
import java.util.List;

/** Sums a GGUF tensor list into {@link CheckpointWeights}: embedding, output, layers, other. */
final class GgufWeights {
  private static final String LAYER_PREFIX = "blk.";

  /** Most layers a file may declare; llama.cpp's LLAMA_MAX_LAYERS is 512. */
  static final int MAX_LAYERS = 65_536;

  private GgufWeights() {}

  static CheckpointWeights of(GgufFile file) {
    long parameters = 0;
    long embedding = 0;
    long output = 0;
    long other = 0;
    long[] layers = new long[0];
    for (GgufTensor t : file.tensors()) {
      parameters = add(file, parameters, t.elements());
      String name = t.name();
      int layer = layerIndex(name);
      if (layer >= 0) {
        if (layer > MAX_LAYERS) {
          throw new ModelConfigException(
              file.source()
                  + ": tensor '"
                  + GgufInput.printable(name)
                  + "' names a layer beyond "
                  + MAX_LAYERS);
        }
        if (layer >= layers.length) {
          layers = java.util.Arrays.copyOf(layers, layer + 1);
        }
        layers[layer] += t.bytes();
      } else if (name.equals("token_embd.weight")) {
        embedding += t.bytes();
      } else if (name.equals("output.weight")) {
        output += t.bytes();
      } else {
        other += t.bytes();
      }
    }
    long blockCount = 0;
    if (file.architecture().isPresent()) {
      blockCount = file.integer(file.architecture().get() + ".block_count").orElse(0);
    }
    if (blockCount < 0 || blockCount > MAX_LAYERS) {
      throw new ModelConfigException(
          file.source()
              + ": block_count "
              + Long.toUnsignedString(blockCount)
              + " is more than "
              + MAX_LAYERS
              + " layers");
    }
    int count = (int) Math.max(layers.length, blockCount);
    List<Long> perLayer = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      perLayer.add(i < layers.length ? layers[i] : 0L);
    }
    String fileType = file.fileType().map(f -> "gguf " + f).orElse("gguf");
    return new CheckpointWeights(fileType, parameters, embedding, output, other, perLayer);
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
