package io.hwledger.cloud.vastai;

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
import org.jspecify.annotations.Nullable;

/**
 * Maps an offer search's answer, {@code {"offers": [...]}}, to {@link Offer}s, one per listed offer
 * at that offer's own price.
 *
 * <p>Units, as Vast's API gives them:
 *
 * <ul>
 *   <li>{@code gpu_ram} is the memory of <em>each</em> GPU in MiB, the total {@code nvidia-smi}
 *       prints: an RTX 4090 reads 24564 (= 25,757,220,864 bytes, the GPU catalog's figure), an A100
 *       80GB 81920. Vast's reference calls it "MB" and its CLI divides by 1000 to print GB; the
 *       values are the driver's MiB, so it is multiplied by 2<sup>20</sup> here.
 *   <li>{@code dph_base}, {@code dph_total} and {@code min_bid} are US dollars per hour for the
 *       whole offer (all {@code num_gpus} GPUs): never multiplied by the GPU count.
 *   <li>{@code dph_total} is {@code dph_base} plus the storage charge for the searched {@link
 *       VastSearch#ALLOCATED_STORAGE_GIB}; an on-demand offer costs {@code dph_total}, and an
 *       interruptible one its minimum bid plus the same storage charge, which is billed whether the
 *       instance runs or not.
 *   <li>{@code hosting_type} 1 is a datacenter host, what Vast's "Secure Cloud (Only Trusted
 *       Datacenters)" filter shows ({@code vastai} sets {@code datacenter = hosting_type == 1});
 *       any other host is community.
 * </ul>
 */
final class VastOffers {
  private static final long MIB = 1L << 20;
  private static final int MAX_GPUS = 1024;
  private static final String PROVIDER = "Vast.ai";

  private final GpuNames names;
  private final Instant fetchedAt;
  private final String source;
  private final Json json = new Json(PROVIDER);

  VastOffers(GpuNames names, Instant fetchedAt, String source) {
    this.names = names;
    this.fetchedAt = fetchedAt;
    this.source = source;
  }

  /**
   * The offers of one search's answer.
   *
   * @throws PriceSourceException naming the offer and field when the answer is malformed
   */
  List<Offer> map(String body, VastSearch search) throws PriceSourceException {
    String what = "the " + search.name().toLowerCase(Locale.ROOT).replace('_', '-') + " search";
    JsonNode root = json.object(body, what);
    List<Offer> offers = new ArrayList<>();
    int index = 0;
    for (JsonNode node : json.array(root, "offers", what)) {
      if (!node.isObject()) {
        throw new PriceSourceException(
            PROVIDER + ": offer " + index + " of " + what + " is not an object");
      }
      offers.add(offer(node, index++, search.market()));
    }
    return offers;
  }

  private Offer offer(JsonNode node, int index, Market market) throws PriceSourceException {
    long id = json.whole(node, "id", "offer " + index, 0);
    String item = "offer " + id;
    String gpuName = json.text(node, "gpu_name", item);
    long count = json.whole(node, "num_gpus", item, 1);
    if (count > MAX_GPUS) {
      throw new PriceSourceException(
          PROVIDER + ": " + item + " has 'num_gpus' " + count + ", more than " + MAX_GPUS);
    }
    double gpuRamMib = json.number(node, "gpu_ram", item);
    long memoryPerGpu = Math.round(gpuRamMib * MIB);
    if (memoryPerGpu <= 0) {
      throw new PriceSourceException(
          PROVIDER + ": " + item + " has 'gpu_ram' that is not positive");
    }
    double base = json.number(node, "dph_base", item);
    double total = json.number(node, "dph_total", item);
    double price;
    @Nullable String bidRule = null;
    if (market == Market.SPOT) {
      double minBid = json.number(node, "min_bid", item);
      price = minBid + Math.max(0, total - base);
      bidRule = bidRule(minBid, count);
    } else {
      price = total;
    }
    JsonNode hosting = node.get("hosting_type");
    Tier tier =
        hosting != null && hosting.isIntegralNumber() && hosting.asLong() == 1
            ? Tier.SECURE
            : Tier.COMMUNITY;
    @Nullable String region = json.optionalText(node, "geolocation").orElse(null);
    try {
      return new Offer(
          VastAiSource.ID,
          Long.toString(id),
          gpuName,
          names.idOf(gpuName, memoryPerGpu),
          (int) count,
          memoryPerGpu,
          price,
          market,
          tier,
          bidRule,
          region,
          Availability.AVAILABLE,
          fetchedAt,
          source);
    } catch (IllegalArgumentException e) {
      throw new PriceSourceException(PROVIDER + ": " + item + ": " + e.getMessage(), e);
    }
  }

  /**
   * Vast's bid rule: one bid per instance-hour for the whole offer, at least its {@code min_bid};
   * the highest bid on the machine runs and an outbid instance is stopped (Vast's rental types).
   */
  private static String bidRule(double minBid, long gpus) {
    return String.format(
        Locale.ROOT,
        "bid in USD per instance-hour for all %d GPU%s, at least the offer's min_bid %.4f (plus"
            + " storage); the highest bid on the machine runs, an outbid instance is stopped",
        gpus,
        gpus == 1 ? "" : "s",
        minBid);
  }
}
