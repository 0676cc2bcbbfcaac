package io.hwledger.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A storage format for tensor elements, with its exact size including block scales.
 *
 * <p>A format stores elements in blocks of {@link #blockElements()} elements that take {@link
 * #blockBits()} bits together, scales included. A row of {@code n} elements takes {@code ceil(n /
 * blockElements)} blocks: ggml and group-quantised formats never share a block between rows.
 *
 * <p>Sizes are exact for the formats as stored by their reference implementations:
 *
 * <ul>
 *   <li>fp32, fp16, bf16, fp8 (e4m3, e5m2) and int8: one element per block. Per-tensor or
 *       per-channel scales of fp8 and int8 checkpoints are one number per tensor or output row and
 *       are not counted.
 *   <li>{@code int4} with group size {@code g}: the AWQ / GPTQ layout, 4-bit values plus one fp16
 *       scale and one packed 4-bit zero point per group of {@code g} input elements, so {@code 4g +
 *       20} bits per group (4.15625 bits per weight at {@code g = 128}, the default).
 *   <li>ggml block types: the block sizes of gguf-py {@code GGML_QUANT_SIZES}.
 *   <li>{@code mxfp4}: the OCP microscaling format, 32 e2m1 values and one e8m0 scale, 17 bytes.
 * </ul>
 *
 * <p>Instances are immutable and compare by value.
 */
public final class DType {
  /** IEEE 754 binary32. */
  public static final DType FP32 = new DType("fp32", 1, 32, 0, false);

  /** IEEE 754 binary16. */
  public static final DType FP16 = new DType("fp16", 1, 16, 1, false);

  /** bfloat16. */
  public static final DType BF16 = new DType("bf16", 1, 16, 30, false);

  /** OCP fp8 with 4 exponent and 3 mantissa bits. */
  public static final DType FP8_E4M3 = new DType("fp8_e4m3", 1, 8, -1, true);

  /** OCP fp8 with 5 exponent and 2 mantissa bits. */
  public static final DType FP8_E5M2 = new DType("fp8_e5m2", 1, 8, -1, true);

  /** 8-bit integer, one byte per element. */
  public static final DType INT8 = new DType("int8", 1, 8, -1, true);

  /** 4-bit integer in the AWQ / GPTQ layout with the default group size of 128. */
  public static final DType INT4 = int4(128);

  /** OCP MXFP4: blocks of 32 e2m1 values sharing one e8m0 scale (17 bytes). */
  public static final DType MXFP4 = new DType("mxfp4", 32, 17 * 8, 39, true);

  /** ggml {@code F64} (id 28): IEEE 754 binary64, one element per 8-byte block. */
  public static final DType FP64 = new DType("f64", 1, 64, 28, false);

  /** ggml {@code I8} (id 24): 8-bit integers, as ggml stores them in plain tensors. */
  public static final DType I8 = new DType("i8", 1, 8, 24, false);

  /** ggml {@code I16} (id 25): 16-bit integers. */
  public static final DType I16 = new DType("i16", 1, 16, 25, false);

  /** ggml {@code I32} (id 26): 32-bit integers. */
  public static final DType I32 = new DType("i32", 1, 32, 26, false);

  /** ggml {@code I64} (id 27): 64-bit integers. */
  public static final DType I64 = new DType("i64", 1, 64, 27, false);

  private static final Map<String, DType> BY_NAME = buildNames();

  private static final Map<Integer, DType> BY_GGML_TYPE = buildGgmlTypes();

  private final String name;
  private final int blockElements;
  private final int blockBits;
  private final int ggmlType;
  private final boolean quantized;

  private DType(String name, int blockElements, int blockBits, int ggmlType, boolean quantized) {
    this.name = name;
    this.blockElements = blockElements;
    this.blockBits = blockBits;
    this.ggmlType = ggmlType;
    this.quantized = quantized;
  }

  /**
   * Returns 4-bit integers with one fp16 scale and one 4-bit zero point per group (AWQ / GPTQ).
   *
   * @param groupSize elements sharing one scale; a positive even number
   * @return the format, named {@code int4_g<groupSize>}
   * @throws IllegalArgumentException if {@code groupSize} is not a positive even number
   */
  public static DType int4(int groupSize) {
    if (groupSize <= 0 || groupSize % 2 != 0) {
      throw new IllegalArgumentException(
          "int4 group size must be a positive even number, was " + groupSize);
    }
    return new DType("int4_g" + groupSize, groupSize, 4 * groupSize + 20, -1, true);
  }

