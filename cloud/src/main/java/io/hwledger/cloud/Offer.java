package io.hwledger.cloud;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing a provider rents, normalised: a GPU model and count at an hourly price in one market.
 *
 * <p>The price is stored once, per instance-hour; {@link #usdPerGpuHour()} divides it by the GPU
 * count. A source whose API quotes per GPU (RunPod) multiplies by the count when it builds the
 * offer, and one that quotes per instance (Vast.ai, Lambda) does not: the unit is decided in one
 * place per source, where its API documentation is cited, never by the reader of an offer.
 *
 * @param provider the {@link PriceSource#id() id} of the source, e.g. {@code vastai}
 * @param sku what the provider calls the offer: an offer id, an instance type, a GPU type id
 * @param gpuName the GPU as the provider names it, e.g. {@code RTX 4090}
 * @param gpuId the GPU catalog's id for it ({@code io.hwledger.math.GpuCatalog}), or {@code null}
 *     when the name is not one the source maps: reported as unknown, never guessed
 * @param gpuCount GPUs in the instance, at least 1
 * @param memoryPerGpuBytes memory of each GPU as the provider states it, bytes, positive
 * @param usdPerInstanceHour what the whole instance costs per hour in US dollars: the on-demand
 *     price, or for {@link Market#SPOT} the lowest bid the provider accepts; finite, at least 0
 * @param market on-demand or spot
 * @param tier secure (data-centre) or community hosting
 * @param bidRule for a spot offer, how a bid is placed (its unit and minimum), as the provider
 *     documents it; {@code null} for on-demand
 * @param region the provider's region or location, or {@code null} when it names none
 * @param availability capacity when fetched
 * @param fetchedAt when the source read the price (for a snapshot, the snapshot's date)
 * @param source where the price came from: an API endpoint, or a snapshot's date and citation
 */
public record Offer(
    String provider,
    String sku,
    String gpuName,
    @Nullable String gpuId,
    int gpuCount,
    long memoryPerGpuBytes,
    double usdPerInstanceHour,
    Market market,
    Tier tier,
    @Nullable String bidRule,
    @Nullable String region,
    Availability availability,
    Instant fetchedAt,
    String source) {

  /**
   * Validates.
   *
   * @param provider the {@link PriceSource#id() id} of the source
   * @param sku what the provider calls the offer
   * @param gpuName the GPU as the provider names it
   * @param gpuId the GPU catalog's id for it ({@code io.hwledger.math.GpuCatalog}), or {@code null}
   *     when the name is not one the source maps
   * @param gpuCount GPUs in the instance, at least 1
   * @param memoryPerGpuBytes memory of each GPU as the provider states it, bytes, positive
   * @param usdPerInstanceHour what the whole instance costs per hour in US dollars
   * @param market on-demand or spot
   * @param tier secure (data-centre) or community hosting
   * @param bidRule for a spot offer, how a bid is placed (its unit and minimum), as the provider
   *     documents it
   * @param region the provider's region or location, or {@code null} when it names none
   * @param availability capacity when fetched
   * @param fetchedAt when the source read the price (for a snapshot, the snapshot's date)
   * @param source where the price came from
   * @throws IllegalArgumentException naming the field when a count, size or price is out of range,
   *     a text is blank, or a spot offer has no bid rule (or an on-demand one has one)
   */
  public Offer {
    nonBlank(provider, "provider");
    nonBlank(sku, "sku");
    nonBlank(gpuName, "gpuName");
    if (gpuId != null) {
      nonBlank(gpuId, "gpuId");
    }
    if (gpuCount < 1) {
      throw new IllegalArgumentException(
          "offer " + sku + ": gpuCount must be at least 1, got " + gpuCount);
    }
    if (memoryPerGpuBytes <= 0) {
      throw new IllegalArgumentException(
          "offer " + sku + ": memoryPerGpuBytes must be positive, got " + memoryPerGpuBytes);
    }
    if (!Double.isFinite(usdPerInstanceHour) || usdPerInstanceHour < 0) {
      throw new IllegalArgumentException(
          "offer "
              + sku
              + ": usdPerInstanceHour must be finite and >= 0, got "
              + usdPerInstanceHour);
    }
    Objects.requireNonNull(market, "market");
    Objects.requireNonNull(tier, "tier");
    if ((market == Market.SPOT) != (bidRule != null)) {
      throw new IllegalArgumentException(
          "offer " + sku + ": a bid rule is required for a spot offer and only for one");
    }
    if (bidRule != null) {
      nonBlank(bidRule, "bidRule");
    }
    if (region != null) {
      nonBlank(region, "region");
    }
    Objects.requireNonNull(availability, "availability");
    Objects.requireNonNull(fetchedAt, "fetchedAt");
    nonBlank(source, "source");
  }

  /**
   * The price of one GPU of the instance per hour.
   *
   * @return {@link #usdPerInstanceHour()} / {@link #gpuCount()}, US dollars
   */
  public double usdPerGpuHour() {
    return usdPerInstanceHour / gpuCount;
  }

  /**
   * Memory of all the instance's GPUs.
   *
   * @return {@link #memoryPerGpuBytes()} × {@link #gpuCount()}, bytes
   */
  public long memoryBytes() {
    return Math.multiplyExact(memoryPerGpuBytes, (long) gpuCount);
  }

  private static void nonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException("offer " + name + " must not be blank");
    }
  }
}
