package io.hwledger.math;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The built-in catalog of published model configurations: an index ({@code catalog/models.json})
 * and each model's verbatim {@code config.json}, read with {@link HfConfigReader}.
 *
 * <p>Immutable and thread-safe. The index is loaded once, on first use; each model's spec is parsed
 * on first request and then reused.
 */
public final class ModelCatalog {
  private static final String ROOT = "catalog/";

  private static final java.util.Set<String> FLOAT_DTYPES =
      java.util.Set.of("F64", "F32", "F16", "BF16");

  private final List<Entry> entries;
  private final Map<String, Entry> byId;
  private final Map<String, String> configPaths;
  private final Map<String, ModelSpec> specs = new ConcurrentHashMap<>();

  /**
   * One catalog model.
   *
   * @param id catalog identifier, e.g. {@code llama-3.1-8b}
   * @param name display name
   * @param repo Hugging Face repository the config belongs to
   * @param source where the stored copy of the config was taken from
   * @param upstream the config's canonical address
   * @param hubParameters parameters the Hugging Face Hub counts in the checkpoint's safetensors,
   *     where recorded and every tensor is floating point (packed quantised tensors, such as
   *     gpt-oss's MXFP4 experts stored as U8, do not count parameters); an independent check of the
   *     planner's count
   * @param reconstructed whether the config was reconstructed rather than copied verbatim
   */
  public record Entry(
      String id,
      String name,
      String repo,
      String source,
      String upstream,
      OptionalLong hubParameters,
      boolean reconstructed) {

    /**
     * Checks that no argument is null.
     *
     * @param id catalog identifier
     * @param name display name
     * @param repo Hugging Face repository
     * @param source where the stored config was taken from
     * @param upstream the config's canonical address
     * @param hubParameters the Hub's parameter count, empty where not recorded or not comparable
     * @param reconstructed whether the config was reconstructed rather than copied
     */
    public Entry {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(repo, "repo");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(upstream, "upstream");
      Objects.requireNonNull(hubParameters, "hubParameters");
    }
  }

  private ModelCatalog(List<Entry> entries, Map<String, String> configPaths) {
    this.entries = List.copyOf(entries);
    Map<String, Entry> index = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (index.put(key(e.id()), e) != null) {
        throw new IllegalStateException("models.json: duplicate id '" + e.id() + "'");
      }
    }
    this.byId = index;
    this.configPaths = Map.copyOf(configPaths);
  }

  /**
   * The catalog shipped in this jar.
   *
   * @return the shared instance, its index loaded on first call
   */
  public static ModelCatalog builtIn() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final ModelCatalog INSTANCE = load();
  }

  /**
   * Entries in index order.
   *
   * @return an unmodifiable list
   */
  public List<Entry> entries() {
    return entries;
  }

  /**
   * The entry with {@code id}, compared case-insensitively (surrounding whitespace is not trimmed).
   *
   * @param id catalog identifier, e.g. {@code llama-3.1-8b}
   * @return the entry, or empty if the catalog has no such id
   */
  public Optional<Entry> find(String id) {
    Objects.requireNonNull(id, "id");
    return Optional.ofNullable(byId.get(key(id)));
  }

  /**
   * The structure of model {@code id}, named by its catalog id; parsed once, then cached.
   *
   * @param id catalog identifier, compared case-insensitively
   * @return the model's layers, sizes and checkpoint precision
   * @throws ModelConfigException when there is no such model, or its config cannot be read
   */
  public ModelSpec spec(String id) {
    Entry entry =
        find(id)
            .orElseThrow(
                () ->
                    new ModelConfigException(
                        "unknown model '"
                            + id
                            + "' (known: "
                            + entries.stream().map(Entry::id).collect(Collectors.joining(", "))
                            + ")"));
    return specs.computeIfAbsent(entry.id(), k -> parse(entry));
  }

  /**
   * The {@code model_type} of model {@code id}'s config (the decoder's when nested), which decides
   * how llama.cpp converts it ({@link LlamaCppQuantization}).
   *
   * @param id catalog identifier, compared case-insensitively
   * @return the model type in lower case, or an empty string when the config names none
   * @throws ModelConfigException when there is no such model
   */
  public String modelType(String id) {
    Entry entry =
        find(id).orElseThrow(() -> new ModelConfigException("unknown model '" + id + "'"));
    String path = configPaths.get(entry.id());
    return LlamaCppQuantization.architecture(
        StrictJson.parseObject(resource(ROOT + path), path, "config"));
  }

  private ModelSpec parse(Entry entry) {
    String path = configPaths.get(entry.id());
    return HfConfigReader.parse(resource(ROOT + path), entry.id(), path);
  }

  private static String key(String id) {
    return id.trim().toLowerCase(Locale.ROOT); // as GpuCatalog.find: surrounding spaces ignored
  }

  /** Sums the Hub's per-dtype parameter counts when every dtype is floating point. */
  private static OptionalLong hubParameters(String id, JsonNode counts) {
    if (counts == null || counts.isNull()) {
      return OptionalLong.empty();
    }
    long sum = 0;
    for (Map.Entry<String, JsonNode> e : counts.properties()) {
      if (e.getKey().equals("total")) {
        continue;
      }
      if (!FLOAT_DTYPES.contains(e.getKey())) {
        return OptionalLong.empty();
      }
      JsonNode n = e.getValue();
      if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
        throw new IllegalStateException(
            "models.json: '" + id + "' has hfApiSafetensorsParameters." + e.getKey() + " " + n);
      }
      sum = Math.addExact(sum, n.asLong());
    }
    return sum > 0 ? OptionalLong.of(sum) : OptionalLong.empty();
  }

  private static ModelCatalog load() {
    JsonNode root = StrictJson.parseObject(resource(ROOT + "models.json"), "models.json", "");
    JsonNode models = root.get("models");
    if (models == null || !models.isArray()) {
      throw new IllegalStateException("models.json: missing 'models' list");
    }
    List<Entry> entries = new ArrayList<>();
    Map<String, String> paths = new LinkedHashMap<>();
    for (JsonNode m : models) {
      String id = text(m, "id");
      OptionalLong size = hubParameters(id, m.get("hfApiSafetensorsParameters"));
      JsonNode reconstructed = m.get("reconstructed");
      entries.add(
          new Entry(
              id,
              text(m, "name"),
              text(m, "repo"),
              text(m, "source"),
              text(m, "upstream"),
              size,
              reconstructed != null && reconstructed.asBoolean(false)));
      paths.put(id, text(m, "config"));
    }
    return new ModelCatalog(entries, paths);
  }

  private static String text(JsonNode m, String field) {
    JsonNode v = m.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalStateException(
          "models.json: entry " + m.get("id") + " lacks '" + field + "'");
    }
    return v.textValue();
  }

  /** A resource of this package, as UTF-8 text. */
  static String resource(String name) {
    try (InputStream in = ModelCatalog.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource io/hwledger/math/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource io/hwledger/math/" + name, e);
    }
  }
}
