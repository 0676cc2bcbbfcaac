package io.hwledger.ledger.events;

import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.RecordedEvent;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One telemetry sample of a device: event type {@value #TYPE}.
 *
 * <p>Payload (schema version 1): {@code {"deviceId": string, "memoryTotalBytes": int,
 * "memoryUsedBytes": int, "powerWatts"?: number, "temperatureC"?: number, "utilizationPercent"?:
 * number}}. A metric the device does not support is left out, never written as 0.
 *
 * @param deviceId the device, as registered
 * @param memoryUsedBytes device memory in use, bytes
 * @param memoryTotalBytes device memory in all, bytes; positive
 * @param utilizationPercent how busy the device's compute was over the backend's sampling window,
 *     percent in [0, 100]; empty where unsupported
 * @param temperatureC the device's temperature, degrees Celsius; empty where unsupported
 * @param powerWatts the device's power draw, watts, at least 0; empty where unsupported
 */
public record TelemetrySampled(
    String deviceId,
    long memoryUsedBytes,
    long memoryTotalBytes,
    OptionalDouble utilizationPercent,
    OptionalDouble temperatureC,
    OptionalDouble powerWatts) {

  /** The event type. */
  public static final String TYPE = "telemetry.sampled";

  /** The payload schema version this build writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  /**
   * Validates.
   *
   * @param deviceId the device, as registered; not empty
   * @param memoryUsedBytes memory in use, bytes, in [0, 2^53 − 1]
   * @param memoryTotalBytes memory in all, bytes, in [1, 2^53 − 1]
   * @param utilizationPercent compute busy percent in [0, 100]; empty where unsupported
   * @param temperatureC degrees Celsius, finite; empty where unsupported
   * @param powerWatts watts, finite and at least 0; empty where unsupported
   * @throws IllegalArgumentException naming the value out of range
   */
  public TelemetrySampled {
    EventJson.nonEmpty(deviceId, "deviceId");
    EventJson.exactWhole(memoryUsedBytes, 0, "memoryUsedBytes");
    EventJson.exactWhole(memoryTotalBytes, 1, "memoryTotalBytes");
    Objects.requireNonNull(utilizationPercent, "utilizationPercent");
    Objects.requireNonNull(temperatureC, "temperatureC");
    Objects.requireNonNull(powerWatts, "powerWatts");
    if (utilizationPercent.isPresent()) {
      double u = EventJson.finite(utilizationPercent.getAsDouble(), "utilizationPercent");
      if (u < 0 || u > 100) {
        throw new IllegalArgumentException("utilizationPercent must be in [0, 100], was " + u);
      }
    }
    if (temperatureC.isPresent()) {
      EventJson.finite(temperatureC.getAsDouble(), "temperatureC");
    }
    if (powerWatts.isPresent()) {
      double p = EventJson.finite(powerWatts.getAsDouble(), "powerWatts");
      if (p < 0) {
        throw new IllegalArgumentException("powerWatts must not be negative, was " + p);
      }
    }
  }

  /**
   * The event to append.
   *
   * @return a {@value #TYPE} event of schema version {@value #SCHEMA_VERSION}; empty metrics are
   *     left out of the payload
   */
  public LedgerEvent toEvent() {
    var payload =
        EventJson.object()
            .put("deviceId", deviceId)
            .put("memoryUsedBytes", memoryUsedBytes)
            .put("memoryTotalBytes", memoryTotalBytes);
    utilizationPercent.ifPresent(v -> EventJson.putNumber(payload, "utilizationPercent", v));
    temperatureC.ifPresent(v -> EventJson.putNumber(payload, "temperatureC", v));
    powerWatts.ifPresent(v -> EventJson.putNumber(payload, "powerWatts", v));
    return EventJson.event(TYPE, SCHEMA_VERSION, payload);
  }

  /**
   * Decodes a recorded event.
   *
   * @param event a recorded {@value #TYPE} event
   * @return the sample the payload describes; a metric absent from the payload is empty
   * @throws IllegalArgumentException if it is not a {@value #TYPE} event of schema version {@value
   *     #SCHEMA_VERSION}, or its payload does not follow that schema
   */
  public static TelemetrySampled from(RecordedEvent event) {
    return EventJson.decode(
        event,
        TYPE,
        SCHEMA_VERSION,
        in ->
            new TelemetrySampled(
                in.string("deviceId"),
                in.whole("memoryUsedBytes"),
                in.whole("memoryTotalBytes"),
                in.optionalNumber("utilizationPercent"),
                in.optionalNumber("temperatureC"),
                in.optionalNumber("powerWatts")));
  }
}
