package io.hwledger.math.gguf;

/** Names of llama.cpp's {@code llama_ftype} ids, the values of {@code general.file_type}. */
final class GgufFileTypes {
  // llama.h enum llama_ftype (REFERENCES.md §2); ids 4-6 and 33-35 were removed from llama.cpp.
  private static final String[] NAMES = {
    "F32",
    "F16",
    "Q4_0",
    "Q4_1",
    null,
    null,
    null,
    "Q8_0",
    "Q5_0",
    "Q5_1",
    "Q2_K",
    "Q3_K_S",
    "Q3_K_M",
    "Q3_K_L",
    "Q4_K_S",
    "Q4_K_M",
    "Q5_K_S",
    "Q5_K_M",
    "Q6_K",
    "IQ2_XXS",
    "IQ2_XS",
    "Q2_K_S",
    "IQ3_XS",
    "IQ3_XXS",
    "IQ1_S",
    "IQ4_NL",
    "IQ3_S",
    "IQ3_M",
    "IQ2_S",
    "IQ2_M",
    "IQ4_XS",
    "IQ1_M",
    "BF16",
    null,
    null,
    null,
    "TQ1_0",
    "TQ2_0",
    "MXFP4_MOE",
    "NVFP4"
  };

  private GgufFileTypes() {}

  /** The name of {@code id}, or {@code unknown (id)}. */
  static String name(long id) {
    if (id >= 0 && id < NAMES.length && NAMES[(int) id] != null) {
      return NAMES[(int) id];
    }
    return "unknown (" + id + ")";
  }
}
