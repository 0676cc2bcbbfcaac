package io.hwledger.ledger.events;

import io.hwledger.ledger.CanonicalJson;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The planner computed a memory plan: event type {@value #TYPE}. The plan's inputs travel with it,
 * with their hash, so an auditor can tell which plans came from identical inputs without reading
 * them and can check that the recorded inputs are the hashed ones.
 *
 * <p>Payload (schema version 1): {@code {"fits"?: bool, "inputs": object, "inputsHash": string,
 * "model": string, "perGpuBytes": int, "totalBytes": int}}.
 *
 * @param model the model's name
 * @param inputsHash {@link #inputsHash(String)} of {@code inputs}: 64 lowercase hex digits
 * @param totalBytes the whole deployment's memory, summed over every GPU, bytes (the planner's
 *     {@code MemoryPlan.total})
 * @param perGpuBytes the most loaded GPU's memory, bytes (the planner's {@code MemoryPlan.perGpu})
 * @param fits whether the most loaded GPU fits its budget; empty when the plan had no budget
 * @param inputs the plan's inputs (model, precision, workload, deployment) as RFC 8785 canonical
 *     JSON of an object; free-form, the constructor canonicalises it
 */
public record PlanComputed(
    String model,
    String inputsHash,
    long totalBytes,
    long perGpuBytes,
    Optional<Boolean> fits,
    String inputs) {

  /** The event type. */
  public static final String TYPE = "plan.computed";

  /** The payload schema version this build writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  /**
   * Validates, and canonicalises {@code inputs}.
   *
   * @param model the model's name, not empty
   * @param inputsHash SHA-256 of the canonical inputs, 64 lower-case hex digits
   * @param totalBytes the deployment's memory, bytes, in [0, 2^53 − 1]
   * @param perGpuBytes the most loaded GPU's memory, bytes, in [0, 2^53 − 1]
   * @param fits whether it fits; empty without a budget
   * @param inputs JSON text of an object in any formatting
   * @throws IllegalArgumentException if {@code inputs} is not a JSON object, {@code inputsHash} is
   *     not its hash, or a number is out of range
   */
  public PlanComputed {
    EventJson.nonEmpty(model, "model");
    Objects.requireNonNull(inputsHash, "inputsHash");
    EventJson.exactWhole(totalBytes, 0, "totalBytes");
    EventJson.exactWhole(perGpuBytes, 0, "perGpuBytes");
    Objects.requireNonNull(fits, "fits");
    inputs = canonicalObject(inputs);
    String expected = sha256Hex(inputs);
    if (!inputsHash.equals(expected)) {
      throw new IllegalArgumentException(
          "inputsHash " + inputsHash + " is not the SHA-256 of the canonical inputs, " + expected);
    }
  }

  /**
   * A plan event whose {@code inputsHash} is computed from {@code inputsJson}.
   *
   * @param model the model's name, not empty
   * @param inputsJson the plan's inputs, JSON text of an object in any formatting
   * @param totalBytes the deployment's memory, summed over every GPU, bytes
   * @param perGpuBytes the most loaded GPU's memory, bytes
   * @param fits whether the most loaded GPU fits its budget; empty without a budget
   * @return the event, its inputs canonical and hashed
   * @throws IllegalArgumentException if {@code inputsJson} is not strict JSON of an object, the
   *     model is empty, or a size is outside [0, 2^53 − 1]
   */
  public static PlanComputed of(
      String model, String inputsJson, long totalBytes, long perGpuBytes, Optional<Boolean> fits) {
    String canonical = canonicalObject(inputsJson);
    return new PlanComputed(model, sha256Hex(canonical), totalBytes, perGpuBytes, fits, canonical);
  }

  /**
   * The hash that identifies a plan's inputs: SHA-256 of the UTF-8 bytes of their RFC 8785
   * canonical JSON, in lowercase hex. The text is canonicalised first, so any formatting of the
   * same inputs gives the same hash.
   *
   * @param inputsJson JSON text of an object
   * @return 64 lower-case hex digits
   * @throws IllegalArgumentException if it is not strict JSON of an object
   */
  public static String inputsHash(String inputsJson) {
    return sha256Hex(canonicalObject(inputsJson));
  }

  /**
   * The event to append.
   *
   * @return a {@value #TYPE} event of schema version {@value #SCHEMA_VERSION}; {@code fits} is left
   *     out when empty
   */
  public LedgerEvent toEvent() {
    var payload =
        EventJson.object()
            .put("model", model)
            .put("inputsHash", inputsHash)
            .put("totalBytes", totalBytes)
            .put("perGpuBytes", perGpuBytes);
    fits.ifPresent(f -> payload.put("fits", f));
    payload.set("inputs", EventJson.parseObject(inputs, "inputs"));
    return EventJson.event(TYPE, SCHEMA_VERSION, payload);
  }

  /**
   * Decodes a recorded event.
   *
   * @param event a recorded {@value #TYPE} event
   * @return the plan the payload describes
   * @throws IllegalArgumentException if it is not a {@value #TYPE} event of schema version {@value
   *     #SCHEMA_VERSION}, its payload does not follow that schema, or its inputs do not match their
   *     hash
   */
  public static PlanComputed from(RecordedEvent event) {
    return EventJson.decode(
        event,
        TYPE,
        SCHEMA_VERSION,
        in ->
            new PlanComputed(
                in.string("model"),
                in.string("inputsHash"),
                in.whole("totalBytes"),
                in.whole("perGpuBytes"),
                in.optionalBoolean("fits"),
                in.objectText("inputs")));
  }

  private static String canonicalObject(String json) {
    Objects.requireNonNull(json, "inputs");
    try {
      // the payload rule: a number a double would alter is refused, as in every payload
      return CanonicalJson.canonicalObjectText(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("inputs: " + e.getMessage(), e);
    }
  }

  private static String sha256Hex(String canonical) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
