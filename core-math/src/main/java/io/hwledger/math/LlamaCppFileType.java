package io.hwledger.math;

import io.hwledger.api.DType;
import java.util.Locale;
import java.util.Optional;

/**
 * llama.cpp's file types ({@code enum llama_ftype} in {@code include/llama.h}, the value of a
 * GGUF's {@code general.file_type}), as {@code llama-quantize} names them, each with the ggml type
 * its tensors default to ({@code llama_ftype_get_default_type} in {@code src/llama-quant.cpp}). A
 * file type is a mix, not a format: {@link LlamaCppQuantization} chooses each tensor's type as
 * llama.cpp does. Ids and default types follow llama.cpp at commit {@code
 * 007dbbf3fd17eefe9b47fee45f48f7ba5e62b714}; block sizes are {@link DType}'s.
 */
public enum LlamaCppFileType {
  /** {@code LLAMA_FTYPE_ALL_F32}: every tensor in F32. */
  F32(0, "f32"),
  /** {@code LLAMA_FTYPE_MOSTLY_F16}: linear weights in F16, norms and biases in F32. */
  F16(1, "f16"),
  /** Q4_0: 4.5 bits per weight; output head Q6_K. */
  Q4_0(2, "q4_0"),
  /** Q4_1: 5 bits per weight; output head Q6_K. */
  Q4_1(3, "q4_1"),
  /** Q8_0: 8.5 bits per weight, output head too. */
  Q8_0(7, "q8_0"),
  /** Q5_0: 5.5 bits per weight; output head Q6_K. */
  Q5_0(8, "q5_0"),
  /** Q5_1: 6 bits per weight; output head Q6_K. */
  Q5_1(9, "q5_1"),
  /** Q2_K: mostly Q2_K, with attn_v, ffn_down and attn_output raised. */
  Q2_K(10, "q2_k"),
  /** Q3_K_S: Q3_K throughout. */
  Q3_K_S(11, "q3_k"),
  /** Q3_K_M: Q3_K, with attn_v, ffn_down and attn_output raised. */
  Q3_K_M(12, "q3_k"),
  /** Q3_K_L: Q3_K, attn_v, ffn_down and attn_output in Q5_K. */
  Q3_K_L(13, "q3_k"),
  /** Q4_K_S: Q4_K, the first attn_v and first eighth of ffn_down in Q5_K. */
  Q4_K_S(14, "q4_k"),
  /** Q4_K_M: Q4_K, half of attn_v and ffn_down in Q6_K ({@code use_more_bits}). */
  Q4_K_M(15, "q4_k"),
  /** Q5_K_S: Q5_K throughout. */
  Q5_K_S(16, "q5_k"),
  /** Q5_K_M: Q5_K, half of attn_v and ffn_down in Q6_K. */
  Q5_K_M(17, "q5_k"),
  /** Q6_K: 6.5625 bits per weight. */
  Q6_K(18, "q6_k"),
  /** IQ2_XXS: 2.06 bits per weight; needs an importance matrix. */
  IQ2_XXS(19, "iq2_xxs"),
  /** IQ2_XS: 2.31 bits per weight; needs an importance matrix. */
  IQ2_XS(20, "iq2_xs"),
  /** Q2_K_S: Q2_K with fewer tensors raised; needs an importance matrix. */
  Q2_K_S(21, "q2_k"),
  /** IQ3_XS: IQ3_S default, some tensors IQ3_XXS. */
  IQ3_XS(22, "iq3_s"),
  /** IQ3_XXS: 3.06 bits per weight; needs an importance matrix. */
  IQ3_XXS(23, "iq3_xxs"),
  /** IQ1_S: 1.56 bits per weight; needs an importance matrix. */
  IQ1_S(24, "iq1_s"),
  /** IQ4_NL: 4.5 bits per weight, blocks of 32. */
  IQ4_NL(25, "iq4_nl"),
  /** IQ3_S: 3.44 bits per weight. */
  IQ3_S(26, "iq3_s"),
  /** IQ3_M: IQ3_S with attn_v, early ffn_down and attn_output raised. */
  IQ3_M(27, "iq3_s"),
  /** IQ2_S: IQ2_XS default with IQ3_S raises; needs an importance matrix. */
  IQ2_S(28, "iq2_xs"),
  /** IQ2_M: IQ2_S default with IQ3_S raises; needs an importance matrix. */
  IQ2_M(29, "iq2_s"),
  /** IQ4_XS: 4.25 bits per weight. */
  IQ4_XS(30, "iq4_xs"),
  /** IQ1_M: 1.75 bits per weight; needs an importance matrix. */
  IQ1_M(31, "iq1_m"),
  /** {@code LLAMA_FTYPE_MOSTLY_BF16}: linear weights in BF16, norms and biases in F32. */
  BF16(32, "bf16"),
  /** TQ1_0: ternary, 1.69 bits per weight. */
  TQ1_0(36, "tq1_0"),
  /** TQ2_0: ternary, 2.06 bits per weight. */
  TQ2_0(37, "tq2_0"),
  /** MXFP4_MOE: routed experts in MXFP4, every other quantised tensor in Q8_0. */
  MXFP4_MOE(38, "mxfp4"),
  /** NVFP4: named so files read back, not planned (no block size here). */
  NVFP4(39, null),
  /**
   * Q1_0: sign bits with a 16-bit scale per block ("1.125 bpw" in {@code llama-quantize}); named so
   * files read back, not planned (no block size here).
   */
  Q1_0(40, null),
  /**
   * Q2_0: 2-bit weights with a 16-bit scale per block ("2.25 bpw (group 64)"); named so files read
   * back, not planned (no block size here).
   */
  Q2_0(41, null);

