package io.hwledger.ledger.events;

import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.RecordedEvent;

/**
 * A plan's prediction compared with what a device measured once the workload ran: event type
 * {@value #TYPE}.
 *
 * <p>Payload (schema version 1): {@code {"deviceId": string, "measuredBytes": int, "planSeq": int,
 * "predictedBytes": int}}.
 *
 * @param planSeq the sequence number of the {@link PlanComputed} event being reconciled
 * @param deviceId the device that was measured
 * @param predictedBytes the memory the plan predicted for this device, bytes
 * @param measuredBytes the memory the device reported in use, bytes
 */
public record PlanReconciled(
    long planSeq, String deviceId, long predictedBytes, long measuredBytes) {

  /** The event type. */
  public static final String TYPE = "plan.reconciled";

  /** The payload schema version this build writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  /**
   * Validates.
   *
   * @param planSeq the {@link PlanComputed} event's sequence number, in [0, 2^53 − 1]
   * @param deviceId the device measured, not empty
   * @param predictedBytes the plan's prediction, bytes, in [0, 2^53 − 1]
   * @param measuredBytes the device's measurement, bytes, in [0, 2^53 − 1]
   * @throws IllegalArgumentException naming the value out of range
   */
  public PlanReconciled {
    EventJson.exactWhole(planSeq, 0, "planSeq");
    EventJson.nonEmpty(deviceId, "deviceId");
    EventJson.exactWhole(predictedBytes, 0, "predictedBytes");
    EventJson.exactWhole(measuredBytes, 0, "measuredBytes");
  }

  /**
   * How far the plan was off.
   *
   * @return measured minus predicted, bytes: positive when the plan underestimated
   */
  public long errorBytes() {
    return measuredBytes - predictedBytes;
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
            .put("planSeq", planSeq)
            .put("deviceId", deviceId)
            .put("predictedBytes", predictedBytes)
            .put("measuredBytes", measuredBytes));
  }

  /**
   * Decodes a recorded event.
   *
   * @param event a recorded {@value #TYPE} event
   * @return the comparison the payload describes
   * @throws IllegalArgumentException if it is not a {@value #TYPE} event of schema version {@value
   *     #SCHEMA_VERSION}, or its payload does not follow that schema
   */
  public static PlanReconciled from(RecordedEvent event) {
    return EventJson.decode(
        event,
        TYPE,
        SCHEMA_VERSION,
        in ->
            new PlanReconciled(
                in.whole("planSeq"),
                in.string("deviceId"),
                in.whole("predictedBytes"),
                in.whole("measuredBytes")));
  }
}
