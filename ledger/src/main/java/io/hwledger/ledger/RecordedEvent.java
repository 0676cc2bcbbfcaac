package io.hwledger.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An event as the ledger holds it: the appended {@link LedgerEvent} together with the sequence
 * number, time and hash the storage gave it. This is what replay hands to a {@link Projection}.
 *
 * <p>The storage constructs these when reading and does not re-validate the payload: a record of a
 * type or schema version this build does not know is passed on unchanged, and projections decide
 * what to skip. Immutable: the arrays are copied in and out.
 *
 * @param seq the record's sequence number, 0-based and equal to its Merkle leaf index
 * @param timestamp when the record was appended, from the ledger's clock, stored to the microsecond
 * @param type the event type, such as {@code device.registered}
 * @param schemaVersion the version of the payload schema of {@code type}
 * @param payload the payload bytes as stored: canonical UTF-8 JSON of an object; {@link #payload()}
 *     returns a copy
 * @param hash the record's own SHA-256 hash as the storage computed it; {@link #hash()} returns a
 *     copy
 */
@SuppressWarnings("ArrayRecordComponent") // copied in and out; equals and hashCode compare contents
public record RecordedEvent(
    long seq, Instant timestamp, String type, int schemaVersion, byte[] payload, byte[] hash) {

  /**
   * Copies the arrays; the payload is not validated.
   *
   * @param seq the record's sequence number, at least 0
   * @param timestamp when the record was appended
   * @param type the event type
   * @param schemaVersion the payload schema's version
   * @param payload the payload bytes as stored
   * @param hash the record's hash as stored
   * @throws IllegalArgumentException if {@code seq} is negative
   */
  public RecordedEvent {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative, was " + seq);
    }
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(type, "type");
    payload = Objects.requireNonNull(payload, "payload").clone();
    hash = Objects.requireNonNull(hash, "hash").clone();
  }

  /**
   * The payload bytes as stored.
   *
   * @return a fresh copy each call
   */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /**
   * The record hash, SHA-256 of {@code 0x00 ‖ record bytes} (its RFC 9162 leaf hash).
   *
   * @return a fresh copy each call
   */
  @Override
  public byte[] hash() {
    return hash.clone();
  }

  /**
   * The payload as text.
   *
   * @return the payload decoded from UTF-8 (malformed bytes replaced with U+FFFD)
   */
  public String payloadJson() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /**
   * The record hash as lower-case hex.
   *
   * @return 64 hex digits for a 32-byte hash
   */
  public String hashHex() {
    return HexFormat.of().formatHex(hash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordedEvent other
        && seq == other.seq
        && schemaVersion == other.schemaVersion
        && timestamp.equals(other.timestamp)
        && type.equals(other.type)
        && Arrays.equals(payload, other.payload)
        && Arrays.equals(hash, other.hash);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        seq, timestamp, type, schemaVersion, Arrays.hashCode(payload), Arrays.hashCode(hash));
  }

  @Override
  public String toString() {
    return "RecordedEvent[seq="
        + seq
        + ", timestamp="
        + timestamp
        + ", type="
        + type
        + ", schemaVersion="
        + schemaVersion
        + ", payload="
        + payloadJson()
        + ", hash="
        + hashHex()
        + "]";
  }
}
