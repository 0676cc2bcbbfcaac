package io.hwledger.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.LayerMemory;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.Precision;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Builds and prints the JSON documents of the command line (shapes documented in {@code
 * docs/cli-reference.md}). Jackson stays inside this class. Thread-safe.
 */
final class JsonWriter {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonWriter() {}

  /** A new empty object. */
  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Prints {@code node} as one pretty-printed JSON document followed by a newline. */
  static void print(PrintStream out, JsonNode node) {
    try {
      out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Prints {@code node} like {@link #print}, but in ASCII: every non-ASCII character is written as
   * a six-character JSON unicode escape, so the document survives any output encoding. Raw values
   * must be ASCII already ({@link #asciiJson}).
   */
  static void printAscii(PrintStream out, JsonNode node) {
    try {
      out.println(
          MAPPER
              .writer()
              .with(JsonWriteFeature.ESCAPE_NON_ASCII)
              .withDefaultPrettyPrinter()
              .writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Receives the elements of an array as they are produced. */
  interface ElementSink {
    void add(JsonNode element);
  }

  /**
   * Prints, as {@link #printAscii} would, an object whose first member is the array {@code field}
   * and whose other members are {@code rest}'s; the array's elements are written as {@code
   * elements} produces them, so a long array is never held in memory.
   */
  static void printAsciiStreaming(
      PrintStream out, String field, Consumer<ElementSink> elements, ObjectNode rest) {
    try {
      JsonGenerator json =
          MAPPER
              .writer()
              .with(JsonWriteFeature.ESCAPE_NON_ASCII)
              .withDefaultPrettyPrinter()
              .createGenerator(out)
              .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      json.writeStartObject();
      json.writeFieldName(field);
      json.writeStartArray();
      elements.accept(
          element -> {
            try {
              json.writeTree(element);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      json.writeEndArray();
      for (Map.Entry<String, JsonNode> member : rest.properties()) {
        json.writeFieldName(member.getKey());
        json.writeTree(member.getValue());
      }
      json.writeEndObject();
      json.flush();
      out.println();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A JSON text with every non-ASCII character replaced by its six-character unicode escape: the
   * same value, provided non-ASCII characters occur only inside strings (true of all JSON text, as
   * JSON whitespace and syntax are ASCII).
   */
  static String asciiJson(String json) {
    StringBuilder b = null;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c < 0x80) {
        if (b != null) {
          b.append(c);
        }
        continue;
      }
      if (b == null) {
        b = new StringBuilder(json.length() + 16).append(json, 0, i);
      }
      b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
    }
    return b == null ? json : b.toString();
  }

  /** Prints {@code node} as compact JSON on one line (JSON Lines), followed by a newline. */
  static void printLine(PrintStream out, JsonNode node) {
    try {
      out.println(MAPPER.writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serialises {@code node} as compact JSON text. */
  static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The plan document of {@code plan}; {@code activeWithEmbeddings} is the planner's {@link
   * io.hwledger.math.Planner#activeParametersWithEmbeddings()}.
   */
  static ObjectNode plan(PlanOptions.Request request, MemoryPlan plan, long activeWithEmbeddings) {
    ObjectNode root = object();
    root.put("model", request.modelLabel());
    root.put("modelSource", request.modelSource());
    request.fileType().ifPresent(t -> root.put("llamaCppFileType", t.name()));
    ObjectNode parameters = root.putObject("parameters");
    parameters.put("total", plan.totalParameters());
    parameters.put("active", plan.activeParameters());
    parameters.put("activeWithEmbeddings", activeWithEmbeddings);
    putOptional(root, "contextLimit", plan.contextLimit());

    ObjectNode workload = root.putObject("workload");
    workload.put("contextTokens", request.workload().contextTokens());
    workload.put("users", request.workload().sequences());
    workload.put("prefillChunkTokens", request.workload().prefillChunkTokens());
    root.set("precision", precision(request.precision()));

    ObjectNode deployment = root.putObject("deployment");
    deployment.put("tensorParallel", request.deployment().tensorParallel());
    deployment.put("pipelineParallel", request.deployment().pipelineParallel());
    deployment.put("engine", request.deployment().engine().id());
    deployment.put(
        "gpus",
        (long) request.deployment().tensorParallel() * request.deployment().pipelineParallel());
    if (request.gpu().isPresent()) {
      deployment.put("gpu", request.gpu().get().id());
    } else {
      deployment.putNull("gpu");
    }
    putOptional(deployment, "memoryPerGpuBytes", request.deployment().memoryPerGpuBytes());

    root.set("memory", breakdown(plan.total()));
    root.set("perGpu", breakdown(plan.perGpu()));
    plan.fit()
        .ifPresent(
            fit -> {
              root.put("fits", fit.fits());
              root.put("headroomBytes", fit.headroomBytes());
              root.put("budgetBytes", fit.budgetBytes());
            });
    root.set("engine", engine(request, plan));
    ArrayNode stages = root.putArray("stages");
    plan.stages().forEach(stage -> stages.add(breakdown(stage)));

    ArrayNode layers = root.putArray("layers");
    long users = request.workload().sequences();
    for (LayerMemory layer : plan.layers()) {
      ObjectNode row = layers.addObject();
      row.put("index", layer.index());
      row.put("mixer", layer.mixer());
      row.put("kvBytesPerToken", layer.kvBytesPerToken());
      putOptional(row, "windowTokens", layer.windowTokens());
      // Every sequence's state in this layer, like kvCacheBytes; cannot overflow, the plan's
      // total state (a larger sum) did not.
      row.put("stateBytes", Math.multiplyExact(layer.stateBytesPerSequence(), users));
      row.put("kvCacheBytes", layer.kvCacheBytes());
      row.put("stateBytesPerSequence", layer.stateBytesPerSequence());
      row.put("parameters", layer.parameters());
      row.put("weightsBytes", layer.weightsBytes());
    }
    return root;
  }

  /**
   * The inputs of a plan, as recorded in a {@code plan.computed} event and hashed into its {@code
   * inputsHash}: {@code {"model", "modelSource", "configSha256"?, "workload": {"contextTokens",
   * "users", "prefillChunkTokens"}, "precision": {...}, "deployment": {"tensorParallel",
   * "pipelineParallel", "gpu", "memoryPerGpuBytes"}}}.
   *
   * @param configSha256 SHA-256 of the {@code --config} file, for a config model
   */
  static ObjectNode planInputs(PlanOptions.Request request, Optional<String> configSha256) {
    ObjectNode root = object();
    root.put("model", request.modelLabel());
    root.put("modelSource", request.modelSource());
    configSha256.ifPresent(hash -> root.put("configSha256", hash));
    ObjectNode workload = root.putObject("workload");
    workload.put("contextTokens", request.workload().contextTokens());
    workload.put("users", request.workload().sequences());
    workload.put("prefillChunkTokens", request.workload().prefillChunkTokens());
    root.set("precision", precision(request.precision()));
    ObjectNode deployment = root.putObject("deployment");
    deployment.put("tensorParallel", request.deployment().tensorParallel());
    deployment.put("pipelineParallel", request.deployment().pipelineParallel());
    if (request.gpu().isPresent()) {
      deployment.put("gpu", request.gpu().get().id());
    } else {
      deployment.putNull("gpu");
    }
    putOptional(deployment, "memoryPerGpuBytes", request.deployment().memoryPerGpuBytes());
    return root;
  }

  /**
   * The engine object of a plan: its name, and what it allocates when the plan has a budget to size
   * it from ({@code null} figures otherwise).
   */
  private static ObjectNode engine(PlanOptions.Request request, MemoryPlan plan) {
    ObjectNode node = object();
    node.put("name", request.deployment().engine().id());
    if (plan.engine().isPresent()) {
      EnginePlan e = plan.engine().get();
      node.put("memoryLimitBytes", e.memoryLimitBytes());
      node.put("kvCacheBytes", e.kvCacheBytes());
      node.put("kvCacheTokens", e.kvCacheTokens());
      node.put("maxConcurrency", e.maxConcurrency());
      node.put("hostBytes", e.hostBytes());
    } else {
      node.putNull("memoryLimitBytes");
      node.putNull("kvCacheBytes");
      node.putNull("kvCacheTokens");
      node.putNull("maxConcurrency");
      node.putNull("hostBytes");
    }
    return node;
  }

  /** The precision's dtype names. */
  static ObjectNode precision(Precision p) {
    ObjectNode node = object();
    node.put("weights", p.weights().name());
    node.put("expertWeights", p.expertWeights().name());
    node.put("unquantizedWeights", p.unquantizedWeights().name());
    node.put("keyCache", p.keyCache().name());
    node.put("valueCache", p.valueCache().name());
    node.put("state", p.state().name());
    return node;
  }

  private static ObjectNode breakdown(MemoryBreakdown b) {
    ObjectNode node = object();
    node.put("weightsBytes", b.weightsBytes());
    node.put("kvCacheBytes", b.kvCacheBytes());
    node.put("stateBytes", b.stateBytes());
    node.put("activationBytes", b.activationBytes());
    node.put("overheadBytes", b.overheadBytes());
    node.put("totalBytes", b.totalBytes());
    return node;
  }

  static void putOptional(ObjectNode node, String field, OptionalLong value) {
    if (value.isPresent()) {
      node.put(field, value.getAsLong());
    } else {
      node.putNull(field);
    }
  }
}
