package io.hwledger.cloud.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.cloud.Availability;
import io.hwledger.cloud.Market;
import io.hwledger.cloud.Offer;
import io.hwledger.cloud.PriceSourceException;
import io.hwledger.cloud.Snapshot;
import io.hwledger.cloud.Tier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The JSON of normalised offers: the snapshots shipped as resources ({@code
 * /io/hwledger/cloud/snapshots/ID.json}, written by hand from the providers' price pages) and the
 * cache files {@code CloudPrices} keeps between runs.
 *
 * <p>A snapshot offer gives the memory as the provider prints it, in GiB ({@code memoryPerGpuGiB}),
 * and exactly one of {@code usdPerInstanceHour} and {@code usdPerGpuHour}, the one the page quotes,
 * so that the file copies the page and the unit is written next to the number.
 */
public final class OfferJson {
  private static final long GIB = 1L << 30;

  private OfferJson() {}

  /**
   * Reads the snapshot resource of a source.
   *
   * @param sourceId the source's id; the resource is {@code snapshots/ID.json} next to this class's
   *     package parent
   * @return the snapshot
   * @throws IllegalStateException if the resource is missing or malformed: a build defect
   */
  public static Snapshot snapshot(String sourceId) {
    String resource = "/io/hwledger/cloud/snapshots/" + sourceId + ".json";
    try (InputStream in = OfferJson.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return parseSnapshot(new String(in.readAllBytes(), StandardCharsets.UTF_8), sourceId);
    } catch (IOException e) {
      throw new UncheckedIOException(resource, e);
    } catch (PriceSourceException e) {
      throw new IllegalStateException(resource + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a snapshot's text.
   *
   * @param text the JSON
   * @param sourceId the source it must belong to
   * @return the snapshot
   * @throws PriceSourceException naming what is wrong
   */
  public static Snapshot parseSnapshot(String text, String sourceId) throws PriceSourceException {
    Json json = new Json("snapshot " + sourceId);
    JsonNode root = json.object(text, "the snapshot");
    String source = json.text(root, "source", "the snapshot");
    if (!source.equals(sourceId)) {
      throw new PriceSourceException("snapshot of " + source + " given for " + sourceId);
    }
    LocalDate asOf;
    try {
      asOf = LocalDate.parse(json.text(root, "asOf", "the snapshot"));
    } catch (DateTimeParseException e) {
      throw new PriceSourceException("snapshot " + sourceId + ": asOf is not YYYY-MM-DD", e);
    }
    String citation = json.text(root, "citation", "the snapshot");
    Instant fetchedAt = asOf.atStartOfDay(ZoneOffset.UTC).toInstant();
    String label = "snapshot " + asOf + " (" + citation + ")";
    List<Offer> offers = new ArrayList<>();
    int i = 0;
    for (JsonNode node : json.array(root, "offers", "the snapshot")) {
      String item = "offer " + i++;
      int count = (int) json.whole(node, "gpuCount", item, 1);
      double gib = json.number(node, "memoryPerGpuGiB", item);
      OptionalDouble perInstance = json.optionalNumber(node, "usdPerInstanceHour", item);
      OptionalDouble perGpu = json.optionalNumber(node, "usdPerGpuHour", item);
      if (perInstance.isPresent() == perGpu.isPresent()) {
        throw new PriceSourceException(
            "snapshot "
                + sourceId
                + ": "
                + item
                + " must give exactly one of usdPerInstanceHour and usdPerGpuHour");
      }
      double instancePrice =
          perInstance.isPresent() ? perInstance.getAsDouble() : perGpu.getAsDouble() * count;
      offers.add(
          offer(
              json,
              node,
              item,
              sourceId,
              count,
              Math.round(gib * GIB),
              instancePrice,
              fetchedAt,
              label));
    }
    return new Snapshot(source, asOf, citation, offers);
  }

  /**
   * The cache file's text of offers, exact (bytes, instants).
   *
   * @param offers the offers
   * @return JSON text
   */
  public static String writeCache(List<Offer> offers) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    for (Offer o : offers) {
      ObjectNode n = array.addObject();
      n.put("provider", o.provider());
      n.put("sku", o.sku());
      n.put("gpuName", o.gpuName());
      if (o.gpuId() != null) {
        n.put("gpuId", o.gpuId());
      }
      n.put("gpuCount", o.gpuCount());
      n.put("memoryPerGpuBytes", o.memoryPerGpuBytes());
      n.put("usdPerInstanceHour", o.usdPerInstanceHour());
      n.put("market", o.market().name());
      n.put("tier", o.tier().name());
      if (o.bidRule() != null) {
        n.put("bidRule", o.bidRule());
      }
      if (o.region() != null) {
        n.put("region", o.region());
      }
      n.put("availability", o.availability().name());
      n.put("fetchedAt", o.fetchedAt().toString());
      n.put("source", o.source());
    }
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.set("offers", array);
    return root.toString();
  }

  /**
   * Reads a cache file's text.
   *
   * @param text what {@link #writeCache} wrote
   * @param sourceId the source whose offers it must hold
   * @return the offers
   * @throws PriceSourceException if the file is malformed or holds another source's offers
   */
  public static List<Offer> readCache(String text, String sourceId) throws PriceSourceException {
    Json json = new Json("cache of " + sourceId);
    JsonNode root = json.object(text, "the cache file");
    List<Offer> offers = new ArrayList<>();
    int i = 0;
    for (JsonNode node : json.array(root, "offers", "the cache file")) {
      String item = "offer " + i++;
      if (!json.text(node, "provider", item).equals(sourceId)) {
        throw new PriceSourceException("cache of " + sourceId + " holds another source's offer");
      }
      Instant fetchedAt;
      try {
        fetchedAt = Instant.parse(json.text(node, "fetchedAt", item));
      } catch (DateTimeParseException e) {
        throw new PriceSourceException("cache of " + sourceId + ": bad fetchedAt in " + item, e);
      }
      offers.add(
          offer(
              json,
              node,
              item,
              sourceId,
              (int) json.whole(node, "gpuCount", item, 1),
              json.whole(node, "memoryPerGpuBytes", item, 1),
              json.number(node, "usdPerInstanceHour", item),
              fetchedAt,
              json.text(node, "source", item)));
    }
    return offers;
  }

  /** An offer from the fields snapshots and cache files share; its errors name the item. */
  private static Offer offer(
      Json json,
      JsonNode node,
      String item,
      String sourceId,
      int count,
      long memoryPerGpu,
      double instancePrice,
      Instant fetchedAt,
      String source)
      throws PriceSourceException {
    String sku = json.text(node, "sku", item);
    String gpuName = json.text(node, "gpuName", item);
    String gpuId = json.optionalText(node, "gpuId").orElse(null);
    Market market = constant(Market.class, json.text(node, "market", item), item, sourceId);
    Tier tier = constant(Tier.class, json.text(node, "tier", item), item, sourceId);
    String bidRule = json.optionalText(node, "bidRule").orElse(null);
    String region = json.optionalText(node, "region").orElse(null);
    Availability availability =
        constant(
            Availability.class,
            json.optionalText(node, "availability").orElse("UNKNOWN"),
            item,
            sourceId);
    try {
      return new Offer(
          sourceId,
          sku,
          gpuName,
          gpuId,
          count,
          memoryPerGpu,
          instancePrice,
          market,
          tier,
          bidRule,
          region,
          availability,
          fetchedAt,
          source);
    } catch (IllegalArgumentException e) {
      throw new PriceSourceException(sourceId + " " + item + ": " + e.getMessage(), e);
    }
  }

  private static <E extends Enum<E>> E constant(
      Class<E> type, String name, String item, String sourceId) throws PriceSourceException {
    try {
      return Enum.valueOf(type, name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new PriceSourceException(
          sourceId + " " + item + ": unknown " + type.getSimpleName() + " '" + name + "'", e);
    }
  }
}