  private final int id;
  private final String defaultType;

  LlamaCppFileType(int id, String defaultType) {
    this.id = id;
    this.defaultType = defaultType;
  }

  /**
   * The {@code llama_ftype} id, as {@code general.file_type} stores it.
   *
   * @return the id, e.g. 15 for Q4_K_M
   */
  public int id() {
    return id;
  }

  /**
   * The ggml type tensors of this file type default to before llama.cpp's per-tensor choices.
   *
   * @return the type, e.g. {@code q4_k} for Q4_K_M; empty for {@link #NVFP4}, {@link #Q1_0} and
   *     {@link #Q2_0}
   */
  public Optional<DType> defaultType() {
    return defaultType == null ? Optional.empty() : Optional.of(DType.parse(defaultType));
  }

  /**
   * Whether {@code llama-quantize} refuses this file type without an importance matrix ({@code
   * tensor_requires_imatrix}: IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ2_M, IQ3_XXS and Q2_K_S), so
   * every published file of it was made with one.
   *
   * @return {@code true} for the types that need one
   */
  public boolean requiresImatrix() {
    switch (this) {
      case IQ1_S:
      case IQ1_M:
      case IQ2_XXS:
      case IQ2_XS:
      case IQ2_S:
      case IQ2_M:
      case IQ3_XXS:
      case Q2_K_S:
        return true;
      default:
        return false;
    }
  }

  /**
   * Whether this type stores linear weights in a float format (F32, F16, BF16) rather than a
   * quantised mix.
   *
   * @return {@code true} for F32, F16 and BF16
   */
  public boolean isFloat() {
    return this == F32 || this == F16 || this == BF16;
  }

  /**
   * The quantised file type named {@code text} ({@link #find}, then not {@link #isFloat}): a
   * per-tensor mix that a {@code --weights} value plans through {@link LlamaCppQuantization}, where
   * the float types' names (F32, F16, BF16) are read as the formats they store.
   *
   * @param text a file type name; surrounding whitespace is ignored
   * @return the quantised file type, or empty for a float type or an unknown name
   */
  public static Optional<LlamaCppFileType> findQuantised(String text) {
    return find(text).filter(t -> !t.isFloat());
  }

  /**
   * The file type named {@code text} as {@code llama-quantize} spells it, case-insensitively
   * ({@code Q4_K_M}, {@code q4_k_m}, {@code IQ4_XS}; dashes read as underscores).
   *
   * @param text a file type name; surrounding whitespace is ignored
   * @return the file type, or empty when llama.cpp has none of that name
   */
  public static Optional<LlamaCppFileType> find(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String key = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (LlamaCppFileType t : values()) {
      if (t.name().equals(key)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * The file type with {@code llama_ftype} id {@code id}.
   *
   * @param id a {@code general.file_type} value
   * @return the file type, or empty for ids llama.cpp never assigned or has removed (4-6, 33-35)
   */
  public static Optional<LlamaCppFileType> ofId(long id) {
    for (LlamaCppFileType t : values()) {
      if (t.id == id) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
