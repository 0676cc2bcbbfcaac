package io.hwledger.math.safetensors;

import java.util.Optional;

/**
 * The element types a safetensors header may name, spelled as in the file.
 *
 * <p>The list and the widths follow {@code Dtype} and {@code Dtype::bitsize} in
 * huggingface/safetensors {@code safetensors/src/tensor.rs} (commit 24b0b28, 2026-05-12). The
 * sub-byte types {@code F4}, {@code F6_E2M3} and {@code F6_E3M2} count elements in the shape like
 * any other; a tensor of them must fill whole bytes.
 */
public enum SafetensorsDtype {
  /** Boolean, one byte. */
  BOOL(8, false),
  /** OCP MX FP4 (e2m1) elements, 4 bits. */
  F4(4, false),
  /** OCP MX FP6 (e2m3) elements, 6 bits. */
  F6_E2M3(6, false),
  /** OCP MX FP6 (e3m2) elements, 6 bits. */
  F6_E3M2(6, false),
  /** Unsigned byte. */
  U8(8, true),
  /** Signed byte. */
  I8(8, true),
  /** FP8 e5m2. */
  F8_E5M2(8, false),
  /** FP8 e4m3 (the "fn" variant torch calls float8_e4m3fn). */
  F8_E4M3(8, false),
  /** OCP MX e8m0 scale: an exponent only. */
  F8_E8M0(8, false),
  /** FP8 e4m3 without negative zero or infinities (AMD "fnuz"). */
  F8_E4M3FNUZ(8, false),
  /** FP8 e5m2 without negative zero or infinities (AMD "fnuz"). */
  F8_E5M2FNUZ(8, false),
  /** Signed 16-bit integer. */
  I16(16, true),
  /** Unsigned 16-bit integer. */
  U16(16, true),
  /** IEEE half precision. */
  F16(16, false),
  /** bfloat16. */
  BF16(16, false),
  /** Signed 32-bit integer. */
  I32(32, true),
  /** Unsigned 32-bit integer. */
  U32(32, true),
  /** IEEE single precision. */
  F32(32, false),
  /** Complex number of two 32-bit floats. */
  C64(64, false),
  /** IEEE double precision. */
  F64(64, false),
  /** Signed 64-bit integer. */
  I64(64, true),
  /** Unsigned 64-bit integer. */
  U64(64, true);

  private final int bits;
  private final boolean integer;

  SafetensorsDtype(int bits, boolean integer) {
    this.bits = bits;
    this.integer = integer;
  }

  /**
   * Width of one element.
   *
   * @return bits: 4, 6, 8, 16, 32 or 64
   */
  public int bits() {
    return bits;
  }

  /**
   * Whether elements are signed or unsigned integers (the carriers of packed quantised values).
   *
   * @return true for {@code U8} … {@code U64} and {@code I8} … {@code I64}; false for floats and
   *     {@code BOOL}
   */
  public boolean isInteger() {
    return integer;
  }

  /**
   * The dtype the file spells {@code name} (case-sensitive, as the format is).
   *
   * @param name the header's {@code dtype} string, e.g. {@code BF16}
   * @return the dtype, or empty for a name the format does not define
   */
  public static Optional<SafetensorsDtype> fromFileName(String name) {
    for (SafetensorsDtype dtype : values()) {
      if (dtype.name().equals(name)) {
        return Optional.of(dtype);
      }
    }
    return Optional.empty();
  }
}
