package io.hwledger.math.gguf;

import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.math.CheckpointWeights;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The header of a GGUF file, as {@link GgufReader} read it: metadata, tensor infos and the layout
 * of the data section, plus what the planner derives from them.
 *
 * <p>Metadata values are held as the Java types {@link GgufType} lists: {@code Integer} for
 * UINT8/INT8/UINT16/INT16/INT32, {@code Long} for UINT32/UINT64/INT64, {@code Float}, {@code
 * Double}, {@code Boolean}, {@code String}, and {@link GgufArray} for arrays (nested arrays as
 * arrays of {@code GgufArray}).
 *
 * <p>Immutable and thread-safe.
 */
public final class GgufFile {
  private final String source;
  private final int version;
  private final ByteOrder byteOrder;
  private final int alignment;
  private final long dataOffset;
  private final OptionalLong fileSize;
  private final Map<String, Object> metadata;
  private final Map<String, GgufType> types;
  private final List<GgufTensor> tensors;
  private final Map<String, GgufTensor> byName;

  GgufFile(
      String source,
      int version,
      ByteOrder byteOrder,
      int alignment,
      long dataOffset,
      OptionalLong fileSize,
      Map<String, Object> metadata,
      Map<String, GgufType> types,
      List<GgufTensor> tensors,
      Map<String, GgufTensor> byName) {
    this.source = source;
    this.version = version;
    this.byteOrder = byteOrder;
    this.alignment = alignment;
    this.dataOffset = dataOffset;
    this.fileSize = fileSize;
    this.metadata = Collections.unmodifiableMap(metadata);
    this.types = Collections.unmodifiableMap(types);
    this.tensors = Collections.unmodifiableList(tensors);
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * Where the header came from, used in messages.
   *
   * @return the file's path, or the source name given to the reader
   */
  public String source() {
    return source;
  }

  /**
   * GGUF format version.
   *
   * @return 1, 2 or 3
   */
  public int version() {
    return version;
  }

  /**
   * Byte order of every number in the file.
   *
   * @return little-endian for most files; big-endian where the reader detected it
   */
  public ByteOrder byteOrder() {
    return byteOrder;
  }

  /**
   * Alignment of tensor data.
   *
   * @return bytes: {@code general.alignment}, or 32 when the key is absent
   */
  public int alignment() {
    return alignment;
  }

  /**
   * Where the data section starts: the header, padded to {@link #alignment()}.
   *
   * @return bytes from the start of the file
   */
  public long dataOffset() {
    return dataOffset;
  }

  /**
   * The file's length.
   *
   * @return bytes, or empty when the reader read a stream of unknown length
   */
  public OptionalLong fileSize() {
    return fileSize;
  }

  /**
   * Every metadata key with its value, in file order; see the class comment for the types.
   *
   * @return an unmodifiable map
   */
  public Map<String, Object> metadata() {
    return metadata;
  }

  /**
   * The GGUF type of the value of {@code key}.
   *
   * @param key a metadata key, e.g. {@code llama.block_count}
   * @return the stored type, or empty when the key is absent
   */
  public Optional<GgufType> type(String key) {
    Objects.requireNonNull(key, "key");
    return Optional.ofNullable(types.get(key));
  }

  /**
   * The string value of {@code key}.
   *
   * @param key a metadata key, e.g. {@code general.name}
   * @return the value, or empty when absent or not a string
   */
  public Optional<String> string(String key) {
    Objects.requireNonNull(key, "key");
    Object v = metadata.get(key);
    return v instanceof String string ? Optional.of(string) : Optional.empty();
  }

  /**
   * The value of {@code key} when it is a scalar integer of any GGUF integer type (UINT64 as its
   * stored bits).
   *
   * @param key a metadata key, e.g. {@code llama.block_count}
   * @return the value, or empty when absent, not an integer (a float or BOOL), or an array
   */
  public OptionalLong integer(String key) {
    Objects.requireNonNull(key, "key");
    Object v = metadata.get(key);
    if (v instanceof Integer || v instanceof Long) {
      return OptionalLong.of(((Number) v).longValue());
    }
    return OptionalLong.empty();
  }

  /**
   * The array value of {@code key}.
   *
   * @param key a metadata key, e.g. {@code tokenizer.ggml.tokens}
   * @return the array, or empty when absent or not an array
   */
  public Optional<GgufArray> array(String key) {
    Objects.requireNonNull(key, "key");
    Object v = metadata.get(key);
    return v instanceof GgufArray ggufArray ? Optional.of(ggufArray) : Optional.empty();
  }

  /**
   * Tensor infos in file order.
   *
   * @return an unmodifiable list
   */
  public List<GgufTensor> tensors() {
    return tensors;
  }

  /**
   * The tensor named {@code name}.
   *
   * @param name the exact tensor name, e.g. {@code token_embd.weight}
   * @return the tensor info, or empty when the file has none by that name
   */
  public Optional<GgufTensor> tensor(String name) {
    Objects.requireNonNull(name, "name");
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The model's architecture.
   *
   * @return {@code general.architecture}, e.g. {@code llama}, {@code qwen3moe}, {@code gpt-oss};
   *     empty when absent or not a string
   */
  public Optional<String> architecture() {
    return string("general.architecture");
  }

  /**
   * {@code general.file_type} named as llama.cpp's quantize tool names its {@code llama_ftype},
   * e.g. {@code Q4_K_M}; {@code unknown (N)} for an id llama.cpp does not define; empty when the
   * key is absent.
   *
   * @return the file type's name, or empty
   */
  public Optional<String> fileType() {
    OptionalLong id = integer("general.file_type");
    return id.isPresent() ? Optional.of(GgufFileTypes.name(id.getAsLong())) : Optional.empty();
  }

  /**
   * Tensor bytes by role, from the tensor list: {@code token_embd.weight} is the embedding, {@code
   * output.weight} the output head (0 when absent: tied), {@code blk.N.*} layer N, the rest other.
   * The decoder has {@code {arch}.block_count} layers, or one more than the highest {@code blk.N}
   * index when that key is absent; {@code blk.N} tensors numbered past the decoder count as other.
   *
   * @return the stored bytes by role, format {@code gguf} with the file type
   * @throws ModelConfigException naming the first layer without tensors, or a malformed count
   */
  public CheckpointWeights checkpointWeights() {
    return GgufWeights.of(this);
  }

  /**
   * The model's structure, from the {@code {arch}.*} metadata and the tensor list; see {@code
   * docs/adr/0007-gguf-reader.md} for the rules.
   *
   * @throws ModelConfigException naming the architecture when it is not supported, or the key that
   *     is missing or malformed
   * @return the model's layers and sizes, named after the file
   */
  public ModelSpec modelSpec() {
    return GgufSpec.of(this);
  }

  @Override
  public String toString() {
    return "GgufFile["
        + source
        + ", v"
        + version
        + ", "
        + metadata.size()
        + " keys, "
        + tensors.size()
        + " tensors]";
  }
}
