package io.hwledger.math;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hwledger.api.ModelConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The one JSON reader of the planner, for every JSON file it is given ({@code config.json},
 * safetensors headers and shard indexes, the built-in catalogs). Strict where files are untrusted:
 *
 * <ul>
 *   <li>exactly one top-level object: trailing content ({@code {...} garbage}, {@code {...}{...}})
 *       is an error, as in Python's {@code json.loads};
 *   <li>duplicate keys are an error (the safetensors README: "Duplicate keys are disallowed";
 *       Python's {@code json.dump} never writes them, so a second entry can only hide something);
 *   <li>UTF-8 only, invalid sequences refused;
 *   <li>nesting at most {@value #MAX_DEPTH} deep (published configs nest 3 deep);
 *   <li>a tree read ({@link #parseObject}, {@link #readObject}) holds at most {@value #MAX_TOKENS}
 *       tokens, which bounds its heap to tens of MiB whatever the text (the largest published
 *       configs, with an {@code id2label} of 21,843 classes, have about 45,000);
 *   <li>strings at most {@value #MAX_STRING_CHARS} characters.
 * </ul>
 *
 * <p>It accepts {@code NaN} and {@code Infinity}: published configs contain them (Nemotron-H's
 * {@code "time_step_limit": [0.0, Infinity]}), as Python's {@code json} module writes them.
 *
 * <p>Every failure is a one-line {@link ModelConfigException} naming the source, line and column.
 * Public only so that the reader packages and the command line share one parser; not meant as a
 * general JSON API. Thread-safe.
 */
public final class StrictJson {
  /** Deepest nesting of arrays and objects. */
  public static final int MAX_DEPTH = 64;

  /** Most tokens of a document read into a tree. */
  public static final int MAX_TOKENS = 1 << 20;

  /** Longest string value, in characters. */
  public static final int MAX_STRING_CHARS = 16 * 1024 * 1024;

  private static final JsonFactory STREAMING =
      factory(StreamReadConstraints.DEFAULT_MAX_TOKEN_COUNT);
  private static final ObjectMapper TREES = new JsonMapper(factory(MAX_TOKENS));

  private StrictJson() {}

  private static JsonFactory factory(long maxTokens) {
    return JsonFactory.builder()
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        // Names of hostile headers are unique by the hundred thousand: do not intern them.
        .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
        .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(MAX_STRING_CHARS)
                .maxTokenCount(maxTokens)
                .build())
        .build();
  }

  /**
   * Reads the regular file at {@code file}, at most {@code maxBytes} long, as one JSON object.
   *
   * @param file the path to read
   * @param maxBytes the largest file accepted, bytes
   * @param what what the file is, for messages (e.g. {@code index}); empty for a plain "JSON"
   * @return the top-level object
   * @throws IllegalArgumentException if {@code maxBytes} is negative
   * @throws ModelConfigException naming the file when it is not a regular file, is larger, is not
   *     UTF-8, or is not one well-formed JSON object
   */
  public static JsonNode readObject(Path file, int maxBytes, String what) {
    byte[] bytes = ModelFiles.readAll(file, maxBytes, what.isEmpty() ? "the file" : what);
    String text;
    try {
      text = strictUtf8().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ModelConfigException(file + ": " + label(what) + "is not valid UTF-8", e);
    }
    return parseObject(text, file.toString(), what);
  }

  /**
   * Parses {@code text}, which must hold one JSON object and nothing after it.
   *
   * @param text the JSON text
   * @param source the file named in messages
   * @param what what the text is, for messages (e.g. {@code header}); empty for a plain "JSON"
   * @return the top-level object
   * @throws ModelConfigException with a one-line message giving line and column when malformed, or
   *     naming the JSON type found when it is not an object
   */
  public static JsonNode parseObject(String text, String source, String what) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(what, "what");
    JsonNode root;
    try (JsonParser parser = TREES.createParser(text)) {
      root = TREES.readTree(parser);
      if (root != null) {
        requireEnd(parser, source, what);
      }
    } catch (JsonProcessingException e) {
      throw malformed(e, source, what);
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string cannot fail", e);
    }
    if (root == null || root.isMissingNode()) {
      throw new ModelConfigException(
          source + ": empty " + (what.isEmpty() ? "document" : what) + ", expected a JSON object");
    }
    if (!root.isObject()) {
      throw new ModelConfigException(
          source + ": " + label(what) + "is a JSON " + kind(root) + ", expected an object");
    }
    return root;
  }

  /** Reads one member of a streamed top-level object; see {@link #readMembers}. */
  @FunctionalInterface
  public interface MemberReader {
    /**
     * Reads the member {@code name}, whose value starts with {@code value}; {@code parser} stands
     * on that token. Throwing {@link ModelConfigException} refuses the member and stops reading.
     *
     * @param name the member's key
     * @param value the first token of its value
     * @param parser the parser, positioned on {@code value}; the reader may leave part unread
     * @throws IOException when reading the underlying stream fails
     */
    void read(String name, JsonToken value, JsonParser parser) throws IOException;
  }

  /**
   * Streams the one JSON object in {@code in} (strict UTF-8, the rules above, no token limit: the
   * caller bounds what it keeps), calling {@code member} for each of its members. Nothing is held
   * but what {@code member} keeps. A member refused with a {@link ModelConfigException} is reported
   * once the whole text has parsed, so malformed JSON anywhere is named first; after it no member
   * is read. {@code member} may leave part of a value unread: the rest is skipped.
   *
   * @param in the bytes to parse, UTF-8; not closed by this method
   * @param source names the file in messages
   * @param what what the text is, for messages (e.g. {@code header})
   * @param member called once per top-level member, in document order
   * @throws ModelConfigException when the text is empty, malformed, not UTF-8, not one object, or
   *     {@code member} refused a member
   * @throws IOException when reading {@code in} fails
   */
  public static void readMembers(InputStream in, String source, String what, MemberReader member)
      throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(member, "member");
    ModelConfigException problem = null;
    try (JsonParser p = STREAMING.createParser(new InputStreamReader(in, strictUtf8()))) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new ModelConfigException(source + ": empty " + what + ", expected a JSON object");
      }
      if (first != JsonToken.START_OBJECT) {
        p.skipChildren();
        requireEnd(p, source, what);
        throw new ModelConfigException(
            source + ": " + label(what) + "is a JSON " + kind(first) + ", expected an object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (problem == null) {
          try {
            member.read(name, value, p);
          } catch (ModelConfigException e) {
            problem = e;
          }
        }
        skipToDepth(p, 1);
      }
      requireEnd(p, source, what);
    } catch (JsonProcessingException e) {
      throw malformed(e, source, what);
    } catch (CharacterCodingException e) {
      throw new ModelConfigException(source + ": " + label(what) + "is not valid UTF-8", e);
    }
    if (problem != null) {
      throw problem;
    }
  }

  /**
   * Reads the object member {@code field}, whose value starts with {@code token}, as a map of
   * strings, handing each entry to {@code each}.
   *
   * @param parser the parser, positioned on {@code token}; left on the object's end
   * @param token the first token of the member's value
   * @param source names the file in messages
   * @param field the member's key, for messages
   * @param notString the end of the message for a value that is not a string, e.g. {@code ",
   *     expected a shard file name"}
   * @param each receives each entry's key and string value, in document order
   * @throws ModelConfigException naming {@code field} when it is not an object, or the entry whose
   *     value is not a string
   * @throws IOException when the text is malformed there or reading fails
   */
  public static void stringMembers(
      JsonParser parser,
      JsonToken token,
      String source,
      String field,
      String notString,
      BiConsumer<String, String> each)
      throws IOException {
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(each, "each");
    if (token != JsonToken.START_OBJECT) {
      throw new ModelConfigException(
          source + ": '" + field + "' is a JSON " + kind(token) + ", expected an object");
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      JsonToken value = parser.nextToken();
      if (value != JsonToken.VALUE_STRING) {
        throw new ModelConfigException(
            source + ": '" + field + "." + key + "' is a JSON " + kind(value) + notString);
      }
      each.accept(key, parser.getText());
    }
  }

  /** A UTF-8 decoder that refuses malformed input instead of replacing it. */
  private static CharsetDecoder strictUtf8() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /**
   * Checks that {@code parser}, just past a top-level value, holds nothing more.
   *
   * @throws ModelConfigException naming where the trailing content starts
   * @throws JsonProcessingException when what follows is not even a token
   */
  private static void requireEnd(JsonParser parser, String source, String what) throws IOException {
    JsonToken next = parser.nextToken();
    if (next != null) {
      JsonLocation at = parser.currentTokenLocation();
      throw new ModelConfigException(
          source
              + ": malformed "
              + label(what)
              + "JSON"
              + where(at)
              + ": content after the top-level value");
    }
  }

  /**
   * Advances {@code parser} past whatever is left of the value it is in, until its current token is
   * at nesting depth {@code depth} (1: a member of the top-level object), so that reading can go on
   * after a value was refused part way. Returns at the end of input.
   *
   * @param parser the parser to advance
   * @param depth the nesting depth to stop at
   * @throws JsonProcessingException when the text is malformed there
   * @throws IOException when reading the underlying stream fails
   */
  public static void skipToDepth(JsonParser parser, int depth) throws IOException {
    while (parser.getParsingContext().getNestingDepth() > depth) {
      if (parser.nextToken() == null) {
        return;
      }
    }
  }

  /** The one-line error for a parse failure of {@code source}. */
  private static ModelConfigException malformed(
      JsonProcessingException e, String source, String what) {
    String reason =
        String.valueOf(e.getOriginalMessage())
            .replaceAll("\\s+", " ")
            .replaceAll(
                "start marker at \\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]",
                "opened at line $1, column $2")
            .trim();
    return new ModelConfigException(
        source + ": malformed " + label(what) + "JSON" + where(e.getLocation()) + ": " + reason, e);
  }

  /**
   * The JSON type of {@code node} in lower case, for messages.
   *
   * @param node a parsed value
   * @return e.g. {@code object}, {@code array}, {@code string}, {@code number} or {@code null}
   */
  public static String kind(JsonNode node) {
    return node.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  /**
   * The JSON type a value starting with {@code token} has, in lower case, for messages.
   *
   * @param token the value's first token; null at the end of input
   * @return e.g. {@code object}, {@code number}, {@code boolean}, or {@code end of input}
   */
  public static String kind(JsonToken token) {
    if (token == null) {
      return "end of input";
    }
    switch (token) {
      case START_OBJECT:
        return "object";
      case START_ARRAY:
        return "array";
      case VALUE_STRING:
        return "string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "boolean";
      case VALUE_NULL:
        return "null";
      default:
        return token.toString().toLowerCase(Locale.ROOT);
    }
  }

  private static String where(JsonLocation at) {
    return at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  private static String label(String what) {
    return what.isEmpty() ? "" : what + " ";
  }
}
