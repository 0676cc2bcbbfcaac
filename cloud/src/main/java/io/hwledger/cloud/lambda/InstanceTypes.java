package io.hwledger.cloud.lambda;

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
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Maps the answer of {@code GET /api/v1/instance-types} to offers.
 *
 * <p>The answer is {@code {"data": {TYPE: {"instance_type": {name, description, gpu_description,
 * price_cents_per_hour, specs: {vcpus, memory_gib, storage_gib, gpus}},
 * "regions_with_capacity_available": [{name, description}]}}}} (Lambda Cloud API 1.10.0; older
 * answers lack {@code gpu_description} and {@code specs.gpus}). The price is US cents per
 * <em>instance</em>-hour, whatever the GPU count: it is divided by 100 and never multiplied. The
 * GPU count is {@code specs.gpus}, else the count the description starts with; the GPU and its
 * memory come from {@code gpu_description} when it is readable, else the description. A type with
 * {@code specs.gpus} 0 (a CPU-only type) is not a GPU offer and is left out; a type whose
 * description is not of the documented form is left out with a one-line warning, since its GPU
 * memory is then unknown.
 */
final class InstanceTypes {
  private static final System.Logger LOG = System.getLogger(InstanceTypes.class.getName());

  /** More GPUs than any machine holds: a count above it is a malformed answer. */
  private static final int MAX_GPUS = 1024;

  private final Json json;
  private final GpuNames names;

  InstanceTypes(Json json, GpuNames names) {
    this.json = json;
    this.names = names;
  }

  /**
   * The offers of one answer: per type, one offer per region with capacity ({@link
   * Availability#AVAILABLE}), or one without a region ({@link Availability#NONE}) when no region
   * has capacity.
   *
   * @param body the answer's body
   * @param fetchedAt what each offer's fetched-at is
   * @param source what each offer's source is: the endpoint's URI
   * @return the offers, in the answer's order
   * @throws PriceSourceException naming the type and field when the answer is malformed
   */
  List<Offer> offers(String body, Instant fetchedAt, String source) throws PriceSourceException {
    JsonNode data = json.require(json.object(body, "the instance types"), "data", "the answer");
    if (!data.isObject()) {
      throw new PriceSourceException("Lambda: the answer has 'data' that is not an object");
    }
    List<Offer> offers = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : data.properties()) {
      offers.addAll(offersOf(entry.getKey(), entry.getValue(), fetchedAt, source));
    }
    return offers;
  }

  private List<Offer> offersOf(String key, JsonNode item, Instant fetchedAt, String source)
      throws PriceSourceException {
    String what = "instance type " + key;
    JsonNode type = object(item, "instance_type", what);
    String name = json.text(type, "name", what);
    String description = json.text(type, "description", what);
    Optional<String> gpuDescription = json.optionalText(type, "gpu_description");
    long cents = json.whole(type, "price_cents_per_hour", what, 0);
    JsonNode specs = object(type, "specs", what);
    JsonNode gpusNode = specs.get("gpus");
    long specGpus =
        gpusNode == null || gpusNode.isNull() ? -1 : json.whole(specs, "gpus", what + " specs", 0);
    JsonNode regions = json.array(item, "regions_with_capacity_available", what);
    if (specGpus == 0) {
      return List.of();
    }
    if (specGpus > MAX_GPUS) {
      throw new PriceSourceException(
          "Lambda: " + what + " has 'specs.gpus' " + specGpus + ", more than " + MAX_GPUS);
    }
    Optional<GpuDescription> whole = GpuDescription.parse(description);
    Optional<GpuDescription> gpu = gpuDescription.flatMap(GpuDescription::parse).or(() -> whole);
    int count =
        specGpus > 0 ? Math.toIntExact(specGpus) : whole.map(d -> d.count().orElse(0)).orElse(0);
    if (gpu.isEmpty() || count == 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Lambda {0}: description ''{1}'' is not ''Nx GPU (M GB ...)''; left out, its GPU unknown",
          name,
          gpuDescription.orElse(description));
      return List.of();
    }
    String gpuName = gpu.get().gpuName();
    long memory = gpu.get().memoryBytes();
    @Nullable String gpuId = names.idOf(gpuName, memory);
    double usdPerInstanceHour = cents / 100.0;
    List<Offer> offers = new ArrayList<>();
    int i = 0;
    for (JsonNode region : regions) {
      String regionName = json.text(region, "name", what + " region " + i++);
      offers.add(
          offer(
              name,
              gpuName,
              gpuId,
              count,
              memory,
              usdPerInstanceHour,
              regionName,
              fetchedAt,
              source));
    }
    if (offers.isEmpty()) {
      offers.add(
          offer(name, gpuName, gpuId, count, memory, usdPerInstanceHour, null, fetchedAt, source));
    }
    return offers;
  }

  private static Offer offer(
      String sku,
      String gpuName,
      @Nullable String gpuId,
      int count,
      long memoryPerGpu,
      double usdPerInstanceHour,
      @Nullable String region,
      Instant fetchedAt,
      String source) {
    return new Offer(
        LambdaSource.ID,
        sku,
        gpuName,
        gpuId,
        count,
        memoryPerGpu,
        usdPerInstanceHour,
        Market.ON_DEMAND,
        Tier.SECURE,
        null,
        region,
        region == null ? Availability.NONE : Availability.AVAILABLE,
        fetchedAt,
        source);
  }

  private JsonNode object(JsonNode node, String field, String what) throws PriceSourceException {
    JsonNode value = json.require(node, field, what);
    if (!value.isObject()) {
      throw new PriceSourceException(
          "Lambda: " + what + " has '" + field + "' that is not an object");
    }
    return value;
  }
}
