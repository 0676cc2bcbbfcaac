package io.hwledger.math;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.GpuSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The built-in catalog of GPU specifications ({@code catalog/gpus.json}).
 *
 * <p>Immutable and thread-safe; loaded once, on first use. A bandwidth the catalog has no source
 * for is empty; a throughput it does not know is absent from {@link GpuSpec#denseTeraFlops()}.
 *
 * <p>Each entry gives the device memory three ways: {@code marketedMemory} (the vendor's "80 GB"),
 * {@code memoryBytes} (nvidia-smi's total, {@link GpuSpec#memoryBytes()}) and {@code
 * cudaTotalBytes} (what {@code cudaMemGetInfo} reports, {@link GpuSpec#cudaTotalBytes()}), with
 * {@code cudaTotalRule} {@code measured} (quoted from an engine or CUDA log in {@code
 * cudaTotalSource}) or {@code derived} (nvidia-smi's total less the reservation measured on the
 * same architecture, stated in {@code cudaTotalNotes}). Readers that predate the CUDA figure ignore
 * the new fields.
 */
public final class GpuCatalog {
  private final List<GpuSpec> gpus;

  private GpuCatalog(List<GpuSpec> gpus) {
    this.gpus = List.copyOf(gpus);
  }

  /**
   * The catalog shipped in this jar.
   *
   * @return the shared instance, loaded on first call
   */
  public static GpuCatalog builtIn() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final GpuCatalog INSTANCE = load();
  }

  /**
   * Every GPU, in catalog order.
   *
   * @return an unmodifiable list
   */
  public List<GpuSpec> gpus() {
    return gpus;
  }

  /**
   * The GPU whose id or name equals {@code idOrName}, ignoring case and surrounding whitespace.
   *
   * @param idOrName a catalog id such as {@code h100-sxm-80gb}, or a display name
   * @return the first match in catalog order, or empty if none matches
   */
  public Optional<GpuSpec> find(String idOrName) {
    Objects.requireNonNull(idOrName, "idOrName");
    String k = idOrName.trim().toLowerCase(Locale.ROOT);
    return gpus.stream()
        .filter(
            g ->
                g.id().toLowerCase(Locale.ROOT).equals(k)
                    || g.name().toLowerCase(Locale.ROOT).equals(k))
        .findFirst();
  }

  /**
   * The GPU whose id or name equals {@code idOrName}, ignoring case and surrounding whitespace.
   *
   * @param idOrName a catalog id such as {@code h100-sxm-80gb}, or a display name
   * @return the first match in catalog order
   * @throws IllegalArgumentException naming the known ids when there is none
   */
  public GpuSpec get(String idOrName) {
    return find(idOrName)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown GPU '"
                        + idOrName
                        + "' (known: "
                        + gpus.stream().map(GpuSpec::id).collect(Collectors.joining(", "))
                        + ")"));
  }

  private static GpuCatalog load() {
    JsonNode root =
        StrictJson.parseObject(ModelCatalog.resource("catalog/gpus.json"), "gpus.json", "");
    JsonNode list = root.get("gpus");
    if (list == null || !list.isArray()) {
      throw new IllegalStateException("gpus.json: missing 'gpus' list");
    }
    List<GpuSpec> out = new ArrayList<>();
    for (JsonNode g : list) {
      out.add(gpu(g));
    }
    return new GpuCatalog(out);
  }

  private static GpuSpec gpu(JsonNode g) {
    String id = text(g, "id", "?");
    Map<String, Double> flops = new LinkedHashMap<>();
    JsonNode dense = g.get("denseTflops");
    if (dense != null && dense.isObject()) {
      for (Map.Entry<String, JsonNode> e : dense.properties()) {
        if (e.getValue().isNumber()) {
          flops.put(e.getKey(), e.getValue().doubleValue());
        } else if (!e.getValue().isNull()) {
          throw new IllegalStateException(
              "gpus.json: '" + id + "' denseTflops." + e.getKey() + " is " + e.getValue());
        }
      }
    }
    List<String> sources = new ArrayList<>();
    JsonNode s = g.get("sources");
    if (s != null && s.isArray()) {
      s.forEach(n -> sources.add(n.asText()));
    }
    JsonNode ws = g.get("defaultWorkingSetBytes");
    OptionalLong workingSet =
        ws == null || ws.isNull()
            ? OptionalLong.empty()
            : OptionalLong.of(number(g, id, "defaultWorkingSetBytes"));
    JsonNode bw = g.get("memoryBandwidthBytesPerSecond");
    OptionalLong bandwidth =
        bw == null || bw.isNull()
            ? OptionalLong.empty()
            : OptionalLong.of(number(g, id, "memoryBandwidthBytesPerSecond"));
    JsonNode cuda = g.get("cudaTotalBytes");
    OptionalLong cudaTotal =
        cuda == null || cuda.isNull()
            ? OptionalLong.empty()
            : OptionalLong.of(number(g, id, "cudaTotalBytes"));
    JsonNode unified = g.get("unifiedMemory");
    return new GpuSpec(
        id,
        text(g, "name", id),
        text(g, "vendor", id),
        number(g, id, "memoryBytes"),
        bandwidth,
        unified != null && unified.asBoolean(false),
        workingSet,
        flops,
        sources,
        cudaTotal);
  }

  private static long number(JsonNode g, String id, String field) {
    JsonNode v = g.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalStateException("gpus.json: '" + id + "' has " + field + " " + v);
    }
    return v.asLong();
  }

  private static String text(JsonNode g, String field, String id) {
    JsonNode v = g.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalStateException("gpus.json: '" + id + "' lacks '" + field + "'");
    }
    return v.textValue();
  }
}
