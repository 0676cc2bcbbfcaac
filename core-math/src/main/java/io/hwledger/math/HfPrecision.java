package io.hwledger.math;

import io.hwledger.api.DType;
import io.hwledger.api.Precision;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The storage formats a published checkpoint implies: {@code torch_dtype} (or the newer {@code
 * dtype}) and {@code quantization_config}.
 *
 * <p>KV cache and recurrent state default to the checkpoint's 16-bit dtype, which is also the
 * format of everything a quantised checkpoint leaves unquantised.
 */
final class HfPrecision {
  private HfPrecision() {}

  /**
   * Reads the precision from the decoder object, falling back to the outer object for each field.
   *
   * @param decoder the decoder's fields ({@code text_config} when nested)
   * @param outer the file's top-level fields (the same object when not nested)
   */
  static Precision read(ConfigFields decoder, ConfigFields outer) {
    Optional<ConfigFields> quant = decoder.object("quantization_config");
    if (quant.isEmpty()) {
      quant = outer.object("quantization_config");
    }
    ConfigFields dtypeSource = decoder.has(ConfigFields.DTYPE) ? decoder : outer;
    Optional<String> name = dtypeSource.optString(ConfigFields.DTYPE);
    DType checkpoint;
    if (name.isPresent()) {
      checkpoint = checkpointDtype(name.get(), dtypeSource);
    } else if (quant.isPresent() && keepsBf16(quant.get())) {
      // fp8 (DeepSeek-V3) and mxfp4 (gpt-oss) checkpoints store every unquantised tensor in
      // bf16; gpt-oss's config has no torch_dtype.
      checkpoint = DType.BF16;
    } else {
      throw outer.missing(ConfigFields.DTYPE);
    }
    if (quant.isEmpty()) {
      return Precision.of(checkpoint, checkpoint);
    }
    return quantized(quant.get(), checkpoint, outer);
  }

  /**
   * Edge of the square weight blocks of a block-FP8 checkpoint ({@code
   * quantization_config.weight_block_size}, {@code [128, 128]} for DeepSeek-V3 and Qwen3-FP8), 0
   * when the checkpoint is not block-quantised.
   *
   * @param decoder the decoder's fields ({@code text_config} when nested)
   * @param outer the file's top-level fields
   * @throws io.hwledger.api.ModelConfigException when the block is not two equal positive sizes
   */
  static int weightBlockSize(ConfigFields decoder, ConfigFields outer) {
    Optional<ConfigFields> quant = decoder.object("quantization_config");
    if (quant.isEmpty()) {
      quant = outer.object("quantization_config");
    }
    if (quant.isEmpty() || !quant.get().has("weight_block_size")) {
      return 0;
    }
    List<Integer> block = quant.get().intList(ConfigFields.Key.of("weight_block_size"));
    if (block.size() != 2 || !block.get(0).equals(block.get(1)) || block.get(0) <= 0) {
      throw outer.error(
          "quantization_config.weight_block_size "
              + block
              + " is not representable (need two equal positive sizes, as [128, 128])");
    }
    return block.get(0);
  }

  /** All weights in {@code dtype}, caches and state too (formats without a dtype field). */
  static Precision unquantized(DType dtype) {
    return Precision.of(dtype, dtype);
  }

  private static boolean keepsBf16(ConfigFields q) {
    String method = q.optString("quant_method").orElse("").toLowerCase(Locale.ROOT);
    return method.equals("fp8") || method.equals("mxfp4");
  }

  private static DType checkpointDtype(String name, ConfigFields fields) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "bfloat16":
      case "torch.bfloat16":
        return DType.BF16;
      case "float16":
      case "torch.float16":
        return DType.FP16;
      case "float32":
      case "torch.float32":
        return DType.FP32;
      default:
        throw fields.error("unsupported torch_dtype '" + name + "'");
    }
  }

  private static Precision quantized(ConfigFields q, DType checkpoint, ConfigFields outer) {
    String method =
        q.optString("quant_method")
            .orElseThrow(() -> outer.error("missing 'quantization_config.quant_method'"));
    DType kept = checkpoint;
    switch (method.toLowerCase(Locale.ROOT)) {
      case "fp8":
        {
          // DeepSeek-V3 and transformers' FineGrainedFP8Config store float8_e4m3fn weights; "fmt"
          // names the format where a checkpoint says so.
          String fmt = q.optString("fmt").orElse("e4m3").toLowerCase(Locale.ROOT);
          DType fp8;
          if (fmt.equals("e4m3")) {
            fp8 = DType.FP8_E4M3;
          } else if (fmt.equals("e5m2")) {
            fp8 = DType.FP8_E5M2;
          } else {
            throw outer.error("unsupported quantization_config.fmt '" + fmt + "'");
          }
          return new Precision(fp8, fp8, kept, kept, kept, kept);
        }
      case "mxfp4":
        // transformers' Mxfp4HfQuantizer converts only the routed experts (GptOssExperts); gpt-oss
        // lists attention, router, embedding and head in modules_to_not_convert.
        return new Precision(kept, DType.MXFP4, kept, kept, kept, kept);
      case "awq":
      case "gptq":
        {
          int bits = q.requireInt("bits");
          if (bits != 4) {
            throw outer.error(
                "unsupported quantization_config.bits " + bits + " for '" + method + "'");
          }
          Optional<ConfigFields.Found> group =
              q.find(ConfigFields.Key.of("group_size", "q_group_size"));
          if (group.isEmpty()) {
            throw outer.error("missing 'quantization_config.group_size'");
          }
          long g = q.integral(group.get());
          if (g <= 0 || g % 2 != 0 || g > Integer.MAX_VALUE) {
            throw outer.error(
                "unsupported quantization_config.group_size "
                    + g
                    + " (need a positive even group)");
          }
          DType int4 = DType.int4((int) g);
          return new Precision(int4, int4, kept, kept, kept, kept);
        }
      default:
        throw outer.error("unsupported quantization_config.quant_method '" + method + "'");
    }
  }
}
