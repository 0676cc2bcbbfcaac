package io.hwledger.math;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hwledger.api.ModelConfigException;

/**
 * The one JSON parser of this package, reading trees.
 *
 * <p>It accepts {@code NaN} and {@code Infinity}: published configs contain them (Nemotron-H's
 * {@code "time_step_limit": [0.0, Infinity]}), as Python's {@code json} module writes them.
 */
final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private Json() {}

  /**
   * Parses {@code text}, which must hold one JSON object.
   *
   * @param source the file name used in messages
   * @throws ModelConfigException with a one-line message giving line and column when malformed
   */
  static JsonNode parseObject(String text, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String reason = String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ").trim();
      throw new ModelConfigException(source + ": malformed JSON" + where + ": " + reason, e);
    }
    if (root == null || root.isMissingNode()) {
      throw new ModelConfigException(source + ": empty document, expected a JSON object");
    }
    if (!root.isObject()) {
      throw new ModelConfigException(
          source
              + ": expected a JSON object, found "
              + root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
    }
    return root;
  }
}
