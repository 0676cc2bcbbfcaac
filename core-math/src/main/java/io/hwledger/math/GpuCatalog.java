package io.hwledger.math;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.GpuSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
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
 *
 * <p>An entry may list {@code reportedNames}: each a {@code name} a telemetry tool prints for it
 * ({@code nvidia-smi --query-gpu=name}, rocm-smi's product name) and the {@code source} where that
 * output is published, so a GPU an agent reports ({@code NVIDIA H100 80GB HBM3}) finds its entry
 * ({@code NVIDIA H100 SXM 80GB}). Ids, names and reported names are unique across the catalog,
 * ignoring case and runs of whitespace.
 */
public final class GpuCatalog {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final List<GpuSpec> gpus;

  /** Lower-case id, name and reported name, whitespace runs as one space, to its entry. */
  private final Map<String, GpuSpec> byKey;

  private GpuCatalog(List<GpuSpec> gpus, Map<String, GpuSpec> byKey) {
    this.gpus = List.copyOf(gpus);
    this.byKey = Map.copyOf(byKey);
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
   * The GPU whose id, name or one of whose reported names equals {@code idOrName}, ignoring case,
   * surrounding whitespace and the length of whitespace runs.
   *
   * @param idOrName a catalog id such as {@code h100-sxm-80gb}, a display name, or a name a
   *     telemetry tool reports ({@code NVIDIA H100 80GB HBM3})
   * @return the entry, or empty if none matches
   */
  public Optional<GpuSpec> find(String idOrName) {
    Objects.requireNonNull(idOrName, "idOrName");
    return Optional.ofNullable(byKey.get(key(idOrName)));
  }

  /**
   * The GPU a telemetry backend reports: {@link #find} of its product name, when the entry's vendor
   * is the reported one. A name no entry lists (a MIG slice such as {@code NVIDIA A100-SXM4-80GB
   * MIG 1g.10gb}, a variant the catalog lacks, an Apple chip whose Metal name does not say the
   * memory its entries differ by) is not matched to a neighbour.
   *
   * @param vendor the reported vendor, compared ignoring case ({@code nvidia} is {@code NVIDIA})
   * @param productName the reported product name
   * @return the entry, or empty if none matches both
   */
  public Optional<GpuSpec> findReported(String vendor, String productName) {
    Objects.requireNonNull(vendor, "vendor");
    Objects.requireNonNull(productName, "productName");
    return find(productName).filter(g -> g.vendor().equalsIgnoreCase(vendor.trim()));
  }

  /**
   * The GPU whose id, name or reported name equals {@code idOrName}, as {@link #find} matches.
   *
   * @param idOrName a catalog id such as {@code h100-sxm-80gb}, a display name or a reported name
   * @return the entry
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
    return parse(
        StrictJson.parseObject(ModelCatalog.resource("catalog/gpus.json"), "gpus.json", ""));
  }

  /** The catalog {@code root} ({@code gpus.json}'s object) describes. */
  static GpuCatalog parse(JsonNode root) {
    JsonNode list = root.get("gpus");
    if (list == null || !list.isArray()) {
      throw new IllegalStateException("gpus.json: missing 'gpus' list");
    }
    List<GpuSpec> out = new ArrayList<>();
    Map<String, GpuSpec> byKey = new HashMap<>();
    for (JsonNode g : list) {
      GpuSpec gpu = gpu(g);
      out.add(gpu);
      List<String> names = new ArrayList<>(List.of(gpu.id(), gpu.name()));
      names.addAll(reportedNames(g, gpu.id()));
      for (String name : names) {
        GpuSpec before = byKey.putIfAbsent(key(name), gpu);
        if (before != null && before != gpu) {
          throw new IllegalStateException(
              "gpus.json: '" + name + "' names both " + before.id() + " and " + gpu.id());
        }
      }
    }
    return new GpuCatalog(out, byKey);
  }

  /** {@code name} lower case, trimmed, each whitespace run one space. */
  private static String key(String name) {
    return WHITESPACE.matcher(name.trim()).replaceAll(" ").toLowerCase(Locale.ROOT);
  }

  /**
   * The row's {@code reportedNames}: objects with the {@code name} a tool printed and the {@code
   * source} (an https URL) where that output is published.
   */
  private static List<String> reportedNames(JsonNode g, String id) {
    JsonNode names = g.get("reportedNames");
    if (names == null) {
      return List.of();
    }
    if (!names.isArray()) {
      throw new IllegalStateException("gpus.json: '" + id + "' reportedNames is not a list");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : names) {
      JsonNode name = n.get("name");
      JsonNode source = n.get("source");
      if (name == null
          || !name.isTextual()
          || name.textValue().isBlank()
          || source == null
          || !source.isTextual()
          || !source.textValue().startsWith("https://")) {
        throw new IllegalStateException(
            "gpus.json: '" + id + "' reportedNames needs a name and an https source each: " + n);
      }
      out.add(name.textValue());
    }
    return out;
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
