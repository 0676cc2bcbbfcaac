package io.hwledger.fleet.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.hwledger.api.ModelSpec;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.ModelSpecJson;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Binds {@link ModelSpec} and {@link CheckpointWeights} to {@link ModelSpecJson}'s form. */
final class ModelJson {
  private ModelJson() {}

  static SimpleModule module() {
    SimpleModule module = new SimpleModule("hwledger-models");
    module.addSerializer(ModelSpec.class, writer(ModelSpec.class, ModelSpecJson::write));
    module.addSerializer(
        CheckpointWeights.class, writer(CheckpointWeights.class, ModelSpecJson::write));
    module.addDeserializer(ModelSpec.class, reader(ModelSpec.class, ModelSpecJson::readModel));
    module.addDeserializer(
        CheckpointWeights.class, reader(CheckpointWeights.class, ModelSpecJson::readWeights));
    return module;
  }

  private static <T> StdSerializer<T> writer(Class<T> type, Function<T, JsonNode> write) {
    return new Writer<>(type, write);
  }

  /** Writes a value as the tree {@code write} makes of it. */
  private static final class Writer<T> extends StdSerializer<T> {
    private static final long serialVersionUID = 1L;
    private final transient Function<T, JsonNode> write;

    Writer(Class<T> type, Function<T, JsonNode> write) {
      super(type);
      this.write = write;
    }

    @Override
    public void serialize(T value, JsonGenerator out, SerializerProvider provider)
        throws IOException {
      out.writeTree(write.apply(value));
    }
  }

  /** Where the parser is, e.g. {@code files[0].spec}. */
  private static String path(JsonStreamContext context) {
    Deque<String> steps = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      String step = c.inArray() ? "[" + c.getCurrentIndex() + "]" : c.getCurrentName();
      if (step != null) {
        steps.addFirst(step);
      }
    }
    StringBuilder out = new StringBuilder();
    for (String step : steps) {
      out.append(out.length() > 0 && !step.startsWith("[") ? "." : "").append(step);
    }
    return out.length() == 0 ? "body" : out.toString();
  }

  private static <T> StdDeserializer<T> reader(
      Class<T> type, BiFunction<JsonNode, String, T> read) {
    return new Reader<>(type, read);
  }

  /** Reads a value from its tree with {@code read}, naming where it was in the document. */
  private static final class Reader<T> extends StdDeserializer<T> {
    private static final long serialVersionUID = 1L;
    private final transient BiFunction<JsonNode, String, T> read;

    Reader(Class<T> type, BiFunction<JsonNode, String, T> read) {
      super(type);
      this.read = read;
    }

    @Override
    public T deserialize(JsonParser in, DeserializationContext context) throws IOException {
      String at = path(in.getParsingContext());
      JsonNode tree = context.readTree(in);
      try {
        return read.apply(tree, at);
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(in, e.getMessage(), e);
      }
    }
  }
}
