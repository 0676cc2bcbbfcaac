package io.hwledger.math.safetensors;

import java.util.List;

/**
 * How many model parameters a tensor stores, from its name and dtype.
 *
 * <ul>
 *   <li>Packed integer weights, {@code *.qweight} (AutoGPTQ, AutoAWQ) and {@code *.weight_packed}
 *       (compressed-tensors {@code pack-quantized}, int32 words; {@code nvfp4-pack-quantized},
 *       uint8): {@code bytes · 8 / bits} values. GPTQ packs along the input dimension ({@code
 *       qweight [in·bits/32, out]}), AWQ along the output dimension ({@code qweight [in,
 *       out·bits/32]}; vLLM's {@code awq_linear} reads the output width as {@code qweight.shape[-1]
 *       · pack_factor}); the count does not depend on the direction.
 *   <li>MXFP4 blocks, {@code *_blocks} (gpt-oss, uint8 {@code [..., 16]}): two e2m1 values per
 *       byte, 32 values per 16-byte block (OCP Microscaling spec v1.0).
 *   <li>Quantisation metadata (zero points, scales, group indices, the original shape) stores no
 *       parameters: see {@link #METADATA_SUFFIXES}.
 *   <li>Everything else stores one parameter per element.
 * </ul>
 */
final class ParameterRule {
  /**
   * Name endings of quantisation metadata: GPTQ/AWQ {@code qzeros}, {@code scales}, {@code g_idx};
   * fp8 block scales {@code weight_scale_inv} (DeepSeek-V3) and per-tensor {@code weight_scale},
   * {@code input_scale} (compressed-tensors, ModelOpt); compressed-tensors {@code
   * weight_zero_point}, {@code weight_g_idx}, {@code weight_shape} and the NVFP4 global scales; fp8
   * KV-cache scales; MXFP4 {@code _scales} (one e8m0 exponent per 32-value block).
   */
  static final List<String> METADATA_SUFFIXES =
      List.of(
          ".qzeros",
          ".scales",
          ".g_idx",
          ".weight_scale",
          ".weight_scale_inv",
          ".input_scale",
          ".output_scale",
          ".weight_zero_point",
          ".weight_g_idx",
          ".weight_shape",
          ".weight_global_scale",
          ".input_global_scale",
          ".k_scale",
          ".v_scale",
          "_scales");

  private static final List<String> PACKED_SUFFIXES = List.of(".qweight", ".weight_packed");
  private static final String MXFP4_BLOCKS = "_blocks";
  private static final int E2M1_BITS = 4;

  private ParameterRule() {}

  /** Whether {@code name} is a packed integer weight whose width comes from the config. */
  static boolean isPacked(String name) {
    return endsWithAny(name, PACKED_SUFFIXES);
  }

  /**
   * Parameters stored by a tensor.
   *
   * @param bytes the tensor's data bytes
   * @param packedBits bits per value of packed integer weights ({@link #isPacked})
   * @return the count, or an explanation when a packed tensor's dtype or size cannot hold one
   * @throws IllegalArgumentException naming the tensor when it claims to be packed but is not an
   *     integer tensor of whole values
   */
  static long parameters(
      String name, SafetensorsDtype dtype, long elements, long bytes, int packedBits) {
    if (endsWithAny(name, METADATA_SUFFIXES)) {
      return 0;
    }
    if (isPacked(name)) {
      return packed(name, dtype, bytes, packedBits);
    }
    if (name.endsWith(MXFP4_BLOCKS)) {
      return packed(name, dtype, bytes, E2M1_BITS);
    }
    return elements;
  }

  private static long packed(String name, SafetensorsDtype dtype, long bytes, int bits) {
    if (!dtype.isInteger()) {
      throw new IllegalArgumentException(
          "packed tensor '" + name + "' must have an integer dtype, found " + dtype);
    }
    long totalBits = Math.multiplyExact(bytes, 8L);
    if (totalBits % bits != 0) {
      throw new IllegalArgumentException(
          "packed tensor '"
              + name
              + "' of "
              + bytes
              + " bytes holds no whole "
              + bits
              + "-bit values");
    }
    return totalBits / bits;
  }

  private static boolean endsWithAny(String name, List<String> suffixes) {
    for (String suffix : suffixes) {
      if (name.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }
}
