package io.hwledger.ledger.events;

import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.RecordedEvent;
import java.util.HashSet;
import java.util.List;

/**
 * A job was started on one or more devices: event type {@value #TYPE}. It runs until a {@link
 * JobFinished} with the same {@code jobId}.
 *
 * <p>Payload (schema version 1): {@code {"deviceIds": [string, ...], "jobId": string, "model":
 * string}}.
 *
 * @param jobId the job's identity, unique among running jobs
 * @param model the model the job serves or trains
 * @param deviceIds the devices the job runs on, in the order given; at least one, no repeats
 */
public record JobDispatched(String jobId, String model, List<String> deviceIds) {

  /** The event type. */
  public static final String TYPE = "job.dispatched";

  /** The payload schema version this build writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  /**
   * Validates and copies.
   *
   * @param jobId the job's identity
   * @param model the model the job serves or trains
   * @param deviceIds the devices it runs on, at least one, no repeats
   * @throws IllegalArgumentException if a string is empty, or the device list is empty or repeats a
   *     device
   * @throws NullPointerException if a string, the list or an element is null
   */
  public JobDispatched {
    EventJson.nonEmpty(jobId, "jobId");
    EventJson.nonEmpty(model, "model");
    deviceIds = List.copyOf(deviceIds);
    if (deviceIds.isEmpty()) {
      throw new IllegalArgumentException("deviceIds must name at least one device");
    }
    var seen = new HashSet<String>();
    for (String id : deviceIds) {
      EventJson.nonEmpty(id, "deviceIds element");
      if (!seen.add(id)) {
        throw new IllegalArgumentException("deviceIds repeats " + id);
      }
    }
  }

  /**
   * The event to append.
   *
   * @return a {@value #TYPE} event of schema version {@value #SCHEMA_VERSION}; the device ids in
   *     the order given
   */
  public LedgerEvent toEvent() {
    var ids = EventJson.array();
    deviceIds.forEach(ids::add);
    var payload = EventJson.object().put("jobId", jobId).put("model", model);
    payload.set("deviceIds", ids);
    return EventJson.event(TYPE, SCHEMA_VERSION, payload);
  }

  /**
   * Decodes a recorded event.
   *
   * @param event a recorded {@value #TYPE} event
   * @return the dispatch the payload describes
   * @throws IllegalArgumentException if it is not a {@value #TYPE} event of schema version {@value
   *     #SCHEMA_VERSION}, or its payload does not follow that schema
   */
  public static JobDispatched from(RecordedEvent event) {
    return EventJson.decode(
        event,
        TYPE,
        SCHEMA_VERSION,
        in -> new JobDispatched(in.string("jobId"), in.string("model"), in.strings("deviceIds")));
  }
}
