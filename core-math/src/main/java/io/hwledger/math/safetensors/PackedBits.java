package io.hwledger.math.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.ModelConfigException;
import io.hwledger.math.HfConfigReader;
import io.hwledger.math.StrictJson;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Bits per value of packed integer weights ({@code qweight}, {@code weight_packed}), which the
 * tensor header does not say: {@code quantization_config.bits} (AutoGPTQ, AutoAWQ) or the {@code
 * weights.num_bits} every compressed-tensors {@code config_groups} entry shares, in the {@code
 * config.json} beside the checkpoint; {@value #DEFAULT_BITS} when there is no config or it names no
 * width, the width of the GPTQ/AWQ checkpoints the planner accepts.
 */
final class PackedBits {
  /** Bits assumed without a config: 4-bit GPTQ/AWQ. */
  static final int DEFAULT_BITS = 4;

  private PackedBits() {}

  /**
   * The packed width the config at {@code configJson} names, or {@link #DEFAULT_BITS}.
   *
   * @throws ModelConfigException naming the config when unreadable, or when it names a width
   *     outside 1 to 32 bits or several widths
   */
  static int read(Optional<Path> configJson) {
    if (configJson.isEmpty()) {
      return DEFAULT_BITS;
    }
    Path file = configJson.get();
    JsonNode root = StrictJson.readObject(file, HfConfigReader.MAX_CONFIG_BYTES, "");
    JsonNode quant = root.path("quantization_config");
    if (quant == null || !quant.isObject()) {
      quant = root.path("text_config").path("quantization_config");
    }
    if (quant == null || !quant.isObject()) {
      return DEFAULT_BITS;
    }
    if (quant.has("bits")) {
      return checked(file, "quantization_config.bits", quant.get("bits"));
    }
    JsonNode groups = quant.path("config_groups");
    Integer found = null;
    for (Map.Entry<String, JsonNode> group : groups.properties()) {
      JsonNode bits = group.getValue().path("weights").path("num_bits");
      if (bits.isMissingNode() || bits.isNull()) {
        continue;
      }
      int b =
          checked(
              file,
              "quantization_config.config_groups." + group.getKey() + ".weights.num_bits",
              bits);
      if (found != null && found != b) {
        throw new ModelConfigException(
            file
                + ": config_groups pack weights at "
                + found
                + " and "
                + b
                + " bits; mixed widths are not supported");
      }
      found = b;
    }
    return found == null ? DEFAULT_BITS : found;
  }

  private static int checked(Path file, String field, JsonNode node) {
    if (!node.isIntegralNumber()
        || !node.canConvertToInt()
        || node.intValue() < 1
        || node.intValue() > 32) {
      throw new ModelConfigException(
          file + ": '" + field + "' is " + node + ", expected a width of 1 to 32 bits");
    }
    return node.intValue();
  }
}
