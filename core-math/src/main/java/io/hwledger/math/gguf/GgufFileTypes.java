package io.hwledger.math.gguf;

import io.hwledger.math.LlamaCppFileType;

/** Names of llama.cpp's {@code llama_ftype} ids, the values of {@code general.file_type}. */
final class GgufFileTypes {
  private GgufFileTypes() {}

  /** The name of {@code id} ({@link LlamaCppFileType}), or {@code unknown (id)}. */
  static String name(long id) {
    return LlamaCppFileType.ofId(id).map(Enum::name).orElse("unknown (" + id + ")");
  }
}
