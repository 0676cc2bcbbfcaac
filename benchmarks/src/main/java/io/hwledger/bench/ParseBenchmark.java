package io.hwledger.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hwledger.api.Deployment;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Workload;
import io.hwledger.math.HfConfigReader;
import io.hwledger.math.Planner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of answering a question about a model known only by its {@code config.json}: {@link
 * HfConfigReader#parse} then {@link Planner#of} and one plan, against Jackson's {@code readTree} of
 * the same text alone, the floor any tree-based config reader pays.
 *
 * <p>Target: {@code parseAndPlan} at most 200 µs. The config text is the catalog's copy, read once
 * from the class path in setup.
 *
 * <p>Run: {@code ./mvnw -B -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar ParseBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ParseBenchmark {
  private static final String CATALOG_MODELS = "catalog/models/";

  /** Built-in catalog id whose {@code config.json} is parsed. */
  @Param({"llama-3.1-8b", "deepseek-v3", "qwen3-next-80b-a3b-instruct"})
  public String model;

  private String json;
  private ObjectMapper mapper;
  private Deployment deployment;
  private Workload[] workloads;
  private int next;

  /** Reads the config text and builds the baseline's mapper. */
  @Setup
  public void setUp() {
    json = resource(CATALOG_MODELS + model + ".json");
    // Configured as the reader's own mapper: published configs may hold NaN and Infinity.
    mapper = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    deployment = Inputs.singleGpu();
    workloads = Inputs.contextRing(4);
  }

  /** Parse the config, compile a planner and plan once. */
  @Benchmark
  public MemoryPlan parseAndPlan() {
    ModelSpec spec = HfConfigReader.parse(json, model);
    return Planner.of(spec)
        .plan(spec.defaultPrecision(), workloads[next++ & Inputs.MASK], deployment);
  }

  /** Baseline: Jackson's tree of the same text, nothing more. */
  @Benchmark
  public JsonNode baseline_readTree() throws JsonProcessingException {
    return mapper.readTree(json);
  }

  private static String resource(String name) {
    // Relative to io/hwledger/math, where the catalog ships inside the planner's jar.
    try (InputStream in = Planner.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no resource io/hwledger/math/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
