package io.hwledger.math;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.GatedDeltaNet;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mamba1;
import io.hwledger.api.Mamba2;
import io.hwledger.api.Mixer;
import io.hwledger.api.Mlp;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.MoeMlp;
import io.hwledger.api.NoMlp;
import io.hwledger.api.NormKind;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * A {@link ModelSpec} and {@link CheckpointWeights} as JSON, and back: how a model read from a file
 * on one host (an agent's GGUF or safetensors checkpoint) reaches a planner on another.
 *
 * <p>The form follows the records: an object per record with one member per record component, by
 * its name; {@link DType}s by {@link DType#name()}; {@link NormKind} in lower case; an empty {@code
 * OptionalLong} left out; the sealed {@link Mixer} and {@link Mlp} as objects with a {@code "kind"}
 * ({@code attention}, {@code latent_attention}, {@code mamba1}, {@code mamba2}, {@code
 * gated_delta_net}; {@code dense}, {@code moe}, {@code none}). A model's {@code layers} are runs of
 * equal consecutive layers, each the layer's members plus {@code "repeat"}, so a 126-layer dense
 * model is one run. Reading goes through the records' own constructors, so whatever they refuse is
 * refused here, in one line that names the member at fault ({@code layers[2].mixer.kvHeads: ...}).
 *
 * <p>Stateless and thread-safe.
 */
public final class ModelSpecJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String KIND = "kind";
  private static final String REPEAT = "repeat";

  private static final Map<String, Class<? extends Mixer>> MIXERS =
      Map.of(
          "attention", Attention.class,
          "latent_attention", LatentAttention.class,
          "mamba1", Mamba1.class,
          "mamba2", Mamba2.class,
          "gated_delta_net", GatedDeltaNet.class);
  private static final Map<String, Class<? extends Mlp>> MLPS =
      Map.of("dense", DenseMlp.class, "moe", MoeMlp.class);
  private static final String NO_MLP = "none";

  private ModelSpecJson() {}

  /**
   * The JSON form of {@code model}.
   *
   * @param model the model
   * @return a new object
   */
  public static ObjectNode write(ModelSpec model) {
    Objects.requireNonNull(model, "model");
    return (ObjectNode) value(model, ModelSpec.class);
  }

  /**
   * The JSON form of {@code weights}.
   *
   * @param weights a checkpoint's weight bytes
   * @return a new object
   */
  public static ObjectNode write(CheckpointWeights weights) {
    Objects.requireNonNull(weights, "weights");
    return (ObjectNode) value(weights, CheckpointWeights.class);
  }

  /**
   * Reads a model written by {@link #write(ModelSpec)}.
   *
   * @param json the object
   * @return the model, validated by its records' constructors
   * @throws IllegalArgumentException in one line naming the member at fault
   */
  public static ModelSpec readModel(JsonNode json) {
    return readModel(json, "model");
  }

  /**
   * Reads a model written by {@link #write(ModelSpec)} found at {@code at} in a larger document.
   *
   * @param json the object
   * @param at where it is, for messages, e.g. {@code files[0].spec}
   * @return the model, validated by its records' constructors
   * @throws IllegalArgumentException in one line naming the member at fault, below {@code at}
   */
  public static ModelSpec readModel(JsonNode json, String at) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(at, "at");
    return (ModelSpec) read(json, ModelSpec.class, at);
  }

  /**
   * Reads weights written by {@link #write(CheckpointWeights)}.
   *
   * @param json the object
   * @return the weights, validated by their constructor
   * @throws IllegalArgumentException in one line naming the member at fault
   */
  public static CheckpointWeights readWeights(JsonNode json) {
    return readWeights(json, "weights");
  }

  /**
   * Reads weights written by {@link #write(CheckpointWeights)} found at {@code at} in a larger
   * document.
   *
   * @param json the object
   * @param at where it is, for messages, e.g. {@code files[0].weights}
   * @return the weights, validated by their constructor
   * @throws IllegalArgumentException in one line naming the member at fault, below {@code at}
   */
  public static CheckpointWeights readWeights(JsonNode json, String at) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(at, "at");
    return (CheckpointWeights) read(json, CheckpointWeights.class, at);
  }

  // ---- writing ----

  private static JsonNode value(Object value, Type type) {
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof DType d) {
      return NODES.textNode(d.name());
    }
    if (value instanceof NormKind n) {
      return NODES.textNode(n.name().toLowerCase(Locale.ROOT));
    }
    if (value instanceof Mixer && value instanceof Record m) {
      return kinded(kindOf(MIXERS, m.getClass()), m);
    }
    if (value instanceof NoMlp) {
      return NODES.objectNode().put(KIND, NO_MLP);
    }
    if (value instanceof Mlp && value instanceof Record m) {
      return kinded(kindOf(MLPS, m.getClass()), m);
    }
    if (value instanceof List<?> list) {
      Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
      return element == LayerSpec.class ? runs(list) : array(list, element);
    }
    if (value instanceof Record r) {
      return fields(r);
    }
    throw new IllegalStateException("no JSON form for " + value.getClass().getName());
  }

  /**
   * Integer and boolean components added after the format was first written: left out when 0 or
   * false, and read as 0 or false when missing, so documents written before them (and by older
   * agents) still read.
   */
  private static final java.util.Set<String> DEFAULT_WHEN_MISSING =
      java.util.Set.of(
          "positionEmbeddings", "weightBlockSize", "qkNormAcrossHeads", "visionParameters");

  /**
   * One member per record component, by its name; an empty {@code OptionalLong} and a zero {@link
   * #DEFAULT_WHEN_MISSING} member at its default left out.
   */
  private static ObjectNode fields(Record r) {
    ObjectNode out = NODES.objectNode();
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      Object v = component(r, c);
      if (DEFAULT_WHEN_MISSING.contains(c.getName())
          && (Integer.valueOf(0).equals(v)
              || Long.valueOf(0).equals(v)
              || Boolean.FALSE.equals(v))) {
        continue;
      }
      if (v instanceof OptionalLong o) {
        if (o.isPresent()) {
          out.put(c.getName(), o.getAsLong());
        }
      } else {
        out.set(c.getName(), value(v, c.getGenericType()));
      }
    }
    return out;
  }

  private static ObjectNode kinded(String kind, Record r) {
    ObjectNode out = NODES.objectNode().put(KIND, kind);
    out.setAll(fields(r));
    return out;
  }

  private static <T> String kindOf(Map<String, Class<? extends T>> kinds, Class<?> type) {
    for (Map.Entry<String, Class<? extends T>> e : kinds.entrySet()) {
      if (e.getValue() == type) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("no JSON kind for " + type.getName());
  }

  private static ArrayNode array(List<?> list, Type element) {
    ArrayNode out = NODES.arrayNode();
    list.forEach(v -> out.add(value(v, element)));
    return out;
  }

  /** Runs of equal consecutive layers: the layer's members and how often it repeats. */
  private static ArrayNode runs(List<?> layers) {
    ArrayNode out = NODES.arrayNode();
    int i = 0;
    while (i < layers.size()) {
      int j = i + 1;
      while (j < layers.size() && layers.get(j).equals(layers.get(i))) {
        j++;
      }
      ObjectNode run = NODES.objectNode().put(REPEAT, j - i);
      run.setAll(fields((LayerSpec) layers.get(i)));
      out.add(run);
      i = j;
    }
    return out;
  }

  private static Object component(Record r, RecordComponent c) {
    try {
      return c.getAccessor().invoke(r);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c, e);
    }
  }

  // ---- reading ----

  private static Object read(JsonNode json, Type type, String path) {
    if (type == int.class || type == Integer.class) {
      if (!json.isIntegralNumber() || !json.canConvertToInt()) {
        throw bad(path, "an integer", json);
      }
      return json.intValue();
    }
    if (type == long.class || type == Long.class) {
      if (!json.isIntegralNumber() || !json.canConvertToLong()) {
        throw bad(path, "an integer", json);
      }
      return json.longValue();
    }
    if (type == boolean.class) {
      if (!json.isBoolean()) {
        throw bad(path, "true or false", json);
      }
      return json.booleanValue();
    }
    if (type == String.class) {
      if (!json.isTextual()) {
        throw bad(path, "a string", json);
      }
      return json.textValue();
    }
    if (type == DType.class) {
      try {
        return DType.parse((String) read(json, String.class, path));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
      }
    }
    if (type == NormKind.class) {
      String text = (String) read(json, String.class, path);
      for (NormKind n : NormKind.values()) {
        if (n.name().toLowerCase(Locale.ROOT).equals(text)) {
          return n;
        }
      }
      throw bad(path, "rms_norm or layer_norm", json);
    }
    if (type == Mixer.class) {
      return record(json, MIXERS.get(kind(json, path, new TreeSet<>(MIXERS.keySet()))), path);
    }
    if (type == Mlp.class) {
      String kind = kind(json, path, List.of("dense", "moe", NO_MLP));
      return kind.equals(NO_MLP) ? NoMlp.INSTANCE : record(json, MLPS.get(kind), path);
    }
    if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
      Type element = p.getActualTypeArguments()[0];
      return element == LayerSpec.class ? layers(json, path) : list(json, element, path);
    }
    if (type instanceof Class<?> c && c.isRecord()) {
      return record(json, c, path);
    }
    throw new IllegalStateException("no JSON form for " + type);
  }

  private static String kind(JsonNode json, String path, Iterable<String> known) {
    if (!json.isObject()) {
      throw bad(path, "an object", json);
    }
    JsonNode kind = json.get(KIND);
    for (String k : known) {
      if (kind != null && k.equals(kind.textValue())) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        path + "." + KIND + ": expected one of " + String.join(", ", known) + ", was " + kind);
  }

  private static List<Object> list(JsonNode json, Type element, String path) {
    if (!json.isArray()) {
      throw bad(path, "an array", json);
    }
    if (json.size() > ModelSpec.MAX_LAYERS) {
      throw new IllegalArgumentException(
          path + ": at most " + ModelSpec.MAX_LAYERS + " elements, was " + json.size());
    }
    List<Object> out = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      out.add(read(json.get(i), element, path + "[" + i + "]"));
    }
    return out;
  }

  private static List<Object> layers(JsonNode json, String path) {
    if (!json.isArray()) {
      throw bad(path, "an array", json);
    }
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < json.size(); i++) {
      String at = path + "[" + i + "]";
      JsonNode run = json.get(i);
      int repeat = (int) read(run.path(REPEAT), int.class, at + "." + REPEAT);
      if (repeat < 1 || repeat > ModelSpec.MAX_LAYERS - out.size()) {
        throw new IllegalArgumentException(
            at
                + "."
                + REPEAT
                + ": "
                + repeat
                + " layers would make "
                + ((long) out.size() + repeat)
                + "; 1 to "
                + ModelSpec.MAX_LAYERS
                + " in all");
      }
      Object layer = record(run, LayerSpec.class, at);
      for (int k = 0; k < repeat; k++) {
        out.add(layer);
      }
    }
    return out;
  }

  private static Object record(JsonNode json, Class<?> type, String path) {
    if (!json.isObject()) {
      throw bad(path, "an object", json);
    }
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      types[i] = c.getType();
      JsonNode member = json.get(c.getName());
      String at = path + "." + c.getName();
      if (c.getType() == OptionalLong.class) {
        args[i] =
            member == null || member.isNull()
                ? OptionalLong.empty()
                : OptionalLong.of((long) read(member, long.class, at));
      } else if (member == null && DEFAULT_WHEN_MISSING.contains(c.getName())) {
        args[i] =
            c.getType() == boolean.class
                ? (Object) Boolean.FALSE
                : c.getType() == long.class ? (Object) 0L : (Object) 0;
      } else if (member == null) {
        throw new IllegalArgumentException(at + ": missing");
      } else {
        args[i] = read(member, c.getGenericType(), at);
      }
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals(KIND) && !name.equals(REPEAT) && !isComponent(components, name)) {
        throw new IllegalArgumentException(path + "." + name + ": not a member");
      }
    }
    try {
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      return canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
        throw new IllegalArgumentException(path + ": " + cause.getMessage(), cause);
      }
      throw new IllegalStateException("cannot make " + type.getSimpleName(), cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make " + type.getSimpleName(), e);
    }
  }

  private static boolean isComponent(RecordComponent[] components, String name) {
    for (RecordComponent c : components) {
      if (c.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static IllegalArgumentException bad(String path, String expected, JsonNode was) {
    String shown = was.isMissingNode() ? "missing" : "was " + abbreviated(was.toString());
    return new IllegalArgumentException(path + ": expected " + expected + ", " + shown);
  }

  private static String abbreviated(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