  /**
   * Returns MLX affine quantisation: {@code bits}-bit values plus an fp16 scale and an fp16 bias
   * per group of {@code groupSize} elements, so {@code bits + 32 / groupSize} bits per element
   * (4-bit, group 64: 4.5). MLX uses it for weights ({@code mlx_lm.convert -q}) and for its
   * quantised KV cache ({@code --kv-bits}); see mlx {@code mx.quantize} and mlx-lm {@code
   * QuantizedKVCache}.
   *
   * @param bits 2, 3, 4, 5, 6 or 8
   * @param groupSize elements sharing one scale and bias; 32, 64 or 128
   * @return the format, named {@code affine<bits>_g<groupSize>}
   * @throws IllegalArgumentException if {@code bits} or {@code groupSize} is not one of these
   */
  public static DType affine(int bits, int groupSize) {
    if (bits < 2 || bits > 8 || bits == 7) {
      throw new IllegalArgumentException("affine bits must be 2, 3, 4, 5, 6 or 8, was " + bits);
    }
    if (groupSize != 32 && groupSize != 64 && groupSize != 128) {
      throw new IllegalArgumentException(
          "affine group size must be 32, 64 or 128, was " + groupSize);
    }
    return new DType(
        "affine" + bits + "_g" + groupSize, groupSize, bits * groupSize + 32, -1, true);
  }

  private static DType ggml(String name, int id, int blockElements, int blockBytes) {
    return new DType(name, blockElements, blockBytes * 8, id, true);
  }

  private static Map<String, DType> buildNames() {
    Map<String, DType> names = new LinkedHashMap<>();
    // I8..I64 and F64: gguf-py GGML_QUANT_SIZES (1, 1), (1, 2), (1, 4), (1, 8), (1, 8).
    for (DType t :
        new DType[] {
          FP32, FP16, BF16, FP8_E4M3, FP8_E5M2, INT8, INT4, MXFP4, FP64, I8, I16, I32, I64
        }) {
      names.put(t.name, t);
    }
    // ggml block types: gguf-py GGML_QUANT_SIZES (weights per block, bytes per block).
    DType[] ggml = {
      ggml("q4_0", 2, 32, 18),
      ggml("q4_1", 3, 32, 20),
      ggml("q5_0", 6, 32, 22),
      ggml("q5_1", 7, 32, 24),
      ggml("q8_0", 8, 32, 34),
      ggml("q8_1", 9, 32, 36),
      ggml("q2_k", 10, 256, 84),
      ggml("q3_k", 11, 256, 110),
      ggml("q4_k", 12, 256, 144),
      ggml("q5_k", 13, 256, 176),
      ggml("q6_k", 14, 256, 210),
      ggml("q8_k", 15, 256, 292),
      ggml("iq2_xxs", 16, 256, 66),
      ggml("iq2_xs", 17, 256, 74),
      ggml("iq3_xxs", 18, 256, 98),
      ggml("iq1_s", 19, 256, 50),
      ggml("iq4_nl", 20, 32, 18),
      ggml("iq3_s", 21, 256, 110),
      ggml("iq2_s", 22, 256, 82),
      ggml("iq4_xs", 23, 256, 136),
      ggml("iq1_m", 29, 256, 56),
      ggml("tq1_0", 34, 256, 54),
      ggml("tq2_0", 35, 256, 66),
    };
    for (DType t : ggml) {
      names.put(t.name, t);
    }
    names.put("f32", FP32);
    names.put("float32", FP32);
    names.put("f16", FP16);
    names.put("float16", FP16);
    names.put("half", FP16);
    names.put("bfloat16", BF16);
    names.put("fp8", FP8_E4M3);
    names.put("e4m3", FP8_E4M3);
    names.put("float8_e4m3fn", FP8_E4M3);
    names.put("e5m2", FP8_E5M2);
    names.put("float8_e5m2", FP8_E5M2);
    names.put("int4", INT4);
    return Collections.unmodifiableMap(names);
  }

  private static Map<Integer, DType> buildGgmlTypes() {
    Map<Integer, DType> ids = new java.util.HashMap<>();
    for (DType t : BY_NAME.values()) {
      if (t.ggmlType >= 0) {
        ids.putIfAbsent(t.ggmlType, t);
      }
    }
    return Collections.unmodifiableMap(ids);
  }

  /**
   * The format with ggml type id {@code id} ({@code enum ggml_type}; gguf-py {@code
   * GGMLQuantizationType}), e.g. 0 → fp32, 12 → q4_k, 39 → mxfp4. Empty for ids ggml never assigned
   * and for the removed repacked types (31–33, 36–38).
   *
   * @param id a ggml type id, as a GGUF tensor info stores it
   * @return the format, or empty if the id is unknown
   */
  public static Optional<DType> ofGgmlType(int id) {
    return Optional.ofNullable(BY_GGML_TYPE.get(id));
  }

