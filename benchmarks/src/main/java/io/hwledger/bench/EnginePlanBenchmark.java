package io.hwledger.bench;

import io.hwledger.api.Deployment;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.Planner;
import io.hwledger.math.engine.EngineModels;
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
 * Per-request cost of {@link Planner#plan} under an engine profile (vLLM's blocks and pool,
 * llama.cpp's cells and offload split, SGLang's static fraction, TensorRT-LLM's free-memory pool,
 * MLX's working set), against the generic engine's plan of the same request in the same run.
 *
 * <p>Target (issue 5): engine-profile planning under 5 µs per call. Each call plans the next of
 * eight contexts (512 to 65,536 tokens, four sequences, one 80 GiB GPU).
 *
 * <p>Run: {@code ./mvnw -B -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar EnginePlanBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EnginePlanBenchmark {

  /** A dense GQA model and a sliding-window/full hybrid with MoE. */
  @Param({"llama-3.1-8b", "gpt-oss-120b"})
  public String model;

  /** The engine profile planned for. */
  @Param({"vllm", "llamacpp", "sglang", "trtllm", "mlx"})
  public String engine;

  private Planner planner;
  private Precision precision;
  private Deployment deployment;
  private Deployment generic;
  private Workload[] workloads;
  private int next;

  /** Compiles the planner once, as an application would. */
  @Setup
  public void setUp() {
    ModelSpec spec = ModelCatalog.builtIn().spec(model);
    planner = Planner.of(spec);
    precision = spec.defaultPrecision();
    generic = Inputs.singleGpu();
    deployment = generic.withEngine(EngineModels.defaults().get(engine).defaults());
    workloads = Inputs.contextRing(4);
  }

  /** A plan under the engine's rules. */
  @Benchmark
  public MemoryPlan enginePlan() {
    return planner.plan(precision, workloads[next++ & Inputs.MASK], deployment);
  }

  /** Baseline: the generic engine's plan of the same request. */
  @Benchmark
  public MemoryPlan baseline_genericPlan() {
    return planner.plan(precision, workloads[next++ & Inputs.MASK], generic);
  }
}
