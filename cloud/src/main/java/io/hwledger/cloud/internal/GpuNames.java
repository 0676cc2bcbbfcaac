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

/**
 * Which GPU catalog entry a provider's GPU name means, from the cited table {@code
 * /io/hwledger/cloud/gpu-names.json}: for each source, each name the provider's API prints and the
 * catalog ids it can stand for. A name that stands for several (Vast.ai's {@code A100 PCIE} is sold
 * with 40 and 80 GB) is told apart by the memory the offer states: the entry whose memory is within
 * {@value #MEMORY_TOLERANCE_PERCENT} % of it. A name not in the table, or whose memory matches no
 * candidate, maps to nothing: the offer is reported with an unknown GPU, never matched to a
 * neighbour.
 */
public final class GpuNames {
  /** How far an offer's stated memory may be from the catalog entry's, percent. */
  static final int MEMORY_TOLERANCE_PERCENT = 6;

  private static final GpuNames BUILT_IN = load();

  private final Map<String, Map<String, List<String>>> bySource;
  private final GpuCatalog catalog;

  GpuNames(Map<String, Map<String, List<String>>> bySource, GpuCatalog catalog) {
    this.bySource = bySource;
    this.catalog = catalog;
  }

  /**
   * The table shipped in this jar, over the built-in GPU catalog.
   *
   * @return the shared instance
   */
  public static GpuNames builtIn() {
    return BUILT_IN;
  }

  /**
   * The catalog entry a provider's GPU name means.
   *
   * @param sourceId the source, e.g. {@code vastai}
   * @param providerName the name as the API prints it, compared ignoring case and surrounding space
   * @param memoryPerGpuBytes the memory the offer states per GPU, bytes
   * @return the entry, or empty when the name is unknown or its memory matches no candidate
   */
  public Optional<GpuSpec> find(String sourceId, String providerName, long memoryPerGpuBytes) {
    Objects.requireNonNull(sourceId, "sourceId");
    Objects.requireNonNull(providerName, "providerName");
    List<String> ids =
        bySource.getOrDefault(sourceId, Map.of()).getOrDefault(key(providerName), List.of());
    for (String id : ids) {
      GpuSpec gpu = catalog.get(id);
      long diff = Math.abs(gpu.memoryBytes() - memoryPerGpuBytes);
      if (diff * 100 <= (long) MEMORY_TOLERANCE_PERCENT * gpu.memoryBytes()) {
        return Optional.of(gpu);
      }
    }
    return Optional.empty();
  }

  private static String key(String name) {
    return name.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  private static GpuNames load() {
    String resource = "/io/hwledger/cloud/gpu-names.json";
    try (InputStream in = GpuNames.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return parse(Json.MAPPER.readTree(in), GpuCatalog.builtIn());
    } catch (IOException e) {
      throw new UncheckedIOException(resource, e);
    }
  }

  /**
   * Reads the table: {@code {"sources": {"ID": {"names": {"NAME": ["catalog-id", ...]}}}}}; other
   * members (sources, notes) are documentation.
   *
   * @throws IllegalStateException if a catalog id is unknown or the shape is wrong
   */
  static GpuNames parse(JsonNode root, GpuCatalog catalog) {
    JsonNode sources = root.path("sources");
    if (!sources.isObject()) {
      throw new IllegalStateException("gpu-names.json: no 'sources' object");
    }
    Map<String, Map<String, List<String>>> bySource = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = sources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> source = it.next();
      JsonNode names = source.getValue().path("names");
      Map<String, List<String>> map = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> n = names.fields(); n.hasNext(); ) {
        Map.Entry<String, JsonNode> name = n.next();
        List<String> ids = new ArrayList<>();
        for (JsonNode id : name.getValue()) {
          if (catalog.find(id.asText()).isEmpty()) {
            throw new IllegalStateException(
                "gpu-names.json: " + source.getKey() + " maps to unknown GPU " + id.asText());
          }
          ids.add(id.asText());
        }
        map.put(key(name.getKey()), List.copyOf(ids));
      }
      bySource.put(source.getKey(), Map.copyOf(map));
    }
    return new GpuNames(Map.copyOf(bySource), catalog);
  }
}