  /**
   * Parses a format name, case-insensitively: {@code fp32}, {@code fp16}, {@code bf16}, {@code fp8}
   * (= {@code fp8_e4m3}), {@code fp8_e5m2}, {@code int8}, {@code int4} (group 128), {@code
   * int4_g64} (any even group size), {@code affine4_g64} (MLX, see {@link #affine}), {@code mxfp4},
   * and the ggml names ({@code f16}, {@code q8_0}, {@code q4_k}, ...). Dashes are read as
   * underscores.
   *
   * @param text a format name; surrounding whitespace is ignored
   * @return the format; aliases return the canonical instance ({@code fp8} is {@link #FP8_E4M3})
   * @throws IllegalArgumentException naming the text when it is no known format
   */
  public static DType parse(String text) {
    Objects.requireNonNull(text, "text");
    String key = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    DType known = BY_NAME.get(key);
    if (known != null) {
      return known;
    }
    try {
      if (key.startsWith("int4_g")) {
        return int4(Integer.parseInt(key.substring("int4_g".length())));
      }
      int group = key.indexOf("_g");
      if (key.startsWith("affine") && group > "affine".length()) {
        return affine(
            Integer.parseInt(key.substring("affine".length(), group)),
            Integer.parseInt(key.substring(group + 2)));
      }
    } catch (NumberFormatException e) {
      // not a group size or bit count: fall through to the error naming the text
    } catch (IllegalArgumentException e) { // a known family with an impossible parameter
      throw new IllegalArgumentException("dtype '" + text + "': " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(
        "unknown dtype '" + text + "' (known: " + String.join(", ", BY_NAME.keySet()) + ")");
  }

  /**
   * Returns the names {@link #parse} accepts, canonical names first.
   *
   * @return an unmodifiable set, canonical names then aliases; other group sizes ({@code int4_g64},
   *     {@code affine4_g64}) parse but are not listed
   */
  public static java.util.Set<String> names() {
    return BY_NAME.keySet();
  }

  /**
   * Canonical lower-case name, e.g. {@code bf16}, {@code q4_k}, {@code int4_g128}.
   *
   * @return the name, which {@link #parse} reads back to this format
   */
  public String name() {
    return name;
  }

  /**
   * Elements stored together in one block (1 for plain formats).
   *
   * @return elements per block, at least 1
   */
  public int blockElements() {
    return blockElements;
  }

  /**
   * Bits one block takes, scales included.
   *
   * @return bits per block
   */
  public int blockBits() {
    return blockBits;
  }

  /**
   * The ggml type id, where this format is a ggml type.
   *
   * @return the id, or empty for formats ggml does not have (fp8, int8, int4, affine)
   */
  public OptionalInt ggmlType() {
    return ggmlType < 0 ? OptionalInt.empty() : OptionalInt.of(ggmlType);
  }

  /**
   * Whether this is a compressed weight format (narrower than 16 bits per element). Engines keep
   * embeddings, norms and biases of such checkpoints in a 16-bit format.
   *
   * @return {@code true} for fp8, int8, int4, affine, MXFP4 and the ggml block types
   */
  public boolean isQuantized() {
    return quantized;
  }

  /**
   * Average bits per element, scales included (display only).
   *
   * @return {@code blockBits / blockElements}, e.g. 4.5 for {@code q4_k}
   */
  public double bitsPerElement() {
    return (double) blockBits / blockElements;
  }

  /**
   * Exact bytes of {@code rows} rows of {@code columns} elements each.
   *
   * @param rows rows, at least 0
   * @param columns elements per row, at least 0; a row's last block is counted whole
   * @return bytes, rounded up to a whole byte
   * @throws ArithmeticException if the result overflows a {@code long}
   */
  public long bytes(long rows, long columns) {
    long blocksPerRow = (columns + blockElements - 1) / blockElements;
    long bits = Math.multiplyExact(Math.multiplyExact(rows, blocksPerRow), (long) blockBits);
    return (bits + 7) / 8;
  }

  /**
   * Exact bytes of one row of {@code elements} elements.
   *
   * @param elements elements, at least 0
   * @return bytes, rounded up to a whole byte
   * @throws ArithmeticException if the result overflows a {@code long}
   */
  public long bytes(long elements) {
    return bytes(1, elements);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DType dType
        && dType.name.equals(name)
        && dType.blockElements == blockElements
        && dType.blockBits == blockBits;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, blockElements, blockBits);
  }

  @Override
  public String toString() {
    return name;
  }
}
