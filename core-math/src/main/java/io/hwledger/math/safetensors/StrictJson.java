package io.hwledger.math.safetensors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hwledger.api.ModelConfigException;
import java.util.Locale;

/**
 * The JSON parser for safetensors headers and shard indexes: standard JSON only, one value per
 * document, duplicate keys refused (the safetensors README: "Duplicate keys are disallowed. Not all
 * parsers may respect this."; a second entry for one tensor name could otherwise hide bytes).
 */
final class StrictJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private StrictJson() {}

  /**
   * Parses {@code text}, which must hold one JSON object.
   *
   * @param source the file named in messages
   * @param what what the text is, e.g. {@code header}
   * @throws ModelConfigException with a one-line message when malformed or not an object
   */
  static JsonNode parseObject(String text, Object source, String what) {
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String reason =
          String.valueOf(e.getOriginalMessage())
              .replaceAll("\\s+", " ")
              .replaceAll(
                  "start marker at \\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]",
                  "opened at line $1, column $2")
              .trim();
      throw new ModelConfigException(
          source + ": malformed " + what + " JSON" + where + ": " + reason, e);
    }
    if (root == null || root.isMissingNode()) {
      throw new ModelConfigException(source + ": empty " + what + ", expected a JSON object");
    }
    if (!root.isObject()) {
      throw new ModelConfigException(
          source + ": " + what + " is a JSON " + kind(root) + ", expected an object");
    }
    return root;
  }

  /** The JSON type of {@code node} in lower case, for messages. */
  static String kind(JsonNode node) {
    return node.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  /**
   * {@code node} as a non-negative {@code long}, or -1 when it is not a JSON integer in {@code [0,
   * 2^63)}.
   */
  static long nonNegativeLong(JsonNode node) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      return -1;
    }
    long value = node.longValue();
    return value < 0 ? -1 : value;
  }
}
