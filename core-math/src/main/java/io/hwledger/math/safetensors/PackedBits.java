package io.hwledger.math.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hwledger.api.ModelConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

  // Published configs contain NaN and Infinity (Python's json writes them), so this parser
  // accepts them; duplicate keys are irrelevant to the one number read here.
  private static final ObjectMapper CONFIG =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

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
    JsonNode root;
    try {
      root = CONFIG.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new ModelConfigException(
          file
              + ": malformed JSON: "
              + String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " "),
          e);
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + file + ": " + e, e);
    }
    JsonNode quant = root == null ? null : root.path("quantization_config");
    if (quant == null || !quant.isObject()) {
      quant = root == null ? null : root.path("text_config").path("quantization_config");
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
