package io.hwledger.ledger.events;

import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.RecordedEvent;
import java.util.Locale;
import java.util.Objects;

/**
 * A dispatched job ended: event type {@value #TYPE}.
 *
 * <p>Payload (schema version 1): {@code {"durationMillis": int, "jobId": string, "outcome":
 * "success" | "failed" | "cancelled"}}.
 *
 * @param jobId the job, as dispatched
 * @param outcome how it ended
 * @param durationMillis how long it ran, milliseconds
 */
public record JobFinished(String jobId, Outcome outcome, long durationMillis) {

  /** The event type. */
  public static final String TYPE = "job.finished";

  /** The payload schema version this build writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  /** How a job ended. In the payload, the constant's name in lowercase. */
  public enum Outcome {
    /** It completed its work. */
    SUCCESS,
    /** It stopped on an error. */
    FAILED,
    /** It was stopped on request before completing. */
    CANCELLED;

    /**
     * The payload spelling.
     *
     * @return the constant's name in lower case, e.g. {@code success}
     */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The outcome a payload spells.
     *
     * @param json {@code success}, {@code failed} or {@code cancelled}, exactly (lower case)
     * @return the outcome
     * @throws IllegalArgumentException if it is none of them
     */
    public static Outcome fromJson(String json) {
      for (Outcome o : values()) {
        if (o.json().equals(json)) {
          return o;
        }
      }
      throw new IllegalArgumentException(
          "outcome must be success, failed or cancelled, was \"" + json + "\"");
    }
  }

  /**
   * Validates.
   *
   * @param jobId the job, as dispatched
   * @param outcome how it ended
   * @param durationMillis how long it ran, milliseconds, in [0, 2^53 − 1]
   * @throws IllegalArgumentException if the job id is empty or the duration out of range
   */
  public JobFinished {
    EventJson.nonEmpty(jobId, "jobId");
    Objects.requireNonNull(outcome, "outcome");
    EventJson.exactWhole(durationMillis, 0, "durationMillis");
  }

  /**
   * The event to append.
   *
   * @return a {@value #TYPE} event of schema version {@value #SCHEMA_VERSION}; the outcome spelled
   *     as {@link Outcome#json()}
   */
  public LedgerEvent toEvent() {
    return EventJson.event(
        TYPE,
        SCHEMA_VERSION,
        EventJson.object()
            .put("jobId", jobId)
            .put("outcome", outcome.json())
            .put("durationMillis", durationMillis));
  }

  /**
   * Decodes a recorded event.
   *
   * @param event a recorded {@value #TYPE} event
   * @return the ending the payload describes
   * @throws IllegalArgumentException if it is not a {@value #TYPE} event of schema version {@value
   *     #SCHEMA_VERSION}, or its payload does not follow that schema
   */
  public static JobFinished from(RecordedEvent event) {
    return EventJson.decode(
        event,
        TYPE,
        SCHEMA_VERSION,
        in ->
            new JobFinished(
                in.string("jobId"),
                Outcome.fromJson(in.string("outcome")),
                in.whole("durationMillis")));
  }
}
