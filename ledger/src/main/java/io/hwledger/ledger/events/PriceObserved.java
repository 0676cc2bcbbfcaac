package io.hwledger.ledger.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.RecordedEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A cloud price a decision used: event type {@value #TYPE}. A cost decision recorded with its
 * prices can be checked later against what the provider said then, and where that came from (live
 * API, cache or a dated snapshot).
 *
 * <p>Payload (schema version 1): {@code {"fetchedAt": string, "gpuCount": int, "gpuName": string,
 * "market": string, "memoryPerGpuBytes": int, "origin": string, "provider": string, "sku": string,
 * "source": string, "usdPerInstanceHour": number}}.
 *
 * @param provider the price source's id, e.g. {@code vastai}
 * @param sku the provider's name for the offer
 * @param gpuName the GPU as the provider names it
 * @param gpuCount GPUs in the instance, at least 1
 * @param memoryPerGpuBytes memory per GPU, bytes, at least 1
 * @param usdPerInstanceHour the instance's price per hour, US dollars, finite and at least 0
 * @param market {@code ON_DEMAND} or {@code SPOT}, with the tier, e.g. {@code SPOT/COMMUNITY}
 * @param fetchedAt when the price was read, ISO-8601 instant
 * @param source where it was read: an API endpoint or a snapshot's date and citation
 * @param origin {@code LIVE}, {@code CACHE}, {@code STALE_CACHE} or {@code SNAPSHOT}
 */
public record PriceObserved(
    String provider,
    String sku,
    String gpuName,
    long gpuCount,
    long memoryPerGpuBytes,
    double usdPerInstanceHour,
    String market,
    String fetchedAt,
    String source,
    String origin) {

  /** The event type. */
  public static final String TYPE = "price.observed";

  /** The payload schema version this build writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  /**
   * Validates.
   *
   * @param provider the price source's id
   * @param sku the provider's name for the offer
   * @param gpuName the GPU as the provider names it
   * @param gpuCount GPUs in the instance, at least 1
   * @param memoryPerGpuBytes memory per GPU, bytes, at least 1
   * @param usdPerInstanceHour the instance's price per hour, US dollars
   * @param market the market and tier, e.g. {@code SPOT/COMMUNITY}
   * @param fetchedAt when the price was read, ISO-8601 instant
   * @param source where it was read
   * @param origin how it was read: live, cache, stale cache or snapshot
   * @throws IllegalArgumentException if a string is empty, a count or size is out of range, the
   *     price is not finite and at least 0, or {@code fetchedAt} is not an ISO-8601 instant
   */
  public PriceObserved {
    EventJson.nonEmpty(provider, "provider");
    EventJson.nonEmpty(sku, "sku");
    EventJson.nonEmpty(gpuName, "gpuName");
    EventJson.exactWhole(gpuCount, 1, "gpuCount");
    EventJson.exactWhole(memoryPerGpuBytes, 1, "memoryPerGpuBytes");
    EventJson.finite(usdPerInstanceHour, "usdPerInstanceHour");
    if (usdPerInstanceHour < 0) {
      throw new IllegalArgumentException("usdPerInstanceHour must be at least 0");
    }
    EventJson.nonEmpty(market, "market");
    EventJson.nonEmpty(fetchedAt, "fetchedAt");
    try {
      Instant.parse(fetchedAt);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("fetchedAt is not an ISO-8601 instant: " + fetchedAt, e);
    }
    EventJson.nonEmpty(source, "source");
    EventJson.nonEmpty(origin, "origin");
  }

  /**
   * The event to append.
   *
   * @return a {@value #TYPE} event of schema version {@value #SCHEMA_VERSION}
   */
  public LedgerEvent toEvent() {
    ObjectNode payload =
        EventJson.object()
            .put("provider", provider)
            .put("sku", sku)
            .put("gpuName", gpuName)
            .put("gpuCount", gpuCount)
            .put("memoryPerGpuBytes", memoryPerGpuBytes)
            .put("market", market)
            .put("fetchedAt", fetchedAt)
            .put("source", source)
            .put("origin", origin);
    EventJson.putNumber(payload, "usdPerInstanceHour", usdPerInstanceHour);
    return EventJson.event(TYPE, SCHEMA_VERSION, payload);
  }

  /**
   * Decodes a recorded event.
   *
   * @param event a recorded {@value #TYPE} event
   * @return the observation
   * @throws IllegalArgumentException if it is not a {@value #TYPE} event of schema version {@value
   *     #SCHEMA_VERSION}, or its payload does not follow that schema
   */
  public static PriceObserved from(RecordedEvent event) {
    return EventJson.decode(
        event,
        TYPE,
        SCHEMA_VERSION,
        in ->
            new PriceObserved(
                in.string("provider"),
                in.string("sku"),
                in.string("gpuName"),
                in.whole("gpuCount"),
                in.whole("memoryPerGpuBytes"),
                Objects.requireNonNull(in.optionalNumber("usdPerInstanceHour"))
                    .orElseThrow(
                        () -> new IllegalArgumentException("usdPerInstanceHour is missing")),
                in.string("market"),
                in.string("fetchedAt"),
                in.string("source"),
                in.string("origin")));
  }
}
