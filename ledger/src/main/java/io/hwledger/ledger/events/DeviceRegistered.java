package io.hwledger.ledger.events;

import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.RecordedEvent;

/**
 * A GPU joined the fleet, or announced itself again with new details: event type {@value #TYPE}.
 *
 * <p>Payload (schema version 1): {@code {"backend": string, "deviceId": string, "host": string,
 * "memoryTotalBytes": int, "name": string}}.
 *
 * @param deviceId the device's stable identity, such as its UUID ({@code GPU-…}) or PCI bus id;
 *     every later event about the device uses it
 * @param backend the telemetry backend that found the device, such as {@code nvml}, {@code
 *     rocm-smi-lib} or {@code metal}
 * @param name the device's marketing name as the backend reports it
 * @param memoryTotalBytes the device's memory, bytes; positive
 * @param host the host the device is attached to
 */
public record DeviceRegistered(
    String deviceId, String backend, String name, long memoryTotalBytes, String host) {

  /** The event type. */
  public static final String TYPE = "device.registered";

  /** The payload schema version this build writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  /**
   * Validates.
   *
   * @param deviceId the device's stable identity
   * @param backend the telemetry backend that found it
   * @param name its marketing name
   * @param memoryTotalBytes its memory, bytes
   * @param host the host it is attached to
   * @throws IllegalArgumentException if a string is empty or the memory is not in [1, 2^53 − 1]
   * @throws NullPointerException if a string is null
   */
  public DeviceRegistered {
    EventJson.nonEmpty(deviceId, "deviceId");
    EventJson.nonEmpty(backend, "backend");
    EventJson.nonEmpty(name, "name");
    EventJson.exactWhole(memoryTotalBytes, 1, "memoryTotalBytes");
    EventJson.nonEmpty(host, "host");
  }

  /**
   * The event to append.
   *
   * @return a {@value #TYPE} event of schema version {@value #SCHEMA_VERSION}; the payload holds
   *     every component
   */
  public LedgerEvent toEvent() {
    return EventJson.event(
        TYPE,
        SCHEMA_VERSION,
        EventJson.object()
            .put("deviceId", deviceId)
            .put("backend", backend)
            .put("name", name)
            .put("memoryTotalBytes", memoryTotalBytes)
            .put("host", host));
  }

  /**
   * Decodes a recorded event.
   *
   * @param event a recorded {@value #TYPE} event
   * @return the registration the payload describes
   * @throws IllegalArgumentException if it is not a {@value #TYPE} event of schema version {@value
   *     #SCHEMA_VERSION}, or its payload does not follow that schema
   */
  public static DeviceRegistered from(RecordedEvent event) {
    return EventJson.decode(
        event,
        TYPE,
        SCHEMA_VERSION,
        in ->
            new DeviceRegistered(
                in.string("deviceId"),
                in.string("backend"),
                in.string("name"),
                in.whole("memoryTotalBytes"),
                in.string("host")));
  }
}
