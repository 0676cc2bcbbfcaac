package io.hwledger.math.safetensors;

import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.HfConfigReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A safetensors checkpoint as its headers describe it: files, tensors, their exact bytes and
 * parameters. Immutable and thread-safe; it holds no open files. Obtained from {@link
 * SafetensorsReader#read}.
 */
public final class SafetensorsCheckpoint {
  private final Path source;
  private final List<SafetensorsFile> files;
  private final List<SafetensorsTensor> tensors;
  private final Map<String, SafetensorsTensor> byName;
  private final Optional<Path> configJson;

  SafetensorsCheckpoint(
      Path source,
      List<SafetensorsFile> files,
      List<SafetensorsTensor> tensors,
      Optional<Path> configJson) {
    this.source = Objects.requireNonNull(source, "source");
    this.files = List.copyOf(files);
    this.tensors = List.copyOf(tensors);
    this.configJson = Objects.requireNonNull(configJson, "configJson");
    Map<String, SafetensorsTensor> map = new LinkedHashMap<>();
    for (SafetensorsTensor t : this.tensors) {
      if (map.put(t.name(), t) != null) {
        throw new ModelConfigException(source + ": tensor '" + t.name() + "' appears twice");
      }
    }
    this.byName = map;
  }

  /**
   * The file read.
   *
   * @return the single {@code .safetensors} file or the shard index, absolute and normalised
   */
  public Path source() {
    return source;
  }

  /**
   * The {@code .safetensors} files.
   *
   * @return one file, or the shards in name order; unmodifiable
   */
  public List<SafetensorsFile> files() {
    return files;
  }

  /**
   * Every tensor of the checkpoint.
   *
   * @return file by file in {@link #files()} order, each file's in data order; unmodifiable
   */
  public List<SafetensorsTensor> tensors() {
    return tensors;
  }

  /**
   * The tensor called {@code name}.
   *
   * @param name the exact tensor name, e.g. {@code model.embed_tokens.weight}
   * @return the tensor, or empty if the checkpoint has none by that name
   */
  public Optional<SafetensorsTensor> tensor(String name) {
    Objects.requireNonNull(name, "name");
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The {@code config.json} beside the checkpoint.
   *
   * @return its path, or empty if the checkpoint's directory has none
   */
  public Optional<Path> configJson() {
    return configJson;
  }

  /**
   * Tensor data bytes of the whole checkpoint, headers excluded.
   *
   * @return the sum of every tensor's {@code data_offsets} length, bytes
   * @throws ArithmeticException if the sum overflows a {@code long}
   */
  public long totalBytes() {
    long sum = 0;
    for (SafetensorsTensor t : tensors) {
      sum = Math.addExact(sum, t.bytes());
    }
    return sum;
  }

  /**
   * Model parameters the checkpoint stores: elements of ordinary tensors, unpacked values of packed
   * quantised ones, nothing for quantisation metadata (see {@link SafetensorsReader}).
   *
   * @return the parameter count
   * @throws ArithmeticException if the sum overflows a {@code long}
   */
  public long parameters() {
    long sum = 0;
    for (SafetensorsTensor t : tensors) {
      sum = Math.addExact(sum, t.parameters());
    }
    return sum;
  }

  /**
   * The model's structure, from the {@code config.json} beside the checkpoint.
   *
   * @return the model's layers, sizes and checkpoint precision, as {@link HfConfigReader#read}
   * @throws ModelConfigException when there is none, or it is malformed or unsupported
   */
  public ModelSpec modelSpec() {
    return HfConfigReader.read(requireConfig());
  }

  /**
   * The checkpoint's bytes per planner part, with the decoder's layer count taken from the {@code
   * config.json} beside it, or when there is none, one more than the highest layer number the
   * tensor names carry.
   *
   * @return the stored bytes by part, format {@code safetensors}
   * @throws ModelConfigException when a decoder layer below that count has no tensors, or the
   *     {@code config.json} is malformed or unsupported
   */
  public CheckpointWeights checkpointWeights() {
    if (configJson.isPresent()) {
      return checkpointWeights(modelSpec().layerCount());
    }
    long highest = -1;
    for (SafetensorsTensor t : tensors) {
      OptionalLong layer = DecoderLayout.layer(t.name());
      if (layer.isPresent()) {
        highest = Math.max(highest, layer.getAsLong());
      }
    }
    if (highest >= Integer.MAX_VALUE) {
      throw new ModelConfigException(
          source + ": decoder layer number " + highest + " is implausibly large");
    }
    return checkpointWeights((int) (highest + 1));
  }

  /**
   * The checkpoint's bytes per planner part: the token embedding ({@link DecoderLayout#EMBEDDING}),
   * the output head ({@code lm_head}; 0 when absent, i.e. tied), layers {@code 0..decoderLayers-1}
   * (every tensor named under {@code <decoder>.layers.i.} or {@code transformer.h.i.}), and
   * everything else, including layers numbered {@code decoderLayers} and up (DeepSeek-V3's
   * multi-token-prediction layer 61), as "other".
   *
   * @param decoderLayers the decoder's layer count ({@code num_hidden_layers})
   * @return the stored bytes by part, format {@code safetensors}
   * @throws IllegalArgumentException if {@code decoderLayers} is negative
   * @throws ModelConfigException when a layer below {@code decoderLayers} has no tensors
   */
  public CheckpointWeights checkpointWeights(int decoderLayers) {
    if (decoderLayers < 0) {
      throw new IllegalArgumentException(
          "decoderLayers must not be negative, was " + decoderLayers);
    }
    long embedding = 0;
    long output = 0;
    long other = 0;
    Map<Long, Long> layerBytes = new HashMap<>();
    for (SafetensorsTensor t : tensors) {
      OptionalLong layer = DecoderLayout.layer(t.name());
      if (DecoderLayout.isEmbedding(t.name())) {
        embedding = Math.addExact(embedding, t.bytes());
      } else if (DecoderLayout.isOutput(t.name())) {
        output = Math.addExact(output, t.bytes());
      } else if (layer.isPresent() && layer.getAsLong() < decoderLayers) {
        layerBytes.merge(layer.getAsLong(), t.bytes(), Math::addExact);
      } else {
        other = Math.addExact(other, t.bytes());
      }
    }
    List<Long> layers =
        CheckpointWeights.coveredLayers(source.toString(), layerBytes, decoderLayers);
    return new CheckpointWeights("safetensors", parameters(), embedding, output, other, layers);
  }

  private Path requireConfig() {
    return configJson.orElseThrow(
        () ->
            new ModelConfigException(
                source + ": no config.json beside the checkpoint; the model's structure needs it"));
  }
}
