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

  /** The file name (or the source name given to the reader), used in messages. */
  public String source() {
    return source;
  }

  /** GGUF format version: 1, 2 or 3. */
  public int version() {
    return version;
  }

  /** Byte order of every number in the file. */
  public ByteOrder byteOrder() {
    return byteOrder;
  }

  /** Alignment of tensor data, in bytes ({@code general.alignment}, default 32). */
  public int alignment() {
    return alignment;
  }

  /** Offset of the data section from the start of the file, in bytes: the header, padded. */
  public long dataOffset() {
    return dataOffset;
  }

  /** The file's length in bytes, when the reader knew it. */
  public OptionalLong fileSize() {
    return fileSize;
  }

  /** Every metadata key with its value, in file order; see the class comment for the types. */
  public Map<String, Object> metadata() {
    return metadata;
  }

  /** The GGUF type of the value of {@code key}, if present. */
  public Optional<GgufType> type(String key) {
    Objects.requireNonNull(key, "key");
    return Optional.ofNullable(types.get(key));
  }

  /** The string value of {@code key}; empty when absent or not a string. */
  public Optional<String> string(String key) {
    Objects.requireNonNull(key, "key");
    Object v = metadata.get(key);
    return v instanceof String string ? Optional.of(string) : Optional.empty();
  }

  /**
   * The value of {@code key} when it is a scalar integer of any GGUF integer type (UINT64 as its
   * stored bits); empty when absent or not an integer.
   */
  public OptionalLong integer(String key) {
    Objects.requireNonNull(key, "key");
    Object v = metadata.get(key);
    if (v instanceof Integer || v instanceof Long) {
      return OptionalLong.of(((Number) v).longValue());
    }
    return OptionalLong.empty();
  }

  /** The array value of {@code key}; empty when absent or not an array. */
  public Optional<GgufArray> array(String key) {
    Objects.requireNonNull(key, "key");
    Object v = metadata.get(key);
    return v instanceof GgufArray ggufArray ? Optional.of(ggufArray) : Optional.empty();
  }

  /** Tensor infos in file order. */
  public List<GgufTensor> tensors() {
    return tensors;
  }

  /** The tensor named {@code name}. */
  public Optional<GgufTensor> tensor(String name) {
    Objects.requireNonNull(name, "name");
    return Optional.ofNullable(byName.get(name));
  }

  /** {@code general.architecture}, e.g. {@code llama}, {@code qwen3moe}, {@code gpt-oss}. */
  public Optional<String> architecture() {
    return string("general.architecture");
  }

  /**
   * {@code general.file_type} named as llama.cpp's quantize tool names its {@code llama_ftype},
   * e.g. {@code Q4_K_M}; {@code unknown (N)} for an id llama.cpp does not define; empty when the
   * key is absent.
   */
  public Optional<String> fileType() {
    OptionalLong id = integer("general.file_type");
    return id.isPresent() ? Optional.of(GgufFileTypes.name(id.getAsLong())) : Optional.empty();
  }

  /**
   * Tensor bytes by role, from the tensor list: {@code token_embd.weight} is the embedding, {@code
   * output.weight} the output head (0 when absent: tied), {@code blk.N.*} layer N, the rest other.
   * The layer count is the larger of {@code {arch}.block_count} and one more than the highest
   * {@code blk.N} index, so every {@code blk} tensor is counted in a layer.
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
