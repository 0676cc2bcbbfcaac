package io.hwledger.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An event to append to the ledger: its type, the version of that type's payload schema, and the
 * payload as RFC 8785 canonical JSON of an object ({@link CanonicalJson}). The storage writes
 * exactly these payload bytes, so two events with equal content always hash equally.
 *
 * <p>Build one with {@link #of(String, int, String)}, which canonicalises any strict JSON object
 * text. The canonical constructor accepts only bytes that are already canonical, so a {@code
 * LedgerEvent} never holds anything else. Immutable: the payload is copied in and out.
 *
 * @param type what happened, such as {@code device.registered}: 1 to {@value #MAX_TYPE_LENGTH}
 *     characters of {@code [a-z0-9_.-]}
 * @param schemaVersion the version of the payload schema of {@code type}, at least 1; readers skip
 *     versions newer than they know
 * @param payload the canonical UTF-8 JSON of an object; {@link #payload()} returns a copy
 */
@SuppressWarnings("ArrayRecordComponent") // copied in and out; equals and hashCode compare contents
public record LedgerEvent(String type, int schemaVersion, byte[] payload) {

  /** Longest event type, in characters (all ASCII, so also bytes). */
  public static final int MAX_TYPE_LENGTH = 128;

  private static final Pattern TYPE = Pattern.compile("[a-z0-9_.-]+");

  /**
   * Validates and copies.
   *
   * @param type 1 to {@value #MAX_TYPE_LENGTH} characters of {@code [a-z0-9_.-]}
   * @param schemaVersion at least 1
   * @param payload canonical UTF-8 JSON of an object, byte for byte
   * @throws IllegalArgumentException if the type or version is invalid, or the payload is not the
   *     canonical JSON of an object
   */
  public LedgerEvent {
    checkType(type);
    checkSchemaVersion(schemaVersion);
    Objects.requireNonNull(payload, "payload");
    byte[] canonical = CanonicalJson.canonicalizeObject(decodeUtf8(payload));
    if (!Arrays.equals(canonical, payload)) {
      throw new IllegalArgumentException(
          "payload of "
              + type
              + " is not in RFC 8785 canonical form; build the event with LedgerEvent.of");
    }
    payload = canonical; // a private copy
  }

  /**
   * An event whose payload is the canonical form of {@code payloadJson}.
   *
   * @param type what happened, e.g. {@code device.registered}; 1 to {@value #MAX_TYPE_LENGTH}
   *     characters of {@code [a-z0-9_.-]}
   * @param schemaVersion the payload schema's version, at least 1
   * @param payloadJson strict JSON text of an object; whitespace, member order and number spelling
   *     do not matter
   * @throws IllegalArgumentException if the type or version is invalid, or the payload is not
   *     strict JSON of an object (see {@link CanonicalJson} for what is rejected), or holds a
   *     number whose canonical form has another value
   * @return the event, holding the canonical payload
   */
  public static LedgerEvent of(String type, int schemaVersion, String payloadJson) {
    checkType(type);
    checkSchemaVersion(schemaVersion);
    Objects.requireNonNull(payloadJson, "payloadJson");
    byte[] canonical;
    try {
      canonical = CanonicalJson.canonicalizeObject(payloadJson);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("payload of " + type + ": " + e.getMessage(), e);
    }
    return new LedgerEvent(type, schemaVersion, canonical);
  }

  /**
   * The canonical UTF-8 payload bytes.
   *
   * @return a fresh copy each call
   */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /**
   * The canonical payload as text.
   *
   * @return the payload decoded from UTF-8
   */
  public String payloadJson() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /**
   * Payload size, without copying it.
   *
   * @return bytes of the canonical UTF-8 payload
   */
  public int payloadLength() {
    return payload.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LedgerEvent other
        && schemaVersion == other.schemaVersion
        && type.equals(other.type)
        && Arrays.equals(payload, other.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, schemaVersion, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "LedgerEvent[type="
        + type
        + ", schemaVersion="
        + schemaVersion
        + ", payload="
        + payloadJson()
        + "]";
  }

  static void checkType(String type) {
    Objects.requireNonNull(type, "type");
    if (type.isEmpty() || type.length() > MAX_TYPE_LENGTH || !TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException(
          "event type must be 1 to "
              + MAX_TYPE_LENGTH
              + " characters of [a-z0-9_.-], was \""
              + type
              + "\"");
    }
  }

  private static void checkSchemaVersion(int schemaVersion) {
    if (schemaVersion < 1) {
      throw new IllegalArgumentException("schemaVersion must be at least 1, was " + schemaVersion);
    }
  }

  private static String decodeUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("payload is not valid UTF-8", e);
    }
  }
}
