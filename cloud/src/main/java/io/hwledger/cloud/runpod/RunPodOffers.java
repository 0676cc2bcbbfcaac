package io.hwledger.cloud.runpod;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.cloud.Availability;
import io.hwledger.cloud.Market;
import io.hwledger.cloud.Offer;
import io.hwledger.cloud.PriceSourceException;
import io.hwledger.cloud.Tier;
import io.hwledger.cloud.internal.GpuNames;
import io.hwledger.cloud.internal.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * Maps the answer of {@link RunPodQuery}, {@code {"data": {"gpuTypes": [...]}}}, to {@link Offer}s.
 *
 * <p>Units, as RunPod's API gives them (gpuhunt {@code providers/runpod.py}, RunPod's GPU-types
 * reference):
 *
 * <ul>
 *   <li>prices are US dollars per GPU-hour: an instance of {@code n} GPUs costs {@code n} × the
 *       price, and a spot bid ({@code bidPerGpu}) is per GPU. dstack #1890 bid the instance price
 *       per GPU, an eight-fold overpay on 8 GPUs.
 *   <li>{@code memoryInGb} is the memory of each GPU in GiB (80 for an H100): × 2<sup>30</sup>
 *       bytes. SkyPilot's catalog stored it under {@code SizeInMiB}, a factor of 1024 off.
 *   <li>each cloud's price comes from its own field ({@code securePrice}, {@code communityPrice},
 *       and the {@code *SpotPrice} pair), so an offer's tier is the cloud its price is from.
 * </ul>
 *
 * <p>No offer is made for a cloud, market and count whose price is null or 0, whose count is above
 * the cloud's {@code maxGpuCount*}, or whose {@code stockStatus} is null (gpuhunt skips those too).
 */
final class RunPodOffers {
  private static final long GIB = 1L << 30;
  private static final String PROVIDER = "RunPod";
  private static final int MAX_ERROR_CHARS = 200;

  private final GpuNames names;
  private final Instant fetchedAt;
  private final String source;
  private final Json json = new Json(PROVIDER);

  RunPodOffers(GpuNames names, Instant fetchedAt, String source) {
    this.names = names;
    this.fetchedAt = fetchedAt;
    this.source = source;
  }

  /**
   * The offers of the answer.
   *
   * @throws PriceSourceException on GraphQL {@code errors} (the first message, one line) or a
   *     malformed answer (naming the GPU type and field)
   */
  List<Offer> map(String body) throws PriceSourceException {
    JsonNode root = json.object(body, "the GPU-type query");
    JsonNode errors = root.get("errors");
    if (errors != null && errors.isArray() && !errors.isEmpty()) {
      throw new PriceSourceException(PROVIDER + " answered GraphQL errors: " + message(errors));
    }
    JsonNode data = json.require(root, "data", "the GPU-type query");
    List<Offer> offers = new ArrayList<>();
    int index = 0;
    for (JsonNode type : json.array(data, "gpuTypes", "the GPU-type query")) {
      if (!type.isObject()) {
        throw new PriceSourceException(PROVIDER + ": GPU type " + index + " is not an object");
      }
      index++;
      gpuType(type, offers);
    }
    return offers;
  }

