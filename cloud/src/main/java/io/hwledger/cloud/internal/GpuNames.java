package io.hwledger.cloud.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.GpuSpec;
import io.hwledger.math.GpuCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which GPU catalog entry a provider's GPU name means, from the source's cited table {@code
 * /io/hwledger/cloud/gpu-names/ID.json}: each name the provider's API prints and the catalog ids it
 * can stand for. A name that stands for several (one marketplace name sold with 40 and 80 GB) is
 * told apart by the memory the offer states: the entry whose memory is within {@value
 * #MEMORY_TOLERANCE_PERCENT} % of it. A name not in the table, or whose memory matches no
 * candidate, maps to nothing: the offer is reported with an unknown GPU, never matched to a
 * neighbour.
 */
public final class GpuNames {
  /**
   * How far an offer's stated memory may be from the catalog entry's, percent. Price APIs print the
   * nominal size (RunPod's {@code memoryInGb} is 48 for an L40S) while the catalog holds the
   * nvidia-smi total, which ECC takes 1/16 off on GDDR cards (46,068 MiB, 6.3 % less); the memory
   * sizes one name is sold in (40 and 80 GB, 8 and 16 GB) are much further apart than 10 %.
   */
  static final int MEMORY_TOLERANCE_PERCENT = 10;

  private final String sourceId;
  private final Map<String, List<String>> names;
  private final GpuCatalog catalog;

  GpuNames(String sourceId, Map<String, List<String>> names, GpuCatalog catalog) {
    this.sourceId = sourceId;
    this.names = Map.copyOf(names);
    this.catalog = catalog;
  }

  /**
   * The table of a built-in source, over the built-in GPU catalog.
   *
   * @param sourceId the source, e.g. {@code vastai}
   * @return its table
   * @throws IllegalStateException if the resource is missing or malformed: a build defect
   */
  public static GpuNames of(String sourceId) {
    String resource = "/io/hwledger/cloud/gpu-names/" + sourceId + ".json";
    try (InputStream in = GpuNames.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return parse(sourceId, Json.MAPPER.readTree(in), GpuCatalog.builtIn());
    } catch (IOException e) {
      throw new UncheckedIOException(resource, e);
    }
  }

  /**
   * The catalog entry a provider's GPU name means.
   *
   * @param providerName the name as the API prints it, compared ignoring case and runs of spaces
   * @param memoryPerGpuBytes the memory the offer states per GPU, bytes
   * @return the entry, or empty when the name is unknown or its memory matches no candidate
   */
  public Optional<GpuSpec> find(String providerName, long memoryPerGpuBytes) {
    Objects.requireNonNull(providerName, "providerName");
    for (String id : names.getOrDefault(key(providerName), List.of())) {
      GpuSpec gpu = catalog.get(id);
      long diff = Math.abs(gpu.memoryBytes() - memoryPerGpuBytes);
      if (diff * 100 <= (long) MEMORY_TOLERANCE_PERCENT * gpu.memoryBytes()) {
        return Optional.of(gpu);
      }
    }
    return Optional.empty();
  }

  /**
   * The catalog id a provider's GPU name means, for {@link io.hwledger.cloud.Offer#gpuId()}.
   *
   * @param providerName the name as the API prints it
   * @param memoryPerGpuBytes the memory the offer states per GPU, bytes
   * @return the id, or null when unknown
   */
  public @Nullable String idOf(String providerName, long memoryPerGpuBytes) {
    return find(providerName, memoryPerGpuBytes).map(GpuSpec::id).orElse(null);
  }

  private static String key(String name) {
    return name.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a table: {@code {"names": {"NAME": ["catalog-id", ...]}}}; other members (sources, notes)
   * are documentation.
   *
   * @throws IllegalStateException if a catalog id is unknown or the shape is wrong
   */
  static GpuNames parse(String sourceId, JsonNode root, GpuCatalog catalog) {
    JsonNode table = root.path("names");
    if (!table.isObject()) {
      throw new IllegalStateException("gpu-names/" + sourceId + ".json: no 'names' object");
    }
    Map<String, List<String>> map = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> n = table.fields(); n.hasNext(); ) {
      Map.Entry<String, JsonNode> name = n.next();
      List<String> ids = new ArrayList<>();
      for (JsonNode id : name.getValue()) {
        if (catalog.find(id.asText()).isEmpty()) {
          throw new IllegalStateException(
              "gpu-names/"
                  + sourceId
                  + ".json: '"
                  + name.getKey()
                  + "' maps to unknown GPU "
                  + id.asText());
        }
        ids.add(id.asText());
      }
      map.put(key(name.getKey()), List.copyOf(ids));
    }
    return new GpuNames(sourceId, map, catalog);
  }

  @Override
  public String toString() {
    return "GpuNames[" + sourceId + ", " + names.size() + " names]";
  }
}
