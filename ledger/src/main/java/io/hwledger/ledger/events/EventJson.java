package io.hwledger.ledger.events;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.ledger.CanonicalJson;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.RecordedEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;

/** Encoding and strict decoding of event payloads; Jackson stays inside this package. */
final class EventJson {

  /** 2^53 − 1, the largest whole number every IEEE 754 double neighbourhood keeps exact. */
  static final long MAX_EXACT = (1L << 53) - 1;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private EventJson() {}

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /**
   * Puts a double as RFC 8785 writes it (its shortest digits), so that the payload holds exactly
   * the value it will be stored with: JDK 17's {@code Double.toString} sometimes writes more digits
   * (JDK-4511638), a decimal the ledger would refuse as altered.
   */
  static void putNumber(ObjectNode payload, String name, double value) {
    payload.put(name, new BigDecimal(CanonicalJson.numberToString(value)));
  }

  /** The ledger event for a payload built with {@link #object()}. */
  static LedgerEvent event(String type, int schemaVersion, ObjectNode payload) {
    return LedgerEvent.of(type, schemaVersion, payload.toString());
  }

  /** Parses a JSON text that must be an object, for payload members that hold free objects. */
  static ObjectNode parseObject(String json, String what) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(what + " must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /**
   * Decodes {@code event}, which must have {@code type} and exactly {@code schemaVersion}: {@code
   * decoder} reads the members, and any member it did not read is rejected afterwards. Every
   * failure is an {@link IllegalArgumentException} whose message names the type and sequence
   * number.
   */
  static <T> T decode(
      RecordedEvent event, String type, int schemaVersion, Function<Reader, T> decoder) {
    Objects.requireNonNull(event, "event");
    if (!event.type().equals(type)) {
      throw new IllegalArgumentException(
          "expected a " + type + " event, seq " + event.seq() + " is " + event.type());
    }
    if (event.schemaVersion() != schemaVersion) {
      throw new IllegalArgumentException(
          type
              + " schema version "
              + event.schemaVersion()
              + " at seq "
              + event.seq()
              + " is not supported; this build reads version "
              + schemaVersion);
    }
    String context = type + " at seq " + event.seq();
    try {
      Reader in = new Reader(parseObject(event.payloadJson(), "payload"));
      T decoded = decoder.apply(in);
      in.end();
      return decoded;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(context + ": " + e.getMessage(), e);
    }
  }

  static long exactWhole(long value, long min, String name) {
    if (value < min || value > MAX_EXACT) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", 2^53 - 1], was " + value);
    }
    return value;
  }

  static String nonEmpty(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }

  static double finite(double value, String name) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite, was " + value);
    }
    return value;
  }

  /** Reads the members of one payload object, each at most once, and checks none is left over. */
  static final class Reader {
    private final ObjectNode object;
    private final Set<String> read = new HashSet<>();

    private Reader(ObjectNode object) {
      this.object = object;
    }

    private JsonNode required(String name) {
      JsonNode node = optional(name);
      if (node == null) {
        throw invalid(name, "is missing");
      }
      return node;
    }

    private JsonNode optional(String name) {
      read.add(name);
      JsonNode node = object.get(name);
      if (node != null && node.isNull()) {
        throw invalid(name, "is null; leave the member out when there is no value");
      }
      return node;
    }

    String string(String name) {
      JsonNode node = required(name);
      if (!node.isTextual()) {
        throw invalid(name, "must be a string, was " + node);
      }
      return node.textValue();
    }

    long whole(String name) {
      return whole(name, required(name));
    }

    private long whole(String name, JsonNode node) {
      if (!node.isIntegralNumber() || !node.canConvertToLong()) {
        throw invalid(name, "must be a whole number, was " + node);
      }
      long value = node.longValue();
      if (value < 0 || value > MAX_EXACT) {
        throw invalid(name, "must be in [0, 2^53 - 1], was " + value);
      }
      return value;
    }

    OptionalDouble optionalNumber(String name) {
      JsonNode node = optional(name);
      if (node == null) {
        return OptionalDouble.empty();
      }
      if (!node.isNumber()) {
        throw invalid(name, "must be a number, was " + node);
      }
      return OptionalDouble.of(node.doubleValue());
    }

    Optional<Boolean> optionalBoolean(String name) {
      JsonNode node = optional(name);
      if (node == null) {
        return Optional.empty();
      }
      if (!node.isBoolean()) {
        throw invalid(name, "must be true or false, was " + node);
      }
      return Optional.of(node.booleanValue());
    }

    List<String> strings(String name) {
      JsonNode node = array(name);
      List<String> values = new ArrayList<>(node.size());
      for (JsonNode element : node) {
        if (!element.isTextual()) {
          throw invalid(name, "must hold only strings, held " + element);
        }
        values.add(element.textValue());
      }
      return values;
    }

    private JsonNode array(String name) {
      JsonNode node = required(name);
      if (!node.isArray()) {
        throw invalid(name, "must be an array, was " + node);
      }
      return node;
    }

    /** A member holding an object, as JSON text. */
    String objectText(String name) {
      JsonNode node = required(name);
      if (!node.isObject()) {
        throw invalid(name, "must be an object, was " + node);
      }
      return node.toString();
    }

    /** Checks that the payload has no member beyond those read. */
    private void end() {
      for (Map.Entry<String, JsonNode> member : object.properties()) {
        String name = member.getKey();
        if (!read.contains(name)) {
          throw new IllegalArgumentException(
              "member \"" + name + "\" is not part of this schema version");
        }
      }
    }

    private IllegalArgumentException invalid(String name, String problem) {
      return new IllegalArgumentException(name + " " + problem);
    }
  }
}