  private void gpuType(JsonNode type, List<Offer> offers) throws PriceSourceException {
    String id = json.text(type, "id", "a GPU type");
    String item = "GPU type " + id;
    String displayName = json.text(type, "displayName", item);
    double gib = json.number(type, "memoryInGb", item);
    long memoryPerGpu = Math.round(gib * GIB);
    if (memoryPerGpu <= 0) {
      throw new PriceSourceException(
          PROVIDER + ": " + item + " has 'memoryInGb' that is not positive");
    }
    @Nullable String gpuId = names.idOf(id, memoryPerGpu);
    for (Tier tier : Tier.values()) {
      boolean secure = tier == Tier.SECURE;
      long max =
          maxCount(type, secure ? "maxGpuCountSecureCloud" : "maxGpuCountCommunityCloud", item);
      OptionalDouble onDemand =
          json.optionalNumber(type, secure ? "securePrice" : "communityPrice", item);
      OptionalDouble spot =
          json.optionalNumber(type, secure ? "secureSpotPrice" : "communitySpotPrice", item);
      for (int count : RunPodQuery.GPU_COUNTS) {
        if (count > max) {
          continue;
        }
        @Nullable Availability stock = stock(type, RunPodQuery.alias(tier, count), item);
        if (stock == null) {
          continue;
        }
        for (Market market : Market.values()) {
          OptionalDouble perGpu = market == Market.SPOT ? spot : onDemand;
          if (perGpu.isPresent() && perGpu.getAsDouble() > 0) {
            offers.add(
                offer(
                    id,
                    displayName,
                    gpuId,
                    count,
                    memoryPerGpu,
                    perGpu.getAsDouble(),
                    market,
                    tier,
                    stock));
          }
        }
      }
    }
  }

  /** The cloud's largest GPU count; absent or null means the cloud does not offer the type. */
  private long maxCount(JsonNode type, String field, String item) throws PriceSourceException {
    JsonNode value = type.get(field);
    return value == null || value.isNull() ? 0 : json.whole(type, field, item, 0);
  }

  /** The stock under {@code alias}: null (no offer) when RunPod reports none. */
  private @Nullable Availability stock(JsonNode type, String alias, String item)
      throws PriceSourceException {
    JsonNode lowest = type.get(alias);
    if (lowest == null) {
      throw new PriceSourceException(PROVIDER + ": " + item + " has no '" + alias + "'");
    }
    if (lowest.isNull()) {
      return null;
    }
    String status = json.optionalText(lowest, "stockStatus").orElse(null);
    if (status == null) {
      return null;
    }
    switch (status.toUpperCase(Locale.ROOT)) {
      case "HIGH":
        return Availability.HIGH;
      case "MEDIUM":
        return Availability.MEDIUM;
      case "LOW":
        return Availability.LOW;
      default:
        return Availability.AVAILABLE;
    }
  }

  private Offer offer(
      String id,
      String displayName,
      @Nullable String gpuId,
      int count,
      long memoryPerGpu,
      double usdPerGpuHour,
      Market market,
      Tier tier,
      Availability stock)
      throws PriceSourceException {
    try {
      return new Offer(
          RunPodSource.ID,
          id,
          displayName,
          gpuId,
          count,
          memoryPerGpu,
          count * usdPerGpuHour,
          market,
          tier,
          market == Market.SPOT ? bidRule(usdPerGpuHour, count, tier) : null,
          null,
          stock,
          fetchedAt,
          source);
    } catch (IllegalArgumentException e) {
      throw new PriceSourceException(PROVIDER + ": GPU type " + id + ": " + e.getMessage(), e);
    }
  }

  /** RunPod's bid rule: {@code bidPerGpu}, per GPU-hour, at least the cloud's spot price. */
  private static String bidRule(double usdPerGpuHour, int count, Tier tier) {
    return String.format(
        Locale.ROOT,
        "bidPerGpu in USD per GPU-hour, at least the %s spot price %.4f; the instance of %d GPU%s"
            + " costs %d x the bid; an interruptible pod is stopped when outbid",
        tier == Tier.SECURE ? "Secure Cloud" : "Community Cloud",
        usdPerGpuHour,
        count,
        count == 1 ? "" : "s",
        count);
  }

  /** The first GraphQL error's message, on one line and bounded. */
  private static String message(JsonNode errors) {
    JsonNode first = errors.get(0);
    JsonNode message = first == null ? null : first.get("message");
    String text = message != null && message.isTextual() ? message.asText() : String.valueOf(first);
    text = text.replaceAll("\\s+", " ").strip();
    return text.length() > MAX_ERROR_CHARS ? text.substring(0, MAX_ERROR_CHARS) + "..." : text;
  }
}
