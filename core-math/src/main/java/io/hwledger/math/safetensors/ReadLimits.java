package io.hwledger.math.safetensors;

import io.hwledger.api.ModelConfigException;

/**
 * The stated limits of reading one safetensors header or shard index, and how much of them the read
 * has used. The file size alone cannot bound what a header makes the reader keep: a legal
 * 100,000,000-byte header can list a million zero-byte tensors. These limits keep the worst file
 * this reader accepts near 140 MiB of heap (names, entries, the checkpoint's tensor list), so a JVM
 * with a 256 MiB heap reads any input, while staying above every published checkpoint:
 *
 * <ul>
 *   <li>{@value #MAX_TENSORS} tensors per checkpoint: DeepSeek-V3's index lists 91,991; a 1T MoE
 *       with 384 experts in 60 layers and three tensors per int4-packed projection (Kimi K2
 *       Thinking's {@code weight_packed}, {@code weight_scale}, {@code weight_shape}) lists about
 *       208,000;
 *   <li>{@value #MAX_NAME_CHARS} characters per tensor name: transformers' longest names are about
 *       100 ({@code model.language_model.layers.47.mlp.experts.127.down_proj.weight_scale_inv});
 *   <li>{@value #MAX_NAME_CHARS_TOTAL} characters of tensor names per file: DeepSeek-V3's index
 *       holds about 6 million, the 208,000-tensor index above about 12 million;
 *   <li>{@value #MAX_METADATA_CHARS} characters of {@code __metadata__} keys and values per file
 *       (transformers writes {@code {"format": "pt"}});
 *   <li>{@value #MAX_RANK} dimensions per shape (published tensors have at most 5).
 * </ul>
 *
 * <p>Not thread-safe: one instance per file read.
 */
final class ReadLimits {
  /** Most tensors of one checkpoint, 2^18. */
  static final int MAX_TENSORS = 1 << 18;

  /** Longest tensor name, in characters. */
  static final int MAX_NAME_CHARS = 1024;

  /** Most characters of all tensor names of one file together, 2^25. */
  static final long MAX_NAME_CHARS_TOTAL = 1L << 25;

  /** Most characters of one file's {@code __metadata__} keys and values together, 2^24. */
  static final long MAX_METADATA_CHARS = 1L << 24;

  /** Most dimensions of one tensor's shape. */
  static final int MAX_RANK = 64;

  private final Object source;
  private long tensors;
  private long nameChars;
  private long metadataChars;

  /** Limits for reading {@code source}, named in messages. */
  ReadLimits(Object source) {
    this.source = source;
  }

  /**
   * Counts one more tensor named {@code name}.
   *
   * @throws ModelConfigException naming the limit passed
   */
  void tensor(String name) {
    if (name.length() > MAX_NAME_CHARS) {
      throw new ModelConfigException(
          source
              + ": tensor name '"
              + name.substring(0, 120)
              + "…' is "
              + name.length()
              + " characters, more than the limit of "
              + MAX_NAME_CHARS);
    }
    tensors++;
    if (tensors > MAX_TENSORS) {
      throw new ModelConfigException(
          source
              + ": tensor count reaches "
              + tensors
              + ", more than the limit of "
              + MAX_TENSORS
              + " per checkpoint");
    }
    nameChars += name.length();
    if (nameChars > MAX_NAME_CHARS_TOTAL) {
      throw new ModelConfigException(
          source
              + ": tensor names reach "
              + nameChars
              + " characters, more than the limit of "
              + MAX_NAME_CHARS_TOTAL
              + " per file");
    }
  }

  /**
   * Counts one more {@code __metadata__} entry.
   *
   * @throws ModelConfigException naming the limit passed
   */
  void metadata(String key, String value) {
    metadataChars += key.length() + (long) value.length();
    if (metadataChars > MAX_METADATA_CHARS) {
      throw new ModelConfigException(
          source
              + ": '__metadata__' reaches "
              + metadataChars
              + " characters, more than the limit of "
              + MAX_METADATA_CHARS
              + " per file");
    }
  }
}
