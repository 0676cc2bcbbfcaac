package io.hwledger.cloud.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hwledger.cloud.PriceSourceException;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Reads providers' answers: strict JSON (duplicate keys refused, nesting and string length
 * bounded), and fields that must be there with the documented type, each failure one line naming
 * the provider, the field and the item.
 */
public final class Json {
  /** The mapper: strict, bounded; shared (thread-safe once configured). */
  public static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build());
  }

  private final String provider;

  /**
   * A reader whose messages name {@code provider}.
   *
   * @param provider the provider's display name
   */
  public Json(String provider) {
    this.provider = Objects.requireNonNull(provider, "provider");
  }

  /**
   * Parses a body that must be a JSON object.
   *
   * @param body the text
   * @param what what it is, for messages, e.g. {@code the offer search}
   * @return the object
   * @throws PriceSourceException if it is not strict JSON of an object
   */
  public JsonNode object(String body, String what) throws PriceSourceException {
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (IOException e) {
      String reason = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      throw new PriceSourceException(
          provider + " sent malformed JSON for " + what + ": " + reason, e);
    }
    if (node == null || !node.isObject()) {
      throw new PriceSourceException(provider + " sent no JSON object for " + what);
    }
    return node;
  }

  /**
   * A member that must be present (and not null).
   *
   * @param node the object
   * @param field the member
   * @param item the item, for messages, e.g. {@code offer 123}
   * @return the member
   * @throws PriceSourceException if missing or null
   */
  public JsonNode require(JsonNode node, String field, String item) throws PriceSourceException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw missing(field, item);
    }
    return value;
  }

  /**
   * A string member that must be present and not blank.
   *
   * @param node the object
   * @param field the member
   * @param item the item, for messages
   * @return the text
   * @throws PriceSourceException if missing, not a string, or blank
   */
  public String text(JsonNode node, String field, String item) throws PriceSourceException {
    JsonNode value = require(node, field, item);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw wrongType(field, item, "a non-empty string");
    }
    return value.asText();
  }

  /**
   * An optional string member.
   *
   * @param node the object
   * @param field the member
   * @return the text, or empty when absent, null or blank
   */
  public Optional<String> optionalText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isTextual() || value.asText().isBlank()
        ? Optional.empty()
        : Optional.of(value.asText());
  }

  /**
   * A number member that must be present, finite and at least 0.
   *
   * @param node the object
   * @param field the member
   * @param item the item, for messages
   * @return the value
   * @throws PriceSourceException if missing, not a number, or negative
   */
  public double number(JsonNode node, String field, String item) throws PriceSourceException {
    JsonNode value = require(node, field, item);
    if (!value.isNumber() || !Double.isFinite(value.asDouble()) || value.asDouble() < 0) {
      throw wrongType(field, item, "a number >= 0");
    }
    return value.asDouble();
  }

  /**
   * An optional number member, finite and at least 0 when present.
   *
   * @param node the object
   * @param field the member
   * @param item the item, for messages
   * @return the value, or empty when absent or null
   * @throws PriceSourceException if present but not a number >= 0
   */
  public OptionalDouble optionalNumber(JsonNode node, String field, String item)
      throws PriceSourceException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return OptionalDouble.empty();
    }
    if (!value.isNumber() || !Double.isFinite(value.asDouble()) || value.asDouble() < 0) {
      throw wrongType(field, item, "a number >= 0");
    }
    return OptionalDouble.of(value.asDouble());
  }

  /**
   * A whole-number member that must be present and at least {@code min}.
   *
   * @param node the object
   * @param field the member
   * @param item the item, for messages
   * @param min the least value accepted
   * @return the value
   * @throws PriceSourceException if missing, not an integer, or below {@code min}
   */
  public long whole(JsonNode node, String field, String item, long min)
      throws PriceSourceException {
    JsonNode value = require(node, field, item);
    if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < min) {
      throw wrongType(field, item, "a whole number >= " + min);
    }
    return value.asLong();
  }

  /**
   * An array member that must be present.
   *
   * @param node the object
   * @param field the member
   * @param item the item, for messages
   * @return the array
   * @throws PriceSourceException if missing or not an array
   */
  public JsonNode array(JsonNode node, String field, String item) throws PriceSourceException {
    JsonNode value = require(node, field, item);
    if (!value.isArray()) {
      throw wrongType(field, item, "an array");
    }
    return value;
  }

  private PriceSourceException missing(String field, String item) {
    return new PriceSourceException(provider + ": " + item + " has no '" + field + "'");
  }

  private PriceSourceException wrongType(String field, String item, String expected) {
    return new PriceSourceException(
        provider + ": " + item + " has '" + field + "' that is not " + expected);
  }
}
